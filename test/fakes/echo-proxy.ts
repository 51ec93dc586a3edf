import type { IncomingMessage, ServerResponse } from 'node:http';
import { forward, listen, readBody, sendJson, upstream } from './http.ts';

/**
 * A HEADER-ECHOING reverse proxy FAKE on loopback, in front of the real node: it forwards every
 * request, except those `echo` matches, which it answers itself with an error that repeats what it
 * was sent — the `Authorization` header and the URL as received — the way a misconfigured proxy or
 * a debugging server may. Not an imitation of any API: a way to make a server say the credentials
 * back (OpenSearch itself never does).
 */
export type EchoMode =
  /** The whole request fails: 401 with `{error: {type, reason}}` naming the header. */
  | 'request'
  /** A `_bulk` answered 200, each item refused (400) with a reason naming the header. */
  | 'bulk-items';

export interface EchoProxy {
  readonly url: string;
  /** How many requests it answered itself. */
  echoed(): number;
  close(): Promise<void>;
}

export async function startEchoProxy(target: string, mode: EchoMode, echo: (method: string, path: string) => boolean): Promise<EchoProxy> {
  const up = upstream(target);
  let echoed = 0;
  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!echo(req.method ?? 'GET', path)) return forward(up, req, res);
    echoed++;
    const said = `authorization [${req.headers.authorization ?? ''}] for ${req.url ?? ''} (host ${req.headers.host ?? ''})`;
    const body = (await readBody(req)).toString('utf8');
    if (mode === 'request') return sendJson(res, 401, { error: { type: 'security_exception', reason: `refused: ${said}` }, status: 401 });
    // One `create` action line then its document, per item.
    const ids = body
      .split('\n')
      .filter((_, i) => i % 2 === 0)
      .flatMap((l) => (l.trim() ? [/"_id":"([^"]+)"/.exec(l)?.[1] ?? ''] : []));
    sendJson(res, 200, { took: 1, errors: true, items: ids.map((_id) => ({ create: { _id, status: 400, error: { type: 'mapper_parsing_exception', reason: `cannot index: ${said}` } } })) });
  });
  return {
    url: server.url,
    echoed: () => echoed,
    close: async () => {
      await server.close();
      up.destroy();
    },
  };
}
