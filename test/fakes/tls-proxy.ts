import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';
import { forward, upstream } from './http.ts';

/**
 * A TLS-terminating reverse proxy on loopback, in front of the real (plain http) node, with a
 * certificate signed by a test-only CA (test/fixtures/tls/): how a cluster behind TLS looks to a
 * client that does or does not trust that CA. Forwards everything unchanged.
 */
export async function startTlsProxy(target: string): Promise<{ url: string; caFile: string; close(): Promise<void> }> {
  const dir = join(ROOT, 'test/fixtures/tls');
  const up = upstream(target);
  const server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => forward(up, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: join(dir, 'ca.pem'),
    close: () =>
      new Promise((resolve) => {
        up.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
