import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import type { EngineClient } from '../../../src/io/cluster/client.ts';
import { elasticsearchClient, openSearchClient } from '../../../src/io/cluster/engines.ts';
import type { Engine } from '../../../src/terms.ts';
import { Mock, mockConnection } from '../../fakes/elasticsearch.ts';
import { openSearchMockConnection } from '../../fakes/opensearch-mock.ts';
import { ROOT } from '../../helpers.ts';

/**
 * The engine table (src/io/cluster/engines.ts): one adapter for both engines, each entry saying only
 * what differs. Run on the clients' mock connections (MOCK: `@elastic/elasticsearch-mock` routes,
 * test/fakes), which record every request the official client sent: what each entry says about
 * its engine's requests is what goes out. No socket is opened, so no client is closed (the
 * Elasticsearch mock connection has no close). The same operations on a real OpenSearch node are in
 * test/integration/.
 */

const NODE = 'http://cluster.invalid:9200';

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly querystring: Record<string, string>;
  readonly body: unknown;
}

/** A mock answering the requests below, recording each one. */
function recordingMock(): { mock: InstanceType<typeof Mock>; sent: Sent[] } {
  const mock = new Mock();
  const sent: Sent[] = [];
  const record = (answer: string | object) => (p: MockPattern) => {
    sent.push({ method: String(p.method), path: String(p.path), querystring: { ...p.querystring }, body: p.body });
    return answer;
  };
  mock.add({ method: ['PUT', 'POST'], path: '/_ingest/pipeline/:id' }, record({ acknowledged: true }));
  mock.add({ method: ['PUT', 'POST'], path: '/_component_template/:name' }, record({ acknowledged: true }));
  mock.add({ method: ['GET', 'POST'], path: '/:index/_search' }, record({ took: 1, timed_out: false, hits: { total: { value: 1, relation: 'eq' }, hits: [{ _id: 'a' }] } }));
  mock.add({ method: 'GET', path: '/_cat/plugins' }, record([{ component: 'opensearch-security-analytics' }]));
  return { mock, sent };
}

const clients: Record<Engine, (mock: InstanceType<typeof Mock>) => EngineClient> = {
  elasticsearch: (mock) => elasticsearchClient({ node: NODE }, { Connection: mockConnection(mock) }),
  opensearch: (mock) => openSearchClient({ node: NODE }, { Connection: openSearchMockConnection(mock) }),
};

const SEARCH_BODY = { query: { match_all: {} }, size: 10, _source: false, track_total_hits: true, sort: ['_doc'] };

/** What each engine's client sends for the operations whose requests differ between the engines. */
const expected: Record<Engine, { pipeline: Sent; componentTemplate: Sent; plugins: readonly Sent[]; securityAnalytics: boolean }> = {
  elasticsearch: {
    pipeline: { method: 'PUT', path: '/_ingest/pipeline/logs-x', querystring: { if_version: '3' }, body: { processors: [] } },
    componentTemplate: { method: 'PUT', path: '/_component_template/logs-x-settings', querystring: { create: 'true' }, body: { template: { settings: {} }, _meta: { a: 1 } } },
    // Elasticsearch has no Security Analytics: its plugins are not asked for.
    plugins: [],
    securityAnalytics: false,
  },
  opensearch: {
    // OpenSearch refuses `if_version` ("unrecognized parameter"): it is not sent.
    pipeline: { method: 'PUT', path: '/_ingest/pipeline/logs-x', querystring: {}, body: { processors: [] } },
    componentTemplate: { method: 'POST', path: '/_component_template/logs-x-settings', querystring: { create: 'true' }, body: { template: { settings: {} }, _meta: { a: 1 } } },
    plugins: [{ method: 'GET', path: '/_cat/plugins', querystring: { format: 'json', h: 'component' }, body: undefined }],
    securityAnalytics: true,
  },
};

describe('the engine table: one adapter, each engine\'s entry saying what differs', function () {
  this.timeout(20_000);

  for (const engine of Object.keys(clients) as Engine[]) {
    describe(engine, () => {
      it('sends the pipeline, component template and search requests its typed API takes, in its own shape', async () => {
        const { mock, sent } = recordingMock();
        const client = clients[engine](mock);
        await client.putPipeline('logs-x', { processors: [] }, { ifVersion: 3 });
        await client.putComponentTemplate('logs-x-settings', { template: { settings: {} }, _meta: { a: 1 } }, { create: true });
        assert.deepEqual(await client.search('logs-x', { match_all: {} }, 10), { ids: ['a'], total: 1 });
        assert.deepEqual(sent, [
          expected[engine].pipeline,
          expected[engine].componentTemplate,
          { method: 'POST', path: '/logs-x/_search', querystring: {}, body: SEARCH_BODY },
        ]);
      });

      it('asks for plugins and offers the Security Analytics rule API only where the engine may carry it', async () => {
        const { mock, sent } = recordingMock();
        const client = clients[engine](mock);
        assert.deepEqual(await client.plugins(), expected[engine].securityAnalytics ? ['opensearch-security-analytics'] : []);
        assert.deepEqual(sent, expected[engine].plugins);
        assert.equal(client.securityAnalytics !== undefined, expected[engine].securityAnalytics);
        assert.equal(client.engine, engine);
      });
    });
  }
});

describe('the cluster edge and the official clients', () => {
  /** Every module specifier in src/ that names one of the clients. */
  function clientImports(): { file: string; specifier: string }[] {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    return files(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/['"]((?:@elastic\/elasticsearch|@opensearch-project\/opensearch)(?:\/[^'"]*)?)['"]/g)].map((m) => ({ file: relative(ROOT, file), specifier: m[1] ?? '' })),
    );
  }

  it('reach each client only through what it exports at its root: no import of a file inside it (its lib/ moves between releases)', () => {
    const imports = clientImports();
    assert.deepEqual(
      imports.filter((i) => i.specifier !== '@elastic/elasticsearch' && i.specifier !== '@opensearch-project/opensearch'),
      [],
    );
    assert.ok(imports.some((i) => i.specifier === '@opensearch-project/opensearch') && imports.some((i) => i.specifier === '@elastic/elasticsearch'), 'the imports are read');
  });
});
