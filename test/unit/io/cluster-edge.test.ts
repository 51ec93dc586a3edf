import assert from 'node:assert/strict';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import { Cluster } from '../../../src/io/cluster/cluster.ts';
import { elasticsearchClient, openSearchClient } from '../../../src/io/cluster/engines.ts';
import { ClusterError } from '../../../src/io/cluster/errors.ts';
import { kibanaRules } from '../../../src/io/cluster/kibana.ts';
import type { DesiredObject, ObjectKind } from '../../../src/terms.ts';
import { elasticsearchDouble, esAnswer, esError, Mock, mockConnection } from '../../fakes/elasticsearch.ts';
import { startFaultProxy } from '../../fakes/fault-proxy.ts';
import { startFakeKibana } from '../../fakes/kibana.ts';
import { openSearchMockConnection } from '../../fakes/opensearch-mock.ts';

/**
 * evforge's cluster edge (src/io/cluster) on the official clients' mock connections: the client,
 * its typed API, evforge's transport and retries all run; only the socket is replaced by
 * `@elastic/elasticsearch-mock` routes (test/fakes/elasticsearch.ts, test/fakes/opensearch-mock.ts).
 * What needs a socket (TLS, resets, timeouts, Retry-After) is covered on the real node
 * (test/integration/faults.test.ts, secrets-tls.test.ts).
 */

const NODE = 'http://cluster.invalid:9200';
const desired = (kind: ObjectKind, name: string, body: unknown, text?: string): DesiredObject => ({ kind, name, body, ...(text ? { text } : {}), events: [], dataset: 'test' });

/** A route that counts its calls and answers in turn (the last answer repeats). */
function answers(...list: unknown[]) {
  const seen: MockPattern[] = [];
  return {
    seen,
    resolve: (p: MockPattern) => {
      seen.push(p);
      const a = list[Math.min(seen.length, list.length) - 1];
      return typeof a === 'function' ? a(p) : a;
    },
  };
}

/** An Elasticsearch cluster over a fresh mock with `GET /` answered. */
async function esCluster(mock: Mock): Promise<Cluster> {
  mock.add({ method: 'GET', path: '/' }, () => ({ cluster_name: 'mocked', version: { number: '9.1.0' } }));
  return Cluster.over(elasticsearchClient({ node: NODE }, { Connection: mockConnection(mock) }));
}

