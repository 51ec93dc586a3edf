/**
 * Shared plumbing for the test FAKES in this folder (not a fake itself): listening on a random
 * free port of 127.0.0.1, reading bodies, JSON replies, and a streaming reverse-proxy `forward()`
 * used by counting-proxy.ts and security-analytics.ts. Built on `node:http` only.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request a fake received. `path` has no query string; `query` is the raw query without `?`. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

/** POST endpoints that only read (search / count / simulate / multi-get), matched on a path segment. */
export const READ_ONLY_POST_SEGMENTS = ['_search', '_count', '_simulate', '_mget', '_msearch'] as const;

/** True when a request changes state: any method but GET/HEAD, except POSTs to READ_ONLY_POST_SEGMENTS. */
export function isWrite(method: string, path: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') return false;
  if (m === 'POST') {
    const segments = path.split('/');
    if (segments.some((s) => (READ_ONLY_POST_SEGMENTS as readonly string[]).includes(s))) return false;
  }
  return true;
}

export function recordRequest(req: IncomingMessage): RecordedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: { ...req.headers },
  };
}

/** Parsed URL of a request (path and query parameters). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://fake.invalid');
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Error body in the Elasticsearch / OpenSearch shape: `{ error: { root_cause: [...], type, reason, ... }, status }`. */
export function engineError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cause = { type, reason, ...extra };
  return { error: { root_cause: [cause], ...cause }, status };
}

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `handler` on 127.0.0.1 at a random free port. A handler that throws (or rejects) answers
 * 500 with the message, so a bug in a fake shows up as a failed request, not a hung test.
 */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, onClose?: () => void): Promise<Listening> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { type: 'fake_internal_error', reason: err instanceof Error ? err.message : String(err) }, status: 500 });
        else res.destroy(err instanceof Error ? err : undefined);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake server has no TCP address');
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://127.0.0.1:${addr.port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        onClose?.();
      });
      return closing;
    },
  };
}

/** Headers that belong to one connection, not to the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

/** A parsed `http://` target plus a keep-alive agent for forwarding to it. */
export interface Upstream {
  readonly target: URL;
  readonly agent: Agent;
  destroy(): void;
}

export function upstream(target: string): Upstream {
  const url = new URL(target);
  if (url.protocol !== 'http:') throw new Error(`fakes forward to http:// targets only, got ${target}`);
  const agent = new Agent({ keepAlive: true });
  return { target: url, agent, destroy: () => agent.destroy() };
}

/** Path on the target for a request path (`/x?y`), honouring a path prefix in the target URL. */
function upstreamPath(up: Upstream, reqUrl: string): string {
  const prefix = up.target.pathname.replace(/\/+$/, '');
  return `${prefix}${reqUrl.startsWith('/') ? reqUrl : `/${reqUrl}`}`;
}

/**
 * Streams `req` to the target and the answer back: body bytes, status code, status message and
 * headers pass unchanged (only hop-by-hop headers and `host` are replaced). Nothing is parsed,
 * so bodies with integers beyond 2^53 survive.
 */
export function forward(up: Upstream, req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  headers.host = up.target.host;
  const out = httpRequest({
    hostname: up.target.hostname,
    port: up.target.port,
    method: req.method,
    path: upstreamPath(up, req.url ?? '/'),
    headers,
    agent: up.agent,
  });
  out.on('response', (answer) => {
    const raw: string[] = [];
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i]!;
      if (!HOP_BY_HOP.has(name.toLowerCase())) raw.push(name, answer.rawHeaders[i + 1]!);
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
    answer.pipe(res);
    answer.on('error', (err) => res.destroy(err));
  });
  out.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { error: { type: 'fake_proxy_error', reason: `cannot reach ${up.target.origin}: ${err.message}` }, status: 502 });
    else res.destroy(err);
  });
  // A client that goes away mid-exchange takes the upstream request with it.
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  req.pipe(out);
}

/** A whole request to the target, buffered (for answers a fake rewrites, e.g. `_cat/plugins`). */
export function fetchUpstream(up: Upstream, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      { hostname: up.target.hostname, port: up.target.port, method, path: upstreamPath(up, path), headers: { ...headers, host: up.target.host }, agent: up.agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end();
  });
}

/** Glob match with `*` (as in index patterns and `GET /_index_template/logs-*`). */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}
