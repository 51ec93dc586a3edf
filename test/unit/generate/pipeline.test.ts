import assert from 'node:assert/strict';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { makeBundle } from '../../../src/definition/bundle.ts';
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
  const channel = [ntlm8001, ntlm, ntlm8003, ntlm8004].map((d) => loadDefinition(d));
  const kitchen = [loadDefinition(sink)];
  for (const [name, defs] of [['the NTLM channel', channel], ['kitchen-sink', kitchen]] as const) {
    describe(`the ${target} pipeline of ${name}`, () => {
      const bundle = makeBundle(defs[0]!.dataset, defs);
      const pipeline = buildPipeline(bundle, target);
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
      it('dispatches by lowercased provider and event id to each event\'s own steps, and only those', () => {
        assert.deepEqual(Object.keys(params.events).sort(), defs.map((d) => `${d.provider.name.toLowerCase()}|${d.eventId}`).sort());
        for (const def of defs) {
          const spec = params.events[`${def.provider.name.toLowerCase()}|${def.eventId}`]!;
          assert.equal(spec.name, def.name);
          assert.equal(spec.channel, def.channel.toLowerCase());
          assert.deepEqual(spec.aliases, def.fields.flatMap((f) => f.aliases.map((a) => ({ from: a, to: f.name }))));
          for (const f of def.fields.filter((x) => x.nullTokens.length)) assert.deepEqual(spec.nullTokens[f.name], [...f.nullTokens]);
          assert.deepEqual(Object.keys(spec.nullTokens).sort(), def.fields.filter((x) => x.nullTokens.length).map((f) => f.name).sort());
          assert.equal(spec.targets.length, def.fields.reduce((n, f) => n + f.ecs.length, 0));
          assert.deepEqual(spec.targets.map((t) => t.field).filter((f) => !def.fields.some((x) => x.name === f)), [], 'a target reads only its own event\'s fields');
          assert.deepEqual(spec.defaults, [{ path: ['event', 'action'], value: def.ecs.action }]);
          assert.equal(params.guids[def.provider.guid.replace(/[{}]/g, '').toUpperCase()], def.provider.name.toLowerCase());
        }
      });
      it('fills the header for every event: copies, the dataset, log.level from each level number', () => {
        assert.deepEqual(params.defaults.map((d) => d.path.join('.')), ['event.kind', 'event.module', 'event.dataset']);
        assert.equal(params.defaults[2]!.value, bundle.dataset);
        assert.deepEqual(params.levels, { '0': 'information', '1': 'critical', '2': 'error', '3': 'warning', '4': 'information', '5': 'verbose' });
        const tree = params.tree as Record<string, Record<string, unknown>>;
        assert.equal((tree['evforge'] as Record<string, unknown>)['invalid'], 'disabled');
        assert.equal((tree['evforge'] as Record<string, unknown>)['unrecognized'], 'boolean');
        for (const def of defs) assert.equal(((tree['winlog']!['event_data'] as Record<string, unknown>)[def.fields[0]!.name]), 'keyword');
      });
      it('renames older names before anything reads event data, and renders the message before dropping null tokens', () => {
        const source = String(body(pipeline.processors[1]!)[1]['source']);
        const at = (marker: string) => {
          const i = source.indexOf(marker);
          assert.ok(i >= 0, marker);
          return i;
        };
        assert.ok(at('spec.aliases') < at('spec.parts'));
        assert.ok(at('spec.parts') < at('spec.nullTokens'));
        assert.ok(at('spec.nullTokens') < at('spec.targets'));
        assert.ok(at('spec.targets') < at('guard(ctx, ctx'));
        assert.ok(at('params.events.get') < at('spec.aliases'), 'the event is recognized before its steps run');
      });
      it('does not set event.ingested by hand and appends categories', () => {
        for (const def of defs) {
          const spec = params.events[`${def.provider.name.toLowerCase()}|${def.eventId}`]!;
          const writes = [...params.defaults.map((x) => x.path), ...params.copies.map((x) => x.to), ...spec.appends.map((x) => x.path), ...spec.targets.map((x) => x.to)].map((p) => p.join('.'));
          assert.ok(!writes.includes('event.ingested') && !everything.some(([, b]) => b['field'] === 'event.ingested'));
          assert.deepEqual(spec.appends.map((a) => a.path.join('.')), [def.ecs.category.length ? 'event.category' : undefined, def.ecs.type.length ? 'event.type' : undefined].filter(Boolean));
        }
      });
      it(`uses only processors ${target} has`, () => {
        assert.ok(!everything.some(([, b]) => 'copy_from' in b));
        assert.ok(!everything.some(([t]) => t === 'copy'));
      });
      it('keeps definition text out of script sources', () => {
        const sources = everything.filter(([t]) => t === 'script').map(([, b]) => String(b['source']));
        for (const s of sources) for (const def of defs) for (const f of def.fields) assert.ok(!s.includes(f.name), `script source names ${f.name}`);
      });
    });
  }
}
