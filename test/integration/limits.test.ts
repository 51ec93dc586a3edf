import assert from 'node:assert/strict';
import ntlm8001 from '../../examples/ntlm-8001.ts';
import ntlm8002 from '../../examples/ntlm-8002.ts';
import ntlm8003 from '../../examples/ntlm-8003.ts';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { push } from '../../src/api/push.ts';
import { makeDataset } from '../../src/definition/dataset.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { generateArtifacts } from '../../src/generate/index.ts';
import { checkLimits, ENGINE_DEFAULTS, measureDataStream, scriptBytes, type DataStreamMeasure } from '../../src/generate/limits.ts';
import { openSearchClient } from '../../src/io/cluster/engines.ts';
import { ClusterError } from '../../src/io/cluster/errors.ts';
import { loadPainless } from '../../src/api/templates.ts';
import { wideDefinition } from '../unit/generate/limits.test.ts';
import { sharedNode } from './node.ts';

/**
 * The limits module (src/generate/limits.ts) counts as the real node does: for each measured
 * mapping, an index whose limit is the measured number is accepted and one whose limit is one less
 * is refused; a script of exactly script.max_size_in_bytes bytes is accepted and one byte more is
 * refused, where the module says so. And the node's refusal of a big script is never echoed whole.
 */
