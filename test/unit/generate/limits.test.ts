import assert from 'node:assert/strict';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm8002 from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import { makeDataset } from '../../../src/definition/dataset.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { generateArtifacts } from '../../../src/generate/index.ts';
import { checkLimits, countMappingFields, DEFAULT_LIMITS, mappingDepth, measureDataStream, pipelineScripts, scriptBytes, totalFieldsLimitFor } from '../../../src/generate/limits.ts';
import { buildMappingsComponent, buildSettingsComponent } from '../../../src/generate/templates.ts';
import { loadPainless } from '../../../src/api/templates.ts';
import { measureArtifacts } from '../../../src/render/dataset.ts';
import { copyProject, runCli } from '../../helpers.ts';

const painless = loadPainless();
const channel = makeDataset('windows.ntlm', [ntlm8001, ntlm8002, ntlm8003, ntlm8004].map((d) => loadDefinition(d)));

/** The value at a path such as `processors[3].script.on_failure[0].set.if`. */
function at(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** A definition of `n` text fields in its own dataset: a mapping of many fields. */
export function wideDefinition(n: number, dataset = 'test.wide') {
  return loadDefinition({
    ...ntlm8004,
    name: `wide-${n}`,
    eventId: 9000,
    dataset,
    detections: [],
    message: 'Wide event %1',
    fields: Array.from({ length: n }, (_, i) => ({ name: `Field${String(i).padStart(5, '0')}`, type: 'UnicodeString', description: `Field ${i}.` })),
  });
}

describe('engine limits, measured on the objects', () => {
  it('find every inline script of a pipeline: script sources and if conditions, in on_failure and foreach too, each with its place', () => {
    const body = {
      processors: [
        { set: { field: 'a', value: 1, if: 'ctx.x != null' } },
        { script: { source: 'ctx.b = 2', on_failure: [{ script: { source: 'ctx.c = 3', if: { source: 'ctx.d == 4' } } }] } },
        { foreach: { field: 'list', processor: { script: { source: 'ctx._ingest._value = 1 // é' } } } },
        { script: { id: 'stored-one' } },
      ],
      on_failure: [{ set: { field: 'error', value: 'x', if: 'true' } }],
    };
    assert.deepEqual(pipelineScripts(body), [
      { at: 'processors[0].set.if', source: 'ctx.x != null' },
      { at: 'processors[1].script.source', source: 'ctx.b = 2' },
      { at: 'processors[1].script.on_failure[0].script.if', source: 'ctx.d == 4' },
      { at: 'processors[1].script.on_failure[0].script.source', source: 'ctx.c = 3' },
      { at: 'processors[2].foreach.processor.script.source', source: 'ctx._ingest._value = 1 // é' },
      { at: 'on_failure[0].set.if', source: 'true' },
    ]);
    assert.equal(scriptBytes('é'), 2, 'UTF-8 bytes, as the engines count');
  });

  it('count fields as the engines do: objects, leaves, multi-fields, aliases, runtime fields', () => {
    const properties = {
      a: { properties: { b: { type: 'keyword', fields: { text: { type: 'match_only_text' } } }, c: { type: 'long' } } },
      d: { type: 'alias', path: 'a.c' },
      e: { type: 'object', enabled: false },
      '@timestamp': { type: 'date' },
    };
    assert.equal(countMappingFields(properties), 7);
    assert.equal(countMappingFields(properties, { r: { type: 'keyword' } }), 8);
    assert.deepEqual(mappingDepth(properties), { depth: 2, at: 'a' });
    assert.deepEqual(mappingDepth({ x: { properties: { y: { type: 'object', enabled: false } } } }), { depth: 3, at: 'x.y' });
    assert.deepEqual(mappingDepth({ flat: { type: 'keyword' } }), { depth: 1 });
  });

  it('measure the generated channel: its largest script is the longest source in its pipeline, byte for byte, within every default', () => {
    const measures = measureArtifacts(channel.name, generateArtifacts(channel, painless));
    assert.deepEqual(measures.map((m) => m.engine), ['elasticsearch', 'opensearch']);
    for (const m of measures) {
      const pipeline = generateArtifacts(channel, painless).find((a) => a.kind === 'ingest_pipeline' && a.engine === m.engine)!;
      const s = m.largestScript!;
      const text = at(pipeline.body, s.at);
      assert.equal(typeof text, 'string', s.at);
      assert.equal(scriptBytes(String(text)), s.bytes);
      assert.ok(pipelineScripts(pipeline.body).every((x) => scriptBytes(x.source) <= s.bytes));
      assert.equal(s.object, `${m.engine} ingest pipeline logs-windows.ntlm`);
      assert.equal(m.template, 'logs-windows.ntlm');
      assert.equal(m.totalFieldsSetting, 2000, 'the channel keeps the limit it has always had');
      assert.ok(m.fields > 50 && m.fields < 1000, String(m.fields));
      assert.deepEqual(checkLimits(m), []);
    }
  });

  it('set index.mapping.total_fields.limit from the field count: 2 000 at least, else 1.5 × the fields rounded up to a thousand, always above the count', () => {
    assert.deepEqual([0, 107, 1333, 1334, 1400, 5000, 9999].map(totalFieldsLimitFor), [2000, 2000, 2000, 3000, 3000, 8000, 15000]);
    const wide = makeDataset('test.wide', [wideDefinition(1500)]);
    const [m] = measureArtifacts('test.wide', generateArtifacts(wide, painless, { engines: ['opensearch'] }));
    assert.ok(m!.fields > 1500, `${m!.fields} fields`);
    assert.equal(m!.totalFieldsSetting, totalFieldsLimitFor(m!.fields));
    assert.equal(m!.totalFieldsSetting, 3000);
    assert.deepEqual(checkLimits(m!), []);
    const settings = buildSettingsComponent(wide, 'elasticsearch');
    assert.deepEqual(settings.template?.settings?.index?.mapping?.total_fields, { limit: 3000 });
    // The engines check a component on its own: past 1 000 fields the mappings component carries the limit too; the channel's does not.
    assert.deepEqual(buildMappingsComponent(wide, 'opensearch').template?.settings, { index: { mapping: { total_fields: { limit: 3000 } } } });
    assert.equal(buildMappingsComponent(channel, 'opensearch').template?.settings, undefined);
    assert.deepEqual(m!.components?.find((c) => c.name.endsWith('@mappings'))?.totalFieldsSetting, 3000);
  });

  it('a component template over the field limit on its own is refused, as the engines check each component when it is stored', () => {
    const properties = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, { type: 'keyword' }]));
    const mappings = { kind: 'component_template', name: 'logs-x@mappings', body: { template: { mappings: { properties } } } };
    const settings = { kind: 'component_template', name: 'logs-x@settings', body: { template: { settings: { index: { mapping: { total_fields: { limit: 2000 } } } } } } };
    const template = { kind: 'index_template', name: 'logs-x', body: { composed_of: ['logs-x@settings', 'logs-x@mappings'] } };
    const problems = checkLimits(measureDataStream('x', 'opensearch', [settings, mappings, template]));
    assert.deepEqual(problems.map((p) => [p.limit, p.value, p.max, p.object]), [['fields', 1001, 1000, 'opensearch component template logs-x@mappings']]);
    assert.match(problems[0]!.message, /component template logs-x@mappings maps 1001 fields, over its own index\.mapping\.total_fields\.limit \(1000, engine default\)/);
  });

  it('name each limit gone over, with the number, the object and the way out', () => {
    const pipeline = { kind: 'ingest_pipeline', name: 'logs-x', body: { processors: [{ script: { source: `ctx.a = 1; // ${'x'.repeat(65_530)}` } }] } };
    const deep = { kind: 'component_template', name: 'logs-x@mappings', body: { template: { mappings: { properties: Object.fromEntries([['a', nested(21)]]) } } } };
    const lowered = { kind: 'component_template', name: 'logs-x@custom', body: { template: { settings: { index: { mapping: { total_fields: { limit: '3' } } } } } } };
    const template = { kind: 'index_template', name: 'logs-x', body: { composed_of: ['logs-x@mappings', 'logs-x@custom'] } };
    const m = measureDataStream('x', 'elasticsearch', [pipeline, deep, template], new Map([['logs-x@custom', lowered.body]]));
    const problems = checkLimits(m);
    assert.deepEqual(problems.map((p) => [p.limit, p.value, p.max]), [['script', 65_544, 65_535], ['fields', 22, 3], ['depth', 22, 20]]);
    assert.equal(problems[0]!.message, 'data stream logs-x-* (elasticsearch): the script at processors[0].script.source of elasticsearch ingest pipeline logs-x is 65544 bytes, over script.max_size_in_bytes (65535, engine default): the engine refuses the pipeline');
    assert.match(problems[0]!.hint, /^split the data stream/);
    assert.match(problems[1]!.message, /its mapping has 22 fields, over index\.mapping\.total_fields\.limit \(3, set by its templates\)/);
    assert.match(problems[2]!.message, /the object field a(\.n){20} sits at depth 22, over index\.mapping\.depth\.limit \(20, engine default\)/);
    assert.deepEqual(checkLimits(m, { ...DEFAULT_LIMITS, scriptMaxSizeInBytes: 100_000, from: 'cluster' }).map((p) => p.limit), ['fields', 'depth'], 'the cluster\'s script limit replaces the default');
  });
});

