import assert from 'node:assert/strict';
import ntlm from '../../../examples/ntlm-8002.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { loadDefinition } from '../../../src/definition/normalize.ts';
import { TARGETS } from '../../../src/generate/engines.ts';
import { buildPipeline, type Processor } from '../../../src/generate/pipeline.ts';

type Body = Record<string, unknown> & { tag?: string; on_failure?: Processor[] };
const body = (p: Processor): [string, Body] => Object.entries(p as object)[0] as [string, Body];

/** Processors including the ones nested in on_failure handlers. */
function all(list: readonly Processor[]): [string, Body][] {
  return list.flatMap((p) => {
    const [type, b] = body(p);
    return [[type, b] as [string, Body], ...all(b.on_failure ?? [])];
  });
}

for (const target of TARGETS) {
  for (const [name, input] of [['ntlm-8002', ntlm], ['kitchen-sink', sink]] as const) {
    describe(`the ${target} pipeline of ${name}`, () => {
      const def = loadDefinition(input);
      const pipeline = buildPipeline(def, target);
      const everything = [...all(pipeline.processors), ...all(pipeline.on_failure)];

      it('tags every processor', () => {
        const untagged = everything.filter(([, b]) => !b.tag).map(([t]) => t);
        assert.deepEqual(untagged, []);
      });
      it('gives top-level processors unique tags', () => {
        const tags = pipeline.processors.map((p) => body(p)[1].tag);
        assert.equal(new Set(tags).size, tags.length);
      });
      it('never drops a document', () => {
        assert.ok(!everything.some(([t]) => t === 'drop'));
      });
      it('on failure keeps the document: shapes fixed first, then marked and explained, and nothing there can fail', () => {
        const onFailure = pipeline.on_failure.map(body);
        assert.deepEqual(onFailure.map(([t, b]) => [t, b.tag]).slice(0, 3), [
          ['script', 'on_failure_shape_guard'],
          ['set', 'on_failure_kind'],
          ['append', 'on_failure_message'],
        ]);
        assert.equal(onFailure[1]![1]['value'], 'pipeline_error');
        assert.equal(onFailure[2]![1]['field'], 'error.message');
        assert.match(String(onFailure[2]![1]['value']), /\{\{\{_ingest\.on_failure_message\}\}\}/);
        assert.ok(onFailure.some(([t, b]) => t === 'set' && b['field'] === '@timestamp' && b['override'] === false), 'a data stream document needs @timestamp');
        for (const [type, b] of onFailure) assert.ok(b['ignore_failure'] === true || Array.isArray(b['on_failure']), `${type} ${b.tag} could fail`);
      });
      it('ends with the shape guard, over every declared field', () => {
        const [type, b] = body(pipeline.processors.at(-1)!);
        assert.equal(type, 'script');
        assert.equal(b.tag, 'shape_guard');
        const tree = (b['params'] as { tree: Record<string, Record<string, unknown>> }).tree;
        assert.equal((tree['process'] as Record<string, unknown>)['pid'] ?? (tree['winlog']!['process'] as Record<string, unknown>)['pid'], 'long');
        assert.equal((tree['evforge'] as Record<string, unknown>)['invalid'], 'disabled');
      });
      it('renames older names before anything reads the canonical ones', () => {
        const tags = pipeline.processors.map((p) => body(p)[1].tag!);
        const lastAlias = Math.max(...tags.map((t, i) => (t.startsWith('alias_') ? i : -1)));
        const firstReader = tags.findIndex((t) => t === 'render_message');
        assert.ok(def.fields.every((f) => f.aliases.every((a) => tags.includes(`alias_${a}`))));
        assert.ok(lastAlias < firstReader);
      });
      it('parses time_created keeping every fractional digit', () => {
        const date = pipeline.processors.map(body).find(([t]) => t === 'date')![1];
        assert.equal(date['output_format'], 'strict_date_optional_time_nanos');
        assert.equal(date['target_field'], '@timestamp');
      });
      it('does not set event.ingested by hand and appends categories', () => {
        assert.ok(!everything.some(([, b]) => b['field'] === 'event.ingested'));
        for (const f of ['event.category', 'event.type']) {
          const writers = everything.filter(([, b]) => b['field'] === f);
          assert.ok(writers.every(([t]) => t === 'append'), f);
        }
      });
      it(`uses only processors ${target} has`, () => {
        if (target === 'opensearch') assert.ok(!everything.some(([, b]) => 'copy_from' in b));
        else assert.ok(!everything.some(([t]) => t === 'copy'));
      });
      it('keeps definition text out of script sources', () => {
        const sources = everything.filter(([t]) => t === 'script').map(([, b]) => String(b['source']));
        for (const s of sources) for (const f of def.fields) assert.ok(!s.includes(f.name), `script source names ${f.name}`);
      });
    });
  }
}
