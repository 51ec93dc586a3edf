/**
 * FAKE (test double): a transparent counting reverse proxy in front of a REAL Elasticsearch or
 * OpenSearch node, so tests can assert how many requests — and how many writes — a command sent.
 *
 * Imitates: nothing of its own; every request is forwarded to `target` and the answer streamed back
 * unchanged (status, status message, headers, body bytes — bodies are never parsed, so integers
 * beyond 2^53 survive). Behaves like any HTTP reverse proxy
 * (https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Proxy_servers_and_tunneling).
 *
 * Does NOT imitate: TLS (http:// targets only), HTTP upgrades / WebSockets, `Expect: 100-continue`
 * handshakes, or any auth of its own (auth headers pass through to the node).
 *
 * What counts as a write: every method but GET/HEAD, except POSTs to read-only endpoints
 * (`_search`, `_count`, `_simulate`, `_mget`, `_msearch` as a path segment) — see `isWrite`.
 */
import { forward, isWrite, listen, recordRequest, upstream, type RecordedRequest } from './http.ts';

export { isWrite, type RecordedRequest } from './http.ts';

export interface CountingProxy {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** How many recorded requests change state (see `isWrite`). */
  writes(): number;
  /** Forgets recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const up = upstream(target);
  const requests: RecordedRequest[] = [];
  const server = await listen((req, res) => {
    requests.push(recordRequest(req));
    forward(up, req, res);
  }, up.destroy);
  return {
    url: server.url,
    requests,
    writes: () => requests.filter((r) => isWrite(r.method, r.path)).length,
    reset: () => {
      requests.length = 0;
    },
    close: server.close,
  };
}
