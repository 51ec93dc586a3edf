import assert from 'node:assert/strict';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { ClusterError } from '../../src/io/cluster/errors.ts';
import { kibanaRules } from '../../src/io/cluster/kibana.ts';
import type { DesiredObject, ObjectKind } from '../../src/terms.ts';
import { sharedNode } from '../integration/node.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { startFakeElasticsearch } from './elasticsearch.ts';
import { startFakeKibana } from './kibana.ts';
import { startFakeSecurityAnalytics, type FakeSecurityAnalytics } from './security-analytics.ts';

/**
 * evforge's cluster code against the fakes it is tested with over HTTP: what these tests assert is
 * evforge's behaviour (authentication, engine detection, request economy, rule identity), each
 * fake standing in for what cannot run here. Each fake's limits are stated in its own file.
 */

const desired = (kind: ObjectKind, name: string, body: unknown, text?: string): DesiredObject => ({ kind, name, body, ...(text ? { text } : {}), events: [], dataset: 'test' });

const SIGMA = (level: string) => `title: NTLM Logon
id: 98c3bcf1-56f2-49dc-9d8d-c66cf190238b
status: test
description: Detects logons using NTLM
author: evforge
date: "2018-06-08"
logsource:
    product: windows
    service: ntlm
detection:
    selection:
        event.code: 8002
    condition: selection
level: ${level}
`;

describe('evforge against its fakes', function () {
  this.timeout(120_000);

  describe('Elasticsearch (FAKE, over loopback HTTP)', () => {
    it('detects Elasticsearch from GET /, and authenticates with a password, one in the URL, or an API key', async () => {
      const es = await startFakeElasticsearch({ username: 'elastic', password: 'pw', apiKey: 'a2V5OnNlY3JldA==' });
      try {
        for (const options of [{ node: es.url, username: 'elastic', password: 'pw' }, { node: es.url.replace('http://', 'http://elastic:pw@') }, { node: es.url, apiKey: 'a2V5OnNlY3JldA==' }]) {
          const cluster = await Cluster.connect(options);
          try {
            assert.equal(cluster.info.engine, 'elasticsearch');
            assert.equal(cluster.info.distribution, 'Elasticsearch');
            assert.equal(cluster.info.url, es.url, 'the URL is shown without its credentials');
            assert.equal(await cluster.health(), 'green');
          } finally {
            await cluster.close();
          }
        }
        const sent = es.requests.map((r) => String(r.headers['authorization'] ?? '').split(' ')[0]);
        assert.deepEqual([...new Set(sent)], ['Basic', 'ApiKey']);
      } finally {
        await es.close();
      }
    });

    it('a wrong password is a 401 naming the request, with a hint, and is not retried', async () => {
      const es = await startFakeElasticsearch({ username: 'elastic', password: 'pw' });
      try {
        await assert.rejects(Cluster.connect({ node: es.url, username: 'elastic', password: 'nope' }), (err: unknown) => {
          assert.ok(err instanceof ClusterError);
          assert.match(err.message, /^GET \/ \(detect the engine\) failed: HTTP 401 security_exception: unable to authenticate user \[elastic\]/);
          assert.match(err.details.hint ?? '', /check the credentials/);
          return true;
        });
        assert.equal(es.requests.length, 1);
      } finally {
        await es.close();
      }
    });
  });

  describe('Kibana (FAKE)', () => {
    it('a wrong password is a 401 naming the rule, and is not retried', async () => {
      const kibana = await startFakeKibana({ username: 'elastic', password: 'pw' });
      try {
        const k = kibanaRules({ url: kibana.url, username: 'elastic', password: 'nope' });
        await assert.rejects(k.getRule('r1'), /^ClusterError: GET Kibana rule r1 failed: HTTP 401 Unauthorized/);
        assert.equal(kibana.requests.length, 1);
      } finally {
        await kibana.close();
      }
    });
  });

  describe('in front of the real OpenSearch node', () => {
    let node: string;
    before(async () => {
      node = await sharedNode();
    });

    describe('counting proxy', () => {
      let proxy: CountingProxy;
      beforeEach(async () => {
        proxy = await startCountingProxy(node);
      });
      afterEach(() => proxy.close());

      it('reading objects costs no write; writing one costs exactly one, and reads back what was written', async () => {
        const cluster = await Cluster.connect({ node: proxy.url });
        try {
          const name = 'evforge-fakes-test';
          for (const kind of ['ingest_pipeline', 'component_template', 'index_template', 'data_stream'] as const) await cluster.readObject(kind, name);
          await cluster.simulate('no-such-pipeline', []).catch(() => undefined);
          assert.equal(proxy.writes(), 0);
          await cluster.writeObject(desired('ingest_pipeline', name, { description: 'fakes test', processors: [{ set: { field: 'a', value: 1 } }] }));
          assert.equal(proxy.writes(), 1);
          assert.deepEqual(await cluster.readObject('ingest_pipeline', name), { description: 'fakes test', processors: [{ set: { field: 'a', value: 1 } }] });
          await cluster.client.deletePipeline(name);
          assert.equal(proxy.writes(), 2);
        } finally {
          await cluster.close();
        }
      });
    });

    describe('Security Analytics (FAKE plugin)', () => {
      let sa: FakeSecurityAnalytics;
      beforeEach(async () => {
        sa = await startFakeSecurityAnalytics(node);
      });
      afterEach(() => sa.close());

      it('the plugin is detected; a rule is created once, then found by its Sigma id and updated in place', async () => {
        const withPlugin = await Cluster.connect({ node: sa.url });
        const without = await Cluster.connect({ node });
        try {
          assert.equal(withPlugin.securityAnalytics, true);
          assert.equal(without.securityAnalytics, false);
          const id = '98c3bcf1-56f2-49dc-9d8d-c66cf190238b';
          await withPlugin.writeObject(desired('security_analytics_rule', id, {}, SIGMA('low')));
          assert.equal(await withPlugin.readObject('security_analytics_rule', id), SIGMA('low'));
          await withPlugin.writeObject(desired('security_analytics_rule', id, {}, SIGMA('high')));
          assert.deepEqual(
            sa.rules().map((r) => [r.version, r.category]),
            [[2, 'windows']],
            'one rule, updated',
          );
          assert.equal(await withPlugin.readObject('security_analytics_rule', id), SIGMA('high'));
          assert.equal(await without.readObject('security_analytics_rule', id), undefined, 'no plugin, no rule read');
        } finally {
          await withPlugin.close();
          await without.close();
        }
      });
    });
  });
});