describe('engine limits, counted as the real node counts them', function () {
  this.timeout(120_000);
  let node: string;
  const painless = loadPainless();

  before(async () => {
    node = await sharedNode();
  });

  /** The composed mapping of a dataset's OpenSearch template, and its measure. */
  function composed(defs: readonly ReturnType<typeof loadDefinition>[], dataset: string): { measure: DataStreamMeasure; properties: unknown } {
    const artifacts = generateArtifacts(makeDataset(dataset, defs), painless, { engines: ['opensearch'] });
    const measure = measureDataStream(dataset, 'opensearch', artifacts);
    const mappings = artifacts.find((a) => a.kind === 'component_template' && a.name.endsWith('@mappings'));
    const properties = mappings?.kind === 'component_template' ? mappings.body.template?.mappings?.properties : undefined;
    return { measure, properties };
  }

  /** Creates (then deletes) an index with these settings and properties: the node's answer. */
  async function tryIndex(settings: Record<string, unknown>, properties: unknown): Promise<{ status: number; reason: string }> {
    const name = `evforge-limits-${Math.random().toString(36).slice(2, 10)}`;
    const r = await fetch(`${node}/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings, mappings: { dynamic: false, properties } }) });
    const body = (await r.json()) as { error?: { reason?: string } };
    if (r.ok) await fetch(`${node}/${name}`, { method: 'DELETE' }).then((x) => x.arrayBuffer());
    return { status: r.status, reason: body.error?.reason ?? '' };
  }

  const cases: [string, () => ReturnType<typeof composed>][] = [
    ['the NTLM channel (objects, leaves, .text multi-fields, aliases of older names)', () => composed([ntlm8001, ntlm8002, ntlm8003, ntlm8004].map((d) => loadDefinition(d)), 'windows.ntlm')],
    ['a data stream of 1 200 declared fields', () => composed([wideDefinition(1200)], 'test.wide')],
  ];
  for (const [what, build] of cases) {
    it(`fields and depth of ${what}: the measured number is the node's limit exactly`, async () => {
      const { measure, properties } = build();
      assert.ok(measure.fields > 20, String(measure.fields));
      const at = await tryIndex({ 'index.mapping.total_fields.limit': measure.fields }, properties);
      assert.equal(at.status, 200, `limit ${measure.fields} refused: ${at.reason}`);
      const under = await tryIndex({ 'index.mapping.total_fields.limit': measure.fields - 1 }, properties);
      assert.equal(under.status, 400);
      assert.equal(under.reason, `Limit of total fields [${measure.fields - 1}] has been exceeded`);
      assert.equal(checkLimits({ ...measure, totalFieldsSetting: measure.fields - 1 }).map((p) => p.limit).join(), 'fields', 'the module says over exactly there');
      assert.deepEqual(checkLimits({ ...measure, totalFieldsSetting: measure.fields }), []);
      // Depth: the deepest object field's depth is accepted as the limit, one less is refused naming that field.
      const deep = await tryIndex({ 'index.mapping.total_fields.limit': 100_000, 'index.mapping.depth.limit': measure.depth }, properties);
      assert.equal(deep.status, 200, deep.reason);
      const shallow = await tryIndex({ 'index.mapping.total_fields.limit': 100_000, 'index.mapping.depth.limit': measure.depth - 1 }, properties);
      assert.equal(shallow.status, 400);
      assert.match(shallow.reason, new RegExp(`^Limit of mapping depth \\[${measure.depth - 1}\\] has been exceeded due to object field \\[`));
    });
  }

  it('a custom ECS target 21 names deep: depth 21, refused at the default limit of 20 exactly as measured', async () => {
    const path = Array.from({ length: 21 }, (_, i) => `l${i}`).join('.');
    const def = loadDefinition({ ...ntlm8004, fields: ntlm8004.fields.map((f, i) => (i === 0 ? { ...f, ecs: [{ field: path, type: 'keyword' as const }] } : f)) });
    const { measure, properties } = composed([def], 'windows.ntlm');
    assert.equal(measure.depth, 21);
    assert.equal(measure.deepest, path.split('.').slice(0, -1).join('.'));
    assert.deepEqual(checkLimits(measure).map((p) => [p.limit, p.value, p.max]), [['depth', 21, ENGINE_DEFAULTS.depthLimit]]);
    const r = await tryIndex({}, properties);
    assert.equal(r.status, 400);
    assert.equal(r.reason, `Limit of mapping depth [20] has been exceeded due to object field [${measure.deepest}]`);
  });

  it('a definition of 5 000 fields pushes on default settings: its @settings raises the field limit the mapping needs (8 000)', async () => {
    const wide = wideDefinition(5000);
    const cleanup = async () => {
      for (const path of ['/_data_stream/logs-test.wide-default', '/_index_template/logs-test.wide', '/_component_template/logs-test.wide@settings', '/_component_template/logs-test.wide@mappings', '/_ingest/pipeline/logs-test.wide']) {
        await fetch(`${node}${path}`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
      }
    };
    await cleanup();
    try {
      const result = await push({ cluster: { node }, definitions: [{ definition: wide, source: 'wide.ts' }] });
      assert.equal(result.status, 'applied', JSON.stringify(result.status === 'refused_limits' ? result.problems : result.status));
      assert.deepEqual(result.limits.problems, []);
      const m = result.limits.measures[0]!;
      assert.ok(m.fields > 5000 && m.totalFieldsSetting === 8000, JSON.stringify(m));
      const index = (await (await fetch(`${node}/_data_stream/logs-test.wide-default`)).json()) as { data_streams: { indices: { index_name: string }[] }[] };
      const name = index.data_streams[0]!.indices[0]!.index_name;
      const settings = (await (await fetch(`${node}/${name}/_settings?flat_settings=true`)).json()) as Record<string, { settings: Record<string, string> }>;
      assert.equal(settings[name]!.settings['index.mapping.total_fields.limit'], '8000');
    } finally {
      await cleanup();
    }
  });

  it('a script of script.max_size_in_bytes bytes (UTF-8, not characters) is stored; one byte more is refused, where the module says so', async () => {
    const client = openSearchClient({ node });
    try {
      const max = ENGINE_DEFAULTS.scriptMaxSizeInBytes;
      // "é" is 2 bytes: the script has far fewer characters than bytes.
      const script = (bytes: number) => {
        const head = 'ctx.a = 1; // ';
        const pairs = Math.floor((bytes - head.length) / 2);
        return head + 'é'.repeat(pairs) + 'x'.repeat(bytes - head.length - pairs * 2);
      };
      const pipeline = (bytes: number) => ({ processors: [{ script: { source: script(bytes) } }] });
      assert.equal(scriptBytes(script(max)), max);
      assert.ok(script(max).length < 40_000, 'characters are not bytes');
      const measure = (bytes: number) => checkLimits(measureDataStream('x', 'opensearch', [{ kind: 'ingest_pipeline', name: 'evforge-limits-script', body: pipeline(bytes) }]));
      assert.deepEqual(measure(max), []);
      assert.deepEqual(measure(max + 1).map((p) => [p.limit, p.value]), [['script', max + 1]]);
      await client.putPipeline('evforge-limits-script', pipeline(max));
      const refused = await client.putPipeline('evforge-limits-script', pipeline(max + 1)).then(
        () => assert.fail('the node stored a script over the limit'),
        (e: unknown) => e,
      );
      // The node's answer quotes the whole script (65 KB); the error shown names its size and the setting, never the script.
      assert.ok(refused instanceof ClusterError, String(refused));
      assert.match(refused.message, new RegExp(`^PUT ingest pipeline evforge-limits-script failed: HTTP \\d+ \\w+: an inline script of ${max + 1} bytes is over script\\.max_size_in_bytes \\(${max}\\)$`));
      assert.match(refused.details.hint ?? '', /split the data stream/);
      assert.ok(!refused.message.includes('éé'));
    } finally {
      await client.deletePipeline('evforge-limits-script');
      await client.close();
    }
  });

  it('any other long engine reason is cut, saying how much was left out', async () => {
    const client = openSearchClient({ node });
    try {
      // An unknown processor type whose name is 5 000 characters: the node quotes it in its reason.
      const refused = await client.putPipeline('evforge-limits-reason', { processors: [{ [`p${'y'.repeat(5000)}`]: {} }] }).then(
        () => assert.fail('accepted'),
        (e: unknown) => e,
      );
      assert.ok(refused instanceof ClusterError);
      assert.ok(refused.message.length < 400, `${refused.message.length} characters`);
      assert.match(refused.message, /^PUT ingest pipeline evforge-limits-reason failed: HTTP 400 \w+: .*y… \(\d+ more characters not shown\)$/);
    } finally {
      await client.close();
    }
  });
});
