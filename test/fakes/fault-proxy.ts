import type { IncomingMessage, ServerResponse } from 'node:http';
import { forward, listen, recordRequest, upstream, type RecordedRequest } from './http.ts';

/**
 * A FAULT-INJECTING reverse proxy on loopback, in front of the real node: it forwards everything,
 * except requests matching the current fault, which it breaks in one of the ways a network or an
 * overloaded cluster does. Not an imitation of any API: a way to break the real one.
 */
export type FaultKind =
  /** Destroys the socket after reading part of the request body (ECONNRESET / socket hang up). */
  | 'reset'
  /** Never answers. */
  | 'timeout'
  /** Answers with a status, a JSON body and headers (e.g. 429 + Retry-After). */
  | 'status'
  /** Answers 200 with a body that is not JSON. */
  | 'malformed'
  /** Answers 200 with a complete body that is valid JSON cut short (a prefix, no closing brace). */
  | 'truncated'
  /** Starts a 200 answer (headers, part of the body), then destroys the socket: a reset mid-response. */
  | 'reset-mid-response'
  /** Forwards the request unchanged after `delayMs`: a slow link or a remote cluster, widening races. */
  | 'delay';

export interface Fault {
  readonly kind: FaultKind;
  /** Which requests to break, by method and path; default: all. */
  readonly match?: (method: string, path: string) => boolean;
  /** How many matching requests to break before passing them through; default: all. */
  readonly times?: number;
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** For `delay`: how long each matching request waits before it is forwarded. */
  readonly delayMs?: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Sets (or with undefined, removes) the fault. */
  setFault(fault: Fault | undefined): void;
  /** How many requests were broken since the fault was set. */
  broken(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const up = upstream(target);
  const requests: RecordedRequest[] = [];
  let fault: Fault | undefined;
  let broken = 0;
  const hanging = new Set<ServerResponse>();
  const server = await listen((req: IncomingMessage, res: ServerResponse) => {
    const rec = recordRequest(req);
    requests.push(rec);
    const f = fault;
    if (!f || !(f.match?.(rec.method, rec.path) ?? true) || broken >= (f.times ?? Infinity)) {
      forward(up, req, res);
      return;
    }
    broken++;
    switch (f.kind) {
      case 'delay':
        setTimeout(() => forward(up, req, res), f.delayMs ?? 0);
        return;
      case 'reset':
        req.once('data', () => req.socket.destroy());
        req.once('end', () => req.socket.destroy());
        req.resume();
        return;
      case 'timeout':
        hanging.add(res);
        req.resume();
        return;
      case 'malformed':
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"acknowledged": tru');
        });
        return;
      case 'truncated':
        req.resume();
        req.on('end', () => {
          const body = '{"took":3,"errors":false,"acknowledged":true,"items":[{"create":{"status":201';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
          res.end(body);
        });
        return;
      case 'reset-mid-response':
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
          res.write('{"took":3,"errors":false,"items":[');
          // RST, not FIN: the client sees ECONNRESET after the response began.
          setTimeout(() => req.socket.resetAndDestroy(), 30);
        });
        return;
      case 'status':
        req.resume();
        req.on('end', () => {
          res.writeHead(f.status ?? 500, { 'content-type': 'application/json', ...(f.headers ?? {}) });
          res.end(JSON.stringify(f.body ?? { error: { type: 'fault', reason: `injected HTTP ${f.status}` }, status: f.status }));
        });
        return;
    }
  }, () => {
    for (const r of hanging) r.socket?.destroy();
    up.destroy();
  });
  return {
    url: server.url,
    requests,
    setFault(f) {
      fault = f;
      broken = 0;
      for (const r of hanging) r.socket?.destroy();
      hanging.clear();
    },
    broken: () => broken,
    close: server.close,
  };
}
