import assert from 'node:assert/strict';
import { startFakeElasticsearch, type FakeElasticsearch } from '../fakes/elasticsearch.ts';
import { startFaultProxy, type FaultProxy } from '../fakes/fault-proxy.ts';
import { startTlsProxy } from '../fakes/tls-proxy.ts';
import { copyProject, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

const PASSWORD = 'Pa55-w0rd!secret-7f3a';
const API_KEY = 'QUtJQVNFQ1JFVDpzZWNyZXQta2V5LTlmMmU=';

describe('secrets and TLS', function () {
  this.timeout(300_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  before(async () => {
    node = await sharedNode();
    p = copyProject('secrets');
  });
  after(() => p.cleanup());

  // The Elasticsearch FAKE (test/fakes/elasticsearch.ts, limits stated there) stands in for a secured
  // cluster: it checks credentials like Elasticsearch and answers 401.
  describe('no command prints a password or API key', () => {
    let es: FakeElasticsearch;
    let faults: FaultProxy;
    const outputs: string[] = [];
    before(async () => {
      es = await startFakeElasticsearch({ username: 'elastic', password: 'the-right-one' });
      faults = await startFaultProxy(node);
    });
    after(async () => {
      await es.close();
      await faults.close();
    });

    const runs: [string, (urls: { node: string; es: string; faults: string }) => string[], NodeJS.ProcessEnv?][] = [
      ['push with --password', (u) => ['push', '--node', u.node, '--username', 'admin', '--password', PASSWORD, '--verbose']],
      ['diff with the password in the environment', (u) => ['diff', '--node', u.node, '--username', 'admin', '--verbose'], { EVFORGE_PASSWORD: PASSWORD }],
      ['test with --api-key', (u) => ['test', '--node', u.node, '--api-key', API_KEY, '--verbose']],
      ['replay with the API key in the environment', (u) => ['replay', '--node', u.node, 'examples/events/ntlm-8002.json', '--verbose'], { EVFORGE_API_KEY: API_KEY }],
      ['push with credentials in the URL', (u) => ['push', '--node', u.node.replace('http://', `http://admin:${encodeURIComponent(PASSWORD)}@`), '--verbose']],
      ['a 401 from the cluster', (u) => ['push', '--node', u.es, '--username', 'elastic', '--password', PASSWORD, '--verbose']],
      ['a 401 with the API key', (u) => ['diff', '--node', u.es, '--api-key', API_KEY, '--verbose']],
      ['an unreachable cluster, credentials in the URL', () => ['diff', '--node', `http://admin:${PASSWORD}@127.0.0.1:9`, '--verbose']],
      ['a reset connection', (u) => ['diff', '--node', u.faults, '--username', 'admin', '--password', PASSWORD, '--verbose']],
      ['Kibana with a password', (u) => ['push', '--node', u.es, '--username', 'elastic', '--password', PASSWORD, '--kibana', 'http://127.0.0.1:9', '--verbose']],
      ['a usage error', (u) => ['push', '--node', u.node, '--api-key', API_KEY, '--username', 'x', '--password', PASSWORD]],
      ['an unknown flag next to the password', (u) => ['push', '--node', u.node, '--password', PASSWORD, '--pasword', 'x']],
    ];
    for (const [name, argv, env] of runs) {
      it(`${name}: the output holds neither secret`, async () => {
        faults.setFault(name === 'a reset connection' ? { kind: 'reset' } : undefined);
        const r = await runCli(p.dir, argv({ node, es: es.url, faults: faults.url }), env ?? {});
        outputs.push(r.all);
        for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), API_KEY, Buffer.from(`admin:${PASSWORD}`).toString('base64')]) {
          assert.ok(!r.all.includes(secret), `${name} printed a secret:\n${r.all}`);
        }
      });
    }
    it('the runs above did exercise both successes and failures', () => {
      assert.ok(outputs.some((o) => /Applied|No changes detected/.test(o)));
      assert.ok(outputs.some((o) => /HTTP 401/.test(o)));
      assert.ok(outputs.some((o) => /cannot connect/.test(o)));
    });
  });

  describe('TLS is verified by default (a TLS proxy with a self-signed CA in front of the node)', () => {
    let tls: Awaited<ReturnType<typeof startTlsProxy>>;
    before(async () => {
      tls = await startTlsProxy(node);
    });
    after(() => tls.close());

    it('push refuses a certificate it cannot verify, naming the cause and the fix (exit 3)', async () => {
      const r = await runCli(p.dir, ['push', '--node', tls.url]);
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /TLS certificate not trusted/);
      assert.match(r.stderr, /--ca FILE/);
    });

    it('push succeeds with --ca', async () => {
      const r = await runCli(p.dir, ['push', '--node', tls.url, '--ca', tls.caFile]);
      assert.equal(r.code, 0, r.all);
      const { version } = (await (await fetch(`${node}/`)).json()) as { version: { number: string } };
      assert.ok(r.stdout.startsWith(`Plan for OpenSearch ${version.number} at https://127.0.0.1:`), r.stdout);
    });

    it('--insecure skips verification only when asked', async () => {
      const r = await runCli(p.dir, ['diff', '--node', tls.url, '--insecure']);
      assert.notEqual(r.code, 3, r.all);
    });
  });
});
