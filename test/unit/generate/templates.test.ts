import assert from 'node:assert/strict';
import ntlm from '../../../examples/ntlm-8002.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { makeBundle } from '../../../src/definition/bundle.ts';
import { loadDefinition } from '../../../src/definition/normalize.ts';
import { TARGETS } from '../../../src/generate/engines.ts';
import { generateArtifacts } from '../../../src/generate/index.ts';
import { buildIndexTemplate, buildMappingsComponent, buildSettingsComponent } from '../../../src/generate/templates.ts';
import { bundleVersion } from '../../../src/generate/naming.ts';

const ntlmDef = loadDefinition(ntlm);
const def = makeBundle(ntlmDef.dataset, [ntlmDef]);
const kitchen = makeBundle('contoso.kitchen_sink', [loadDefinition(sink)]);

/** The mapping property at a dotted path. */
function prop(body: ReturnType<typeof buildMappingsComponent>, path: string): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = { properties: body.template?.mappings?.properties };
  for (const part of path.split('.')) node = (node?.['properties'] as Record<string, Record<string, unknown>> | undefined)?.[part];
  return node;
}

/** Every key anywhere in a JSON value. */
function keys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keys(v, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) keys(v, out.add(k));
  return out;
}

describe('index templates', () => {
  for (const target of TARGETS) {
    describe(`for ${target}`, () => {
      const mappings = buildMappingsComponent(def, target);
      it('map UInt32 to long, never integer', () => {
        assert.deepEqual(prop(mappings, 'process.pid'), { type: 'long' });
        assert.ok(!JSON.stringify(mappings).includes('"integer"'));
      });
      it('keep 64-bit hex as keyword text', () => assert.equal(prop(mappings, 'winlog.logon.id')?.['type'], 'keyword'));
      it('keep every raw event data field as keyword', () => {
        for (const f of ntlmDef.fields) assert.equal(prop(mappings, `winlog.event_data.${f.name}`)?.['type'], 'keyword', f.name);
      });
      it('map every older name as an alias of its field', () => {
        for (const f of ntlmDef.fields) for (const a of f.aliases) assert.deepEqual(prop(mappings, `winlog.event_data.${a}`), { type: 'alias', path: `winlog.event_data.${f.name}` });
      });
      it('give @timestamp nanosecond precision and event.code keyword', () => {
        assert.equal(prop(mappings, '@timestamp')?.['type'], 'date_nanos');
        assert.equal(prop(mappings, 'event.code')?.['type'], 'keyword');
      });
      it('add the ECS .text multi-field to names and paths', () => {
        assert.deepEqual(prop(mappings, 'process.executable')?.['fields'], { text: { type: 'match_only_text' } });
      });
      it('carry version and _meta on every object', () => {
        for (const body of [mappings, buildSettingsComponent(def, target), buildIndexTemplate(def, target)]) {
          assert.equal(body.version, bundleVersion(def));
          assert.equal(body.version, 1_003_000, 'schema 1.3.0');
          assert.deepEqual(Object.keys(body._meta ?? {}).sort(), ['dataset', 'definition_hash', 'description', 'events', 'generated_by']);
          assert.deepEqual(body._meta?.['events'], { 'ntlm-8002': ntlmDef.schemaVersion });
          assert.equal(body._meta?.['definition_hash'], def.hash);
        }
      });
      it('point the data stream at the pipeline', () => {
        assert.equal((buildSettingsComponent(def, target).template?.settings?.index as Record<string, unknown>)['default_pipeline'], 'logs-windows.ntlm');
        assert.deepEqual(buildIndexTemplate(def, target).index_patterns, ['logs-windows.ntlm-*']);
        assert.deepEqual(buildIndexTemplate(def, target).data_stream, {});
      });
    });
  }

  it('OpenSearch output carries no Elasticsearch-only key', () => {
    const forbidden = ['ignore_missing_component_templates', 'allow_auto_create', 'deprecated', 'copy_from', 'lifecycle', 'flattened', 'subobjects', 'runtime'];
    for (const a of generateArtifacts(kitchen).filter((x) => x.target === 'opensearch')) {
      const found = forbidden.filter((k) => keys(a.body).has(k));
      assert.deepEqual(found, [], `${a.path} has ${found.join(', ')}`);
    }
    assert.ok(!keys(generateArtifacts(def).find((a) => a.target === 'opensearch' && a.kind === 'ingest_pipeline')!.body).has('_meta'));
  });

  it('Elasticsearch output uses what only Elasticsearch has', () => {
    const es = generateArtifacts(def).filter((x) => x.target === 'elasticsearch');
    assert.deepEqual(es.find((a) => a.kind === 'index_template')!.body, { ...buildIndexTemplate(def, 'elasticsearch') });
    assert.ok(keys(buildIndexTemplate(def, 'elasticsearch')).has('ignore_missing_component_templates'));
    assert.ok(keys(es.find((a) => a.kind === 'ingest_pipeline')!.body).has('_meta'), 'Elasticsearch pipelines carry _meta');
  });

  it('maps every Windows type of the kitchen sink to its documented index type', () => {
    const m = buildMappingsComponent(kitchen, 'elasticsearch');
    const expected: Record<string, string> = {
      'source.port': 'long', 'process.pid': 'long', 'contoso.delta': 'long', 'contoso.flags': 'long', 'winlog.logon.id': 'keyword',
      'contoso.ratio': 'double', 'contoso.enabled': 'boolean', 'user.id': 'keyword', 'contoso.when': 'date', 'source.ip': 'ip',
      'related.ip': 'ip', 'winlog.event_data.Counter': 'keyword',
    };
    for (const [path, type] of Object.entries(expected)) assert.equal(prop(m, path)?.['type'], type, path);
  });
});
