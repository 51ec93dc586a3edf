import assert from 'node:assert/strict';
import { Client, errors } from '@elastic/elasticsearch';

import { sharedNode } from '../integration/node.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { startFakeElasticsearch, type FakeElasticsearch } from './elasticsearch.ts';
import { startFakeKibana, type FakeKibana } from './kibana.ts';
import { startFakeSecurityAnalytics, type FakeSecurityAnalytics } from './security-analytics.ts';

async function call(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const SIGMA = `title: NTLM Logon
id: 98c3bcf1-56f2-49dc-9d8d-c66cf190238b
status: test
description: Detects logons using NTLM
references:
    - https://example.com/ntlm
author: Florian Roth (Nextron Systems)
date: "2018-06-08"
tags:
    - attack.lateral-movement
    - attack.t1550.002
logsource:
    product: windows
    service: ntlm
detection:
    selection:
        event.code: 8002
    evforge_channel:
        winlog.channel: Microsoft-Windows-NTLM/Operational
    condition: evforge_channel and (selection)
falsepositives:
    - Legacy hosts
level: low
`;

const KIBANA_RULE = {
  rule_id: 'evforge-ntlm-logon',
  name: 'NTLM Logon',
  description: 'Detects logons using NTLM',
  risk_score: 21,
  severity: 'low',
  type: 'query',
  language: 'kuery',
  query: 'event.code: "8002"',
  index: ['logs-windows.ntlm-*'],
  required_fields: [
    { name: 'event.code', type: 'keyword' },
    { name: 'winlog.channel', type: 'keyword' },
  ],
  threat: [
    {
      framework: 'MITRE ATT&CK',
      tactic: { id: 'TA0008', name: 'Lateral Movement', reference: 'https://attack.mitre.org/tactics/TA0008/' },
      technique: [],
    },
  ],
};

function ndjsonForm(rules: object[], filename = 'rules.ndjson'): FormData {
  const form = new FormData();
  form.append('file', new Blob([`${rules.map((r) => JSON.stringify(r)).join('\n')}\n{"exported_count":${rules.length}}\n`], { type: 'application/ndjson' }), filename);
  return form;
}

describe('fakes', function () {
  describe('fake Elasticsearch', () => {
    let es: FakeElasticsearch;
    let client: Client;
    beforeEach(async () => {
      es = await startFakeElasticsearch();
      client = new Client({ node: es.url });
    });
    afterEach(async () => {
      await client.close();
      await es.close();
    });

    it('answers info() of the official client like an Elasticsearch 9 node', async () => {
      const info = await client.info();
      assert.equal(info.version.number, '9.1.0');
      assert.equal(info.cluster_name, 'fake-es');
      assert.equal((info.version as unknown as Record<string, unknown>).distribution, undefined);
      const raw = await call(es.url, 'GET', '/');
      assert.equal(raw.headers.get('x-elastic-product'), 'Elasticsearch');
      assert.match(raw.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('stores ingest pipelines and rejects the copy processor', async () => {
      await client.ingest.putPipeline({ id: 'p1', description: 'd', processors: [{ set: { field: 'a', value: 1 } }, { rename: { field: 'b', target_field: 'c' } }] });
      const got = await client.ingest.getPipeline({ id: 'p1' });
      assert.deepEqual(got.p1?.processors, [{ set: { field: 'a', value: 1 } }, { rename: { field: 'b', target_field: 'c' } }]);
      assert.equal(typeof (got.p1 as Record<string, unknown>).created_date_millis, 'number');
      assert.equal(typeof (got.p1 as Record<string, unknown>).modified_date_millis, 'number');

      await assert.rejects(client.ingest.putPipeline({ id: 'p2', processors: [{ copy: { field: 'a' } } as never] }), (err: unknown) => {
        assert.ok(err instanceof errors.ResponseError);
        assert.equal(err.statusCode, 400);
        const body = err.body as { error: { type: string; reason: string; root_cause: { reason: string }[] }; status: number };
        assert.equal(body.error.type, 'parse_exception');
        assert.equal(body.error.reason, 'No processor type exists with name [copy]');
        assert.equal(body.error.root_cause[0]?.reason, 'No processor type exists with name [copy]');
        assert.equal(body.status, 400);
        return true;
      });
      await assert.rejects(client.ingest.putPipeline({ id: 'p3', processors: [{ set: { value: 1 } } as never] }), /\[field\] required property is missing/);

      const missing = await call(es.url, 'GET', '/_ingest/pipeline/nope');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, {});
      await client.ingest.deletePipeline({ id: 'p1' });
      assert.equal(es.state.pipelines.size, 0);
    });

    it('keeps integers beyond 2^53 digit for digit', async () => {
      const body = '{"processors":[{"set":{"field":"n","value":12345678901234567890123}}]}';
      assert.equal((await call(es.url, 'PUT', '/_ingest/pipeline/big', body)).status, 200);
      const got = await call(es.url, 'GET', '/_ingest/pipeline/big');
      assert.match(got.text, /"value":12345678901234567890123\b/);
    });

    it('normalises template settings, checks composed_of, and creates data streams', async () => {
      await client.cluster.putComponentTemplate({ name: 'c@settings', template: { settings: { number_of_shards: 1, 'index.codec': 'best_compression' } } });
      await client.cluster.putComponentTemplate({ name: 'c@mappings', template: { mappings: { properties: { '@timestamp': { type: 'date' }, n: { type: 'long' } } } } });
      const ct = await client.cluster.getComponentTemplate({ name: 'c@settings' });
      assert.deepEqual(ct.component_templates[0]?.component_template.template.settings, { index: { codec: 'best_compression', number_of_shards: '1' } });

      await assert.rejects(client.cluster.putComponentTemplate({ name: 'bad', template: { mappings: { properties: { x: { type: 'strnig' as never } } } } }), /No handler for type \[strnig\]/);

      await assert.rejects(
        client.indices.putIndexTemplate({ name: 't', index_patterns: ['logs-x-*'], composed_of: ['c@settings', 'c@custom'], data_stream: {} }),
        (err: unknown) => err instanceof errors.ResponseError && err.statusCode === 400 && /invalid_index_template_exception/.test(JSON.stringify(err.body)) && /c@custom/.test(JSON.stringify(err.body)),
      );
      await client.indices.putIndexTemplate({
        name: 't',
        index_patterns: ['logs-x-*'],
        composed_of: ['c@settings', 'c@mappings', 'c@custom'],
        ignore_missing_component_templates: ['c@custom'],
        priority: 200,
        data_stream: {},
      });
      const it = await client.indices.getIndexTemplate({ name: 't' });
      assert.deepEqual(it.index_templates[0]?.index_template.data_stream, { hidden: false, allow_custom_routing: false });
      assert.equal((await call(es.url, 'GET', '/_index_template/none')).status, 404);
      assert.equal(await client.indices.existsIndexTemplate({ name: 't' }), true);
      assert.equal(await client.indices.existsIndexTemplate({ name: 'none' }), false);

      await assert.rejects(client.indices.createDataStream({ name: 'other-x-y' }), /no matching index template found for data stream \[other-x-y\]/);
      await client.indices.createDataStream({ name: 'logs-x-default' });
      const ds = await client.indices.getDataStream({ name: 'logs-x-default' });
      assert.equal(ds.data_streams[0]?.template, 't');
      assert.equal(ds.data_streams[0]?.timestamp_field.name, '@timestamp');
      assert.equal((await call(es.url, 'GET', '/_data_stream/missing')).status, 404);

      const sim = await call(es.url, 'POST', '/_index_template/_simulate/t');
      assert.deepEqual(sim.json.template.settings, { index: { codec: 'best_compression', number_of_shards: '1' } });
      assert.equal(sim.json.template.mappings.properties.n.type, 'long');
      assert.equal(es.writes(), 7, 'every PUT, accepted or refused, is a write');
    });

    it('answers unknown routes like ES', async () => {
      const r = await call(es.url, 'GET', '/_nope');
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { error: 'no handler found for uri [/_nope] and method [GET]' });
      assert.equal(r.headers.get('x-elastic-product'), 'Elasticsearch');
    });

    it('requires the configured credentials', async () => {
      const secured = await startFakeElasticsearch({ apiKey: 'a2V5OnNlY3JldA==', username: 'elastic', password: 'changeme' });
      const anonymous = new Client({ node: secured.url });
      const withKey = new Client({ node: secured.url, auth: { apiKey: 'a2V5OnNlY3JldA==' } });
      const withBasic = new Client({ node: secured.url, auth: { username: 'elastic', password: 'changeme' } });
      const wrong = new Client({ node: secured.url, auth: { username: 'elastic', password: 'nope' } });
      try {
        await assert.rejects(anonymous.info(), (err: unknown) => {
          assert.ok(err instanceof errors.ResponseError);
          assert.equal(err.statusCode, 401);
          assert.match(JSON.stringify(err.body), /missing authentication credentials for REST request \[\/\]/);
          return true;
        });
        await assert.rejects(wrong.info(), /unable to authenticate user \[elastic\]/);
        assert.equal((await withKey.info()).cluster_name, 'fake-es');
        assert.equal((await withBasic.info()).cluster_name, 'fake-es');
        const raw = await call(secured.url, 'GET', '/');
        assert.match(raw.headers.get('www-authenticate') ?? '', /Basic realm="security"/);
      } finally {
        await Promise.all([anonymous.close(), withKey.close(), withBasic.close(), wrong.close()]);
        await secured.close();
      }
    });
  });

  describe('fake Kibana', () => {
    let kibana: FakeKibana;
    beforeEach(async () => {
      kibana = await startFakeKibana({ username: 'elastic', password: 'changeme' });
    });
    afterEach(() => kibana.close());
    const auth = { authorization: `Basic ${Buffer.from('elastic:changeme').toString('base64')}` };

    it('checks credentials, then kbn-xsrf', async () => {
      const anonymous = await fetch(`${kibana.url}/api/detection_engine/rules?rule_id=x`);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { error: string }).error, 'Unauthorized');
      const wrong = await fetch(`${kibana.url}/api/detection_engine/rules?rule_id=x`, { headers: { authorization: `Basic ${Buffer.from('elastic:nope').toString('base64')}` } });
      assert.equal(wrong.status, 401);
      const noXsrf = await fetch(`${kibana.url}/api/detection_engine/rules/_import`, { method: 'POST', headers: auth, body: ndjsonForm([KIBANA_RULE]) });
      assert.equal(noXsrf.status, 400);
      assert.deepEqual(await noXsrf.json(), { statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' });
      assert.equal(kibana.imports(), 0);
    });

    it('imports rules from multipart NDJSON and returns them with server fields', async () => {
      const res = await fetch(`${kibana.url}/api/detection_engine/rules/_import?overwrite=true`, { method: 'POST', headers: { ...auth, 'kbn-xsrf': 'test' }, body: ndjsonForm([KIBANA_RULE]) });
      assert.equal(res.status, 200);
      const summary = (await res.json()) as Record<string, unknown>;
      assert.equal(summary.success, true);
      assert.equal(summary.success_count, 1);
      assert.equal(summary.rules_count, 1);
      assert.deepEqual(summary.errors, []);
      assert.equal(kibana.imports(), 1);

      const got = await fetch(`${kibana.url}/api/detection_engine/rules?rule_id=evforge-ntlm-logon`, { headers: auth });
      assert.equal(got.status, 200);
      const rule = (await got.json()) as Record<string, unknown>;
      assert.equal(rule.name, 'NTLM Logon');
      assert.match(String(rule.id), /^[0-9a-f-]{36}$/);
      assert.equal(rule.immutable, false);
      assert.deepEqual(rule.rule_source, { type: 'internal' });
      assert.equal(rule.revision, 0);
      assert.equal(rule.created_by, 'elastic');
      for (const k of ['created_at', 'updated_at', 'updated_by', 'related_integrations', 'setup', 'exceptions_list', 'actions']) assert.ok(k in rule, k);
      assert.deepEqual(rule.required_fields, [
        { name: 'event.code', type: 'keyword', ecs: true },
        { name: 'winlog.channel', type: 'keyword', ecs: false },
      ]);
      assert.equal(kibana.rules().length, 1);

      const missing = await fetch(`${kibana.url}/api/detection_engine/rules?rule_id=nope`, { headers: auth });
      assert.equal(missing.status, 404);
      assert.match(((await missing.json()) as { message: string }).message, /rule_id: "nope" not found/);
    });

    it('reports invalid rules, conflicts and wrong file extensions', async () => {
      const headers = { ...auth, 'kbn-xsrf': 'test' };
      await fetch(`${kibana.url}/api/detection_engine/rules/_import`, { method: 'POST', headers, body: ndjsonForm([KIBANA_RULE]) });
      const bad = { ...KIBANA_RULE, rule_id: 'bad', risk_score: 101, severity: 'severe' };
      const res = await fetch(`${kibana.url}/api/detection_engine/rules/_import?overwrite=false`, { method: 'POST', headers, body: ndjsonForm([KIBANA_RULE, bad]) });
      const summary = (await res.json()) as { success: boolean; success_count: number; rules_count: number; errors: { rule_id: string; error: { status_code: number; message: string } }[] };
      assert.equal(summary.success, false);
      assert.equal(summary.success_count, 0);
      assert.equal(summary.rules_count, 2);
      assert.deepEqual(summary.errors[0], { rule_id: 'evforge-ntlm-logon', error: { status_code: 409, message: 'rule_id: "evforge-ntlm-logon" already exists' } });
      assert.equal(summary.errors[1]?.rule_id, 'bad');
      assert.equal(summary.errors[1]?.error.status_code, 400);
      assert.match(summary.errors[1]?.error.message ?? '', /risk_score/);
      assert.match(summary.errors[1]?.error.message ?? '', /severity/);

      const json = await fetch(`${kibana.url}/api/detection_engine/rules/_import`, { method: 'POST', headers, body: ndjsonForm([KIBANA_RULE], 'rules.json') });
      assert.equal(json.status, 400);
      assert.match(((await json.json()) as { message: string }).message, /Invalid file extension \.json/);
    });
  });

  describe('fakes in front of a real OpenSearch node', function () {
    this.timeout(120_000);
    // The suite's shared node (stopped by the root hook).
    const cluster = { url: '' };
    before(async () => {
      cluster.url = await sharedNode();
    });

    describe('counting proxy', () => {
      let proxy: CountingProxy;
      beforeEach(async () => {
        proxy = await startCountingProxy(cluster.url);
      });
      afterEach(() => proxy.close());

      it('forwards reads without counting them as writes', async () => {
        const root = await call(proxy.url, 'GET', '/');
        assert.equal(root.status, 200);
        assert.equal(root.json.version.distribution, 'opensearch');
        assert.match(root.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal((await call(proxy.url, 'POST', '/_search', '{"size":0}')).status, 200);
        assert.equal((await call(proxy.url, 'GET', '/_cluster/health')).status, 200);
        assert.equal(proxy.writes(), 0);
        assert.deepEqual(
          proxy.requests.map((r) => [r.method, r.path]),
          [
            ['GET', '/'],
            ['POST', '/_search'],
            ['GET', '/_cluster/health'],
          ],
        );
        const missing = await call(proxy.url, 'GET', '/no-such-index/_doc/1');
        assert.equal(missing.status, 404);
        assert.equal(missing.json.error.type, 'index_not_found_exception');
      });

      it('counts a PUT as one write and passes big integers unchanged', async () => {
        const index = await call(proxy.url, 'PUT', '/evforge-proxy-test', '{"mappings":{"dynamic":false}}');
        assert.equal(index.status, 200, index.text);
        assert.equal(proxy.writes(), 1);
        proxy.reset();
        assert.equal(proxy.requests.length, 0);
        const put = await call(proxy.url, 'PUT', '/evforge-proxy-test/_doc/1?refresh=true', '{"n":12345678901234567890123}');
        assert.equal(put.status, 201, put.text);
        assert.equal(proxy.writes(), 1);
        const got = await call(proxy.url, 'GET', '/evforge-proxy-test/_doc/1');
        assert.match(got.text, /"n":12345678901234567890123\b/);
        assert.equal((await call(proxy.url, 'POST', '/evforge-proxy-test/_count', '{"query":{"match_all":{}}}')).json.count, 1);
        assert.equal(proxy.writes(), 1);
        await call(proxy.url, 'DELETE', '/evforge-proxy-test');
        assert.equal(proxy.writes(), 2);
      });
    });

    describe('fake Security Analytics', () => {
      let sa: FakeSecurityAnalytics;
      beforeEach(async () => {
        sa = await startFakeSecurityAnalytics(cluster.url);
      });
      afterEach(() => sa.close());

      it('adds the plugin to _cat/plugins and forwards everything else', async () => {
        const short = await call(sa.url, 'GET', '/_cat/plugins?format=json&h=component');
        assert.ok((short.json as { component: string }[]).some((p) => p.component === 'opensearch-security-analytics'));
        const long = await call(sa.url, 'GET', '/_cat/plugins?format=json');
        const row = (long.json as Record<string, string>[]).find((p) => p.component === 'opensearch-security-analytics');
        assert.ok(row?.name);
        const root = await call(sa.url, 'GET', '/');
        assert.equal(root.json.version.distribution, 'opensearch');
        // Plugin versions carry the engine's plus a fourth part (2.19.1.0, 3.8.0.0).
        assert.equal(row?.version, `${root.json.version.number}.0`);
      });

      it('stores a Sigma rule posted as YAML and returns it from _search', async () => {
        const created = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules?category=windows', SIGMA);
        assert.equal(created.status, 201, created.text);
        assert.match(created.json._id, /^[A-Za-z0-9_-]{20}$/);
        assert.equal(created.json._version, 1);
        assert.equal(created.json.rule.category, 'windows');
        assert.equal(created.json.rule.title, 'NTLM Logon');
        assert.equal(created.json.rule.level, 'low');
        assert.equal(created.json.rule.rule, SIGMA);

        const found = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules/_search?pre_packaged=false', '{"size":100,"query":{"match_all":{}}}');
        assert.equal(found.status, 200);
        assert.deepEqual(found.json.hits.total, { value: 1, relation: 'eq' });
        assert.equal(found.json.hits.hits[0]._id, created.json._id);
        assert.equal(found.json.hits.hits[0]._source.rule, SIGMA);
        assert.equal(found.json.hits.hits[0]._source.category, 'windows');
        const prePackaged = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules/_search', '{"query":{"match_all":{}}}');
        assert.deepEqual(prePackaged.json.hits.hits, []);

        const updated = await call(sa.url, 'PUT', `/_plugins/_security_analytics/rules/${created.json._id}?category=windows&forced=true`, SIGMA.replace('level: low', 'level: high'));
        assert.equal(updated.status, 200, updated.text);
        assert.equal(updated.json._version, 2);
        assert.equal(sa.rules()[0]?.version, 2);
        assert.match(sa.rules()[0]?.text ?? '', /level: high/);
        assert.equal((await call(sa.url, 'PUT', '/_plugins/_security_analytics/rules/nope?category=windows', SIGMA)).status, 404);

        const deleted = await call(sa.url, 'DELETE', `/_plugins/_security_analytics/rules/${created.json._id}`);
        assert.equal(deleted.status, 200);
        assert.equal(deleted.json._id, created.json._id);
        assert.equal(sa.rules().length, 0);
        assert.equal(sa.writes(), 4, 'POST, PUT, refused PUT, DELETE');
      });

      it('rejects what the real plugin rejects', async () => {
        const unquotedDate = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules?category=windows', SIGMA.replace('date: "2018-06-08"', 'date: 2018-06-08'));
        assert.equal(unquotedDate.status, 500);
        assert.match(unquotedDate.json.error.reason, /rule date is not a string/);

        const badCategory = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules?category=nope', SIGMA);
        assert.equal(badCategory.status, 400);
        assert.equal(badCategory.json.error.reason, 'Invalid rule category');
        assert.equal((await call(sa.url, 'POST', '/_plugins/_security_analytics/rules', SIGMA)).status, 400);

        const badId = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules?category=windows', SIGMA.replace(/^id: .*$/m, 'id: not-a-uuid'));
        assert.equal(badId.status, 400);
        assert.match(badId.json.error.reason, /identifier must be an UUID/);

        const badCondition = await call(sa.url, 'POST', '/_plugins/_security_analytics/rules?category=windows', SIGMA.replace('condition: evforge_channel and (selection)', 'condition: evforge-channel and selection'));
        assert.equal(badCondition.status, 400);
        assert.match(badCondition.json.error.reason, /evforge-channel/);

        assert.equal(sa.rules().length, 0);
      });
    });
  });
});