/** An object path `n` deep under `a`, ending in a keyword. */
function nested(n: number): unknown {
  return n === 0 ? { type: 'keyword' } : { properties: { n: nested(n - 1) } };
}

describe('generate and check report each data stream against the limits; going over one is an error', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  beforeEach(() => {
    p = copyProject('limits');
  });
  afterEach(() => p.cleanup());

  it('report the largest script, the fields and the depth of each data stream', async () => {
    const g = await runCli(p.dir, ['generate']);
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, /^ {4}limits: largest script \d+ of 65535 bytes \((elasticsearch|opensearch) ingest pipeline logs-windows\.ntlm, processors\[\d+\][\w.[\]]*\); \d+ of 2000 fields; depth \d+ of 20$/m);
    const c = await runCli(p.dir, ['check']);
    assert.equal(c.code, 0, c.all);
    assert.match(c.stdout, /^ {2}logs-windows\.ntlm-\*: largest script \d+ of 65535 bytes .*; \d+ of 2000 fields; depth \d+ of 20$/m);
  });

  it('a field deeper than index.mapping.depth.limit: generate writes nothing and exits 1, check exits 1, both naming the field and the fix', async () => {
    const { writeFileSync, readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(p.dir, 'examples/ntlm-8004.ts');
    const deep = Array.from({ length: 21 }, (_, i) => `l${i}`).join('.');
    writeFileSync(file, readFileSync(file, 'utf8').replace("examples: ['WS042'],", `examples: ['WS042'], ecs: [{ field: '${deep}', type: 'keyword' }],`));
    const g = await runCli(p.dir, ['generate']);
    assert.equal(g.code, 1, g.all);
    const says = new RegExp(`✖ data stream logs-windows\\.ntlm-\\* \\((elasticsearch|opensearch)\\): the object field ${deep.split('.').slice(0, -1).join('\\.')} sits at depth 21, over index\\.mapping\\.depth\\.limit \\(20, engine default\\): the engine refuses the index template\\n {2}→ at \\1 index template logs-windows\\.ntlm\\n {2}hint: use a shallower ECS target`);
    assert.match(g.stderr, says);
    assert.match(g.stderr, /Nothing was written to mappings\//);
    assert.ok(!existsSync(join(p.dir, 'mappings')), 'nothing written');
    const c = await runCli(p.dir, ['check']);
    assert.equal(c.code, 1);
    assert.match(c.stderr, says);
  });
});
