import assert from 'node:assert/strict';
import ntlm from '../../../examples/ntlm-8002.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { makeDataset } from '../../../src/definition/dataset.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { ENGINE_NAMES } from '../../../src/terms.ts';
import { generateArtifacts } from '../../../src/generate/index.ts';
import { buildIndexTemplate, buildMappingsComponent, buildSettingsComponent } from '../../../src/generate/templates.ts';
import { datasetVersion, objectVersion } from '../../../src/generate/naming.ts';
import { loadPainless } from '../../../src/api/templates.ts';

const ntlmDef = loadDefinition(ntlm);
const def = makeDataset(ntlmDef.dataset, [ntlmDef]);
const kitchen = makeDataset('contoso.kitchen_sink', [loadDefinition(sink)]);

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
  for (const target of ENGINE_NAMES) {
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
      it('map no older name (the pipeline renames them; an alias would refuse other events that use the name)', () => {
        const aliases = ntlmDef.fields.flatMap((f) => f.aliases);
        assert.ok(aliases.length > 0);
        for (const a of aliases) assert.equal(prop(mappings, `winlog.event_data.${a}`), undefined, a);
        assert.ok(!JSON.stringify(mappings).includes('"alias"'));
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
          assert.equal(body.version, datasetVersion(def));
          assert.equal(body.version, objectVersion(ntlmDef.schemaVersion), `schema ${ntlmDef.schemaVersion}`);
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
    for (const a of generateArtifacts(kitchen, loadPainless()).filter((x) => x.engine === 'opensearch')) {
      const found = forbidden.filter((k) => keys(a.body).has(k));
      assert.deepEqual(found, [], `${a.path} has ${found.join(', ')}`);
    }
    assert.ok(!keys(generateArtifacts(def, loadPainless()).find((a) => a.engine === 'opensearch' && a.kind === 'ingest_pipeline')!.body).has('_meta'));
  });

  it('Elasticsearch output uses what only Elasticsearch has: the @custom component and pipeline _meta with the owners', () => {
    const es = generateArtifacts(def, loadPainless()).filter((x) => x.engine === 'elasticsearch');
    const template = es.find((a) => a.kind === 'index_template')!.body as ReturnType<typeof buildIndexTemplate>;
    assert.deepEqual(template.composed_of, ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings', 'logs-windows.ntlm@custom']);
    assert.deepEqual(template.ignore_missing_component_templates, ['logs-windows.ntlm@custom']);
    const os = generateArtifacts(def, loadPainless()).find((a) => a.engine === 'opensearch' && a.kind === 'index_template')!.body as ReturnType<typeof buildIndexTemplate>;
    assert.deepEqual(os.composed_of, ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings']);
    const pipeline = es.find((a) => a.kind === 'ingest_pipeline')!.body as { _meta?: Record<string, unknown> };
    assert.deepEqual(pipeline._meta, { generated_by: 'evforge', dataset: 'windows.ntlm', events: { 'ntlm-8002': ntlmDef.schemaVersion }, definition_hash: def.hash });
  });

  it('a data stream of several definitions maps the union of their fields, and nothing else', async () => {
    const others = await Promise.all(['ntlm-8001', 'ntlm-8003', 'ntlm-8004'].map(async (n) => loadDefinition((await import(`../../../examples/${n}.ts`)).default)));
    const channel = makeDataset('windows.ntlm', [ntlmDef, ...others]);
    const m = buildMappingsComponent(channel, 'opensearch');
    assert.equal(prop(m, 'source.domain')?.['type'], 'keyword', 'from 8003 and 8004');
    assert.equal(prop(m, 'winlog.event_data.User'), undefined, "8003's older name");
    assert.equal(prop(m, 'winlog.event_data.Calling_process_PID'), undefined, "8002's older name");
    for (const name of ['TargetName', 'SChannelName', 'SChannelType', 'Workstation', 'WorkstationName', 'LogonType', 'InProc']) assert.equal(prop(m, `winlog.event_data.${name}`)?.['type'], 'keyword', name);
    // Every field of each member's own mapping is in the union, mapped alike; the union adds nothing of its own.
    const flat = (body: ReturnType<typeof buildMappingsComponent>) => JSON.stringify(body.template?.mappings?.properties);
    const paths = (body: ReturnType<typeof buildMappingsComponent>): string[] => {
      const out: string[] = [];
      const walk = (props: Record<string, Record<string, unknown>>, prefix: string) => {
        for (const [k, v] of Object.entries(props)) v['properties'] ? walk(v['properties'] as Record<string, Record<string, unknown>>, `${prefix}${k}.`) : out.push(`${prefix}${k}`);
      };
      walk(body.template!.mappings!.properties as Record<string, Record<string, unknown>>, '');
      return out;
    };
    const union = new Set<string>();
    for (const d of [ntlmDef, ...others]) {
      const single = buildMappingsComponent(makeDataset('windows.ntlm', [d]), 'opensearch');
      for (const path of paths(single)) {
        union.add(path);
        assert.deepEqual(prop(m, path), prop(single, path), `${d.name}: ${path}`);
      }
    }
    assert.deepEqual(paths(m).sort(), [...union].sort());
    assert.notEqual(flat(m), flat(buildMappingsComponent(def, 'opensearch')));
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