describe('the typed cluster edge, on the clients\' mock connections', function () {
  this.timeout(20_000);

  describe('Elasticsearch (the elasticsearch-mock double)', () => {
    it('writes every object kind through the typed API and reads it back as Elasticsearch returns it; a missing one reads as absent', async () => {
      const es = elasticsearchDouble();
      const cluster = await Cluster.over(elasticsearchClient({ node: NODE }, { Connection: es.Connection }));
      assert.equal(cluster.info.engine, 'elasticsearch');
      assert.equal(cluster.info.version, '9.1.0');
      assert.equal(cluster.securityAnalytics, false);
      assert.equal(await cluster.readObject('ingest_pipeline', 'logs-x'), undefined);
      assert.equal(await cluster.readObject('component_template', 'logs-x@settings'), undefined);
      assert.equal(await cluster.readObject('data_stream', 'logs-x-default'), undefined);

      await cluster.writeObject(desired('ingest_pipeline', 'logs-x', { description: 'd', processors: [{ set: { field: 'a', value: 1 } }] }));
      await cluster.writeObject(desired('component_template', 'logs-x@settings', { template: { settings: { number_of_shards: 1 } }, _meta: { by: 'evforge' } }));
      await cluster.writeObject(desired('component_template', 'logs-x@mappings', { template: { mappings: { properties: { n: { type: 'long' } } } } }));
      await cluster.writeObject(desired('index_template', 'logs-x', { index_patterns: ['logs-x-*'], composed_of: ['logs-x@settings', 'logs-x@mappings'], data_stream: {}, priority: 200 }));
      await cluster.writeObject(desired('data_stream', 'logs-x-default', {}));

      const pipeline = await cluster.readObject('ingest_pipeline', 'logs-x');
      assert.deepEqual((pipeline as { processors: unknown }).processors, [{ set: { field: 'a', value: 1 } }]);
      assert.equal(typeof (pipeline as { created_date_millis: unknown }).created_date_millis, 'number', 'what Elasticsearch adds comes back');
      assert.deepEqual(await cluster.readObject('component_template', 'logs-x@settings'), { template: { settings: { index: { number_of_shards: '1' } } }, _meta: { by: 'evforge' } });
      assert.deepEqual((await cluster.readObject('index_template', 'logs-x') as { data_stream: unknown }).data_stream, { hidden: false, allow_custom_routing: false });
      assert.deepEqual(await cluster.readObject('data_stream', 'logs-x-default'), {});
      assert.deepEqual(es.state.componentTemplates.get('logs-x@settings'), { template: { settings: { number_of_shards: 1 } }, _meta: { by: 'evforge' } }, 'the body is sent as generated');

      const write = await cluster.writeIndexMapping('logs-x-default');
      assert.match(write?.index ?? '', /^\.ds-logs-x-default-\d{4}\.\d{2}\.\d{2}-000001$/);
      assert.deepEqual((write?.mappings.properties as Record<string, unknown>)['n'], { type: 'long' });
    });

    it('an object the engine refuses fails naming the object and the engine\'s reason, and is sent once', async () => {
      const es = elasticsearchDouble();
      const cluster = await Cluster.over(elasticsearchClient({ node: NODE }, { Connection: es.Connection }));
      await assert.rejects(cluster.writeObject(desired('ingest_pipeline', 'p', { processors: [{ copy: { field: 'a' } }] })), (err: unknown) => {
        assert.ok(err instanceof ClusterError);
        assert.equal(err.message, 'PUT ingest pipeline p failed: HTTP 400 parse_exception: No processor type exists with name [copy]');
        assert.equal(err.details.status, 400);
        assert.equal(err.details.retryable, false);
        return true;
      });
      assert.equal(es.state.pipelines.size, 0);
    });

    it('simulate sends the documents as they are and reads numbers beyond 2^53 exactly', async () => {
      const mock = new Mock();
      const route = answers('{"docs":[{"doc":{"_source":{"n":18446744073709551615,"s":"x"}}},{"error":{"type":"illegal_argument_exception","reason":"bad"}}]}');
      mock.add({ method: 'POST', path: '/_ingest/pipeline/:id/_simulate' }, route.resolve);
      const cluster = await esCluster(mock);
      const [ok, bad] = await cluster.simulate('logs-x', ['{"n":1,"s":"x"}', '{"n":2}']);
      assert.deepEqual(ok?.source, { n: 18446744073709551615n, s: 'x' });
      assert.deepEqual(bad?.error, { type: 'illegal_argument_exception', reason: 'bad' });
      assert.deepEqual(route.seen[0]?.body, { docs: [{ _index: 'evforge-simulate', _source: { n: 1, s: 'x' } }, { _index: 'evforge-simulate', _source: { n: 2 } }] });
    });

    it('a transient answer is retried until it passes; a POST not safe to repeat is sent once', async () => {
      const mock = new Mock();
      const unavailable = esError(503, 'cluster_block_exception', 'blocked');
      const health = answers(unavailable, unavailable, { status: 'green' });
      const rollover = answers(unavailable);
      mock.add({ method: 'GET', path: '/_cluster/health' }, health.resolve);
      mock.add({ method: 'POST', path: '/:index/_rollover' }, rollover.resolve);
      const cluster = await esCluster(mock);
      assert.equal(await cluster.health(), 'green');
      assert.equal(health.seen.length, 3);
      await assert.rejects(cluster.rollover('logs-x-default'), /^ClusterError: roll over data stream logs-x-default failed: HTTP 503 cluster_block_exception: blocked$/);
      assert.equal(rollover.seen.length, 1);
    });

    it('retries are bounded, and the error says how many attempts were made', async () => {
      const mock = new Mock();
      const health = answers(esError(429, 'es_rejected_execution_exception', 'rejected'));
      mock.add({ method: 'GET', path: '/_cluster/health' }, health.resolve);
      const cluster = await esCluster(mock);
      await assert.rejects(cluster.health(), /cluster health failed: HTTP 429 es_rejected_execution_exception: rejected \(after 4 attempts\)/);
      assert.equal(health.seen.length, 4);
    });

    it('the bulk helper\'s whole request is retried by the same helper; a document the engine refuses is reported, one already there is not', async () => {
      const mock = new Mock();
      const items = (p: MockPattern) => ({
        took: 1,
        errors: true,
        items: (p.body as Record<string, { _id: string }>[]).filter((_, i) => i % 2 === 0).map((a) => {
          const id = a['create']?._id ?? '';
          if (id === 'old') return { create: { _id: id, status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } };
          if (id === 'bad') return { create: { _id: id, status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse', caused_by: { reason: 'not a long' } } } };
          return { create: { _id: id, status: 201 } };
        }),
      });
      const bulk = answers(esError(503, 'unavailable', 'try later'), items);
      mock.add({ method: 'POST', path: '/_bulk' }, bulk.resolve);
      const refresh = answers({ _shards: { total: 1, successful: 1, failed: 0 } });
      mock.add({ method: ['POST', 'GET'], path: '/:index/_refresh' }, refresh.resolve);
      const cluster = await esCluster(mock);
      const refused = await cluster.createDocuments('logs-x-test', [
        { id: 'new', text: '{"n":1}' },
        { id: 'old', text: '{"n":2}' },
        { id: 'bad', text: '{"n":"x"}' },
      ]);
      assert.equal(bulk.seen.length, 2, 'the 503 was retried');
      assert.deepEqual(
        refused.map((d) => [d.id, d.status, d.type, d.reason]),
        [['bad', 400, 'document_parsing_exception', 'failed to parse (not a long)']],
      );
      assert.equal(refresh.seen.length, 1, 'made visible to search');
    });

    it('search, rollover and the resolved index settings read the typed answers', async () => {
      const mock = new Mock();
      mock.add({ method: 'POST', path: '/:index/_search' }, () => ({ took: 1, timed_out: false, hits: { total: { value: 2, relation: 'eq' }, hits: [{ _id: 'b' }, { _id: 'a' }] } }));
      mock.add({ method: 'POST', path: '/:index/_rollover' }, () => ({ acknowledged: true, new_index: '.ds-logs-x-default-000002', old_index: '.ds-logs-x-default-000001', rolled_over: true }));
      mock.add({ method: 'GET', path: '/_data_stream/:name' }, (p) =>
        String(p.path).endsWith('logs-x-default') ? { data_streams: [{ name: 'logs-x-default', template: 'logs-x', indices: [{ index_name: '.ds-1' }] }] } : esError(404, 'index_not_found_exception', 'no such index'),
      );
      mock.add({ method: 'POST', path: '/_index_template/_simulate/:name' }, () => ({ template: { settings: { index: { default_pipeline: 'from-template' } } } }));
      mock.add({ method: 'POST', path: '/_index_template/_simulate_index/:name' }, () => ({ template: { settings: { index: { default_pipeline: 'from-simulate-index' } } } }));
      const cluster = await esCluster(mock);
      assert.deepEqual(await cluster.search('logs-x-default', { match_all: {} }), { ids: ['a', 'b'], total: 2 });
      assert.equal(await cluster.rollover('logs-x-default'), '.ds-logs-x-default-000002');
      assert.deepEqual(await cluster.resolvedIndexSettings('logs-x-default'), { default_pipeline: 'from-template' });
      assert.deepEqual(await cluster.resolvedIndexSettings('logs-x-other'), { default_pipeline: 'from-simulate-index' });
    });

    it('an answer that is not JSON is refused, naming what was asked', async () => {
      const mock = new Mock();
      mock.add({ method: 'GET', path: '/_cluster/health' }, () => '<html>Please log in</html>');
      mock.add({ method: 'GET', path: '/_index_template/:name' }, () => esAnswer(404, 'Not Found'));
      const cluster = await esCluster(mock);
      await assert.rejects(cluster.health(), /^ClusterError: cluster health failed: http:\/\/cluster\.invalid:9200 answered with something that is not JSON \(HTTP 200\): "<html>Please log in<\/html>"$/);
      assert.equal(await cluster.readObject('index_template', 'logs-x'), undefined, 'a 404 is an answer, whatever its body');
    });
  });

  describe('OpenSearch (the client\'s Connection answering from elasticsearch-mock routes)', () => {
    const sigma = (level: string) => `title: T\nid: 98c3bcf1-56f2-49dc-9d8d-c66cf190238b\nlevel: ${level}\n`;

    function openSearchMock() {
      const mock = new Mock();
      mock.add({ method: 'GET', path: '/' }, () => ({ cluster_name: 'os', version: { distribution: 'opensearch', number: '2.19.1' } }));
      mock.add({ method: 'GET', path: '/_cat/plugins' }, () => [{ component: 'opensearch-security-analytics' }]);
      const rules = new Map<string, string>();
      const search = answers(() => ({ hits: { total: { value: rules.size }, hits: [...rules].map(([id, rule]) => ({ _id: id, _source: { rule } })) } }));
      const create = answers((p: MockPattern) => {
        rules.set(`doc-${rules.size + 1}`, (p.body as { text: string }).text);
        return { _id: `doc-${rules.size}` };
      });
      const update = answers((p: MockPattern) => {
        rules.set(String(p.path).split('/').at(-1) ?? '', (p.body as { text: string }).text);
        return { _id: 'updated' };
      });
      mock.add({ method: 'POST', path: '/_plugins/_security_analytics/rules/_search' }, search.resolve);
      mock.add({ method: 'POST', path: '/_plugins/_security_analytics/rules' }, create.resolve);
      mock.add({ method: 'PUT', path: '/_plugins/_security_analytics/rules/:id' }, update.resolve);
      return { mock, rules, search, create, update };
    }

    it('finds the Security Analytics plugin, creates a rule once, then updates it in place by its document id', async () => {
      const os = openSearchMock();
      const cluster = await Cluster.over(openSearchClient({ node: NODE }, { Connection: openSearchMockConnection(os.mock) }));
      assert.equal(cluster.info.engine, 'opensearch');
      assert.equal(cluster.securityAnalytics, true);
      const id = '98c3bcf1-56f2-49dc-9d8d-c66cf190238b';
      assert.equal(await cluster.readObject('security_analytics_rule', id), undefined);
      await cluster.writeObject(desired('security_analytics_rule', id, {}, sigma('low')));
      assert.equal(await cluster.readObject('security_analytics_rule', id), sigma('low'));
      await cluster.writeObject(desired('security_analytics_rule', id, {}, sigma('high')));
      assert.equal(os.create.seen.length, 1);
      assert.deepEqual(os.create.seen[0]?.querystring, { category: 'windows' });
      assert.deepEqual(os.update.seen[0]?.querystring, { category: 'windows', forced: 'true' });
      assert.deepEqual([...os.rules], [['doc-1', sigma('high')]]);
      assert.deepEqual(os.search.seen[0]?.querystring, { pre_packaged: 'false' });
    });

    it('names are encoded once, and a template replacement this client sends as POST is retried as safe to repeat', async () => {
      const os = openSearchMock();
      // The mock answers an error only from the Elasticsearch client's error class.
      const rejected = esError(429, 'es_rejected_execution_exception', 'rejected');
      const route = answers(rejected, { acknowledged: true });
      os.mock.add({ method: 'POST', path: '/_component_template/:name' }, route.resolve);
      const cluster = await Cluster.over(openSearchClient({ node: NODE }, { Connection: openSearchMockConnection(os.mock) }));
      await cluster.writeObject(desired('component_template', 'logs-x@mappings', { template: { mappings: {} } }));
      assert.equal(route.seen.length, 2);
      assert.equal(route.seen[1]?.path, '/_component_template/logs-x@mappings');
    });
  });

  describe('Kibana (FAKE Kibana, behind the fault proxy)', () => {
    it('a transient Kibana failure is retried by the same helper; a refused rule is named with its reason', async () => {
      const kibana = await startFakeKibana({ username: 'elastic', password: 'pw' });
      const proxy = await startFaultProxy(kibana.url);
      try {
        const k = kibanaRules({ url: proxy.url, username: 'elastic', password: 'pw' });
        proxy.setFault({ kind: 'status', status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'not ready' }, times: 2 });
        assert.equal(await k.getRule('nope'), undefined);
        assert.equal(proxy.broken(), 2, 'retried past two 503s');

        proxy.setFault({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, times: 1 });
        const rule = { rule_id: 'r1', name: 'R', description: 'd', risk_score: 21, severity: 'low', type: 'query', language: 'kuery', query: 'a: 1', index: ['logs-*'] };
        await k.importRules([rule]);
        assert.equal(proxy.broken(), 1);
        assert.equal(kibana.imports(), 1, 'imported once');
        assert.equal((await k.getRule('r1'))?.['name'], 'R');

        proxy.setFault(undefined);
        await assert.rejects(k.importRules([{ ...rule, rule_id: 'bad', risk_score: 101 }]), /^ClusterError: Kibana refused rule import: bad: .*risk_score/);

        proxy.setFault({ kind: 'status', status: 503 });
        await assert.rejects(k.getRule('r1'), /GET Kibana rule r1 failed: HTTP 503 .*\(after 4 attempts\)$/);
        assert.equal(proxy.broken(), 4);
      } finally {
        await proxy.close();
        await kibana.close();
      }
    });
  });
});
