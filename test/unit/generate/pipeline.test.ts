import assert from 'node:assert/strict';
import ntlm from '../../../examples/ntlm-8002.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { loadDefinition } from '../../../src/definition/normalize.ts';
import { TARGETS } from '../../../src/generate/engines.ts';
import { buildPipeline, normalizeParams, type Processor } from '../../../src/generate/pipeline.ts';

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
        const date = onFailure.find(([t]) => t === 'date')![1];
        assert.equal(date['output_format'], 'strict_date_optional_time_nanos');
        assert.ok(onFailure.some(([t, b]) => t === 'set' && b['field'] === '@timestamp'), 'a data stream document needs @timestamp');
        for (const [type, b] of onFailure) assert.ok(b['ignore_failure'] === true || Array.isArray(b['on_failure']), `${type} ${b.tag} could fail`);
      });
      it('is three processors: the keyword mask as text, the normalization script, the time fallback', () => {
        assert.deepEqual(pipeline.processors.map((p) => body(p)).map(([t, b]) => [t, b.tag]), [
          ['convert', 'text_keywords'],
          ['script', 'normalize'],
          ['set', 'timestamp_fallback'],
        ]);
      });
      const params = body(pipeline.processors[1]!)[1]['params'] as ReturnType<typeof normalizeParams>;
      it('hands the script everything as params: aliases, null tokens, targets, the shape tree', () => {
        assert.deepEqual(params, normalizeParams(def));
        for (const f of def.fields) for (const a of f.aliases) assert.ok(params.aliases.some((x) => x.from === a && x.to === f.name), a);
        for (const f of def.fields.filter((x) => x.nullTokens.length)) assert.deepEqual(params.nullTokens[f.name], [...f.nullTokens]);
        assert.equal(params.targets.length, def.fields.reduce((n, f) => n + f.ecs.length, 0));
        const tree = params.tree as Record<string, Record<string, unknown>>;
        assert.equal((tree['evforge'] as Record<string, unknown>)['invalid'], 'disabled');
        assert.equal(((tree['winlog']!['event_data'] as Record<string, unknown>)[def.fields[0]!.name]), 'keyword');
      });
      it('renames older names before anything reads event data, and renders the message before dropping null tokens', () => {
        const source = String(body(pipeline.processors[1]!)[1]['source']);
        const at = (marker: string) => source.indexOf(marker);
        assert.ok(at('params.aliases') < at('params.parts'));
        assert.ok(at('params.parts') < at('params.nullTokens'));
        assert.ok(at('params.nullTokens') < at('params.targets'));
        assert.ok(at('params.targets') < at('guard(ctx, ctx'));
      });
      it('does not set event.ingested by hand and appends categories', () => {
        const writes = [...params.defaults.map((x) => x.path), ...params.copies.map((x) => x.to), ...params.appends.map((x) => x.path), ...params.targets.map((x) => x.to)].map((p) => p.join('.'));
        assert.ok(!writes.includes('event.ingested') && !everything.some(([, b]) => b['field'] === 'event.ingested'));
        assert.deepEqual(params.appends.map((a) => a.path.join('.')), [def.ecs.category.length ? 'event.category' : undefined, def.ecs.type.length ? 'event.type' : undefined].filter(Boolean));
      });
      it(`uses only processors ${target} has`, () => {
        assert.ok(!everything.some(([, b]) => 'copy_from' in b));
        assert.ok(!everything.some(([t]) => t === 'copy'));
      });
      it('keeps definition text out of script sources', () => {
        const sources = everything.filter(([t]) => t === 'script').map(([, b]) => String(b['source']));
        for (const s of sources) for (const f of def.fields) assert.ok(!s.includes(f.name), `script source names ${f.name}`);
      });
    });
  }
}
