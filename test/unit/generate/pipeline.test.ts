import assert from 'node:assert/strict';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { makeBundle } from '../../../src/definition/bundle.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { ENGINES, ENGINE_NAMES } from '../../../src/generate/engines.ts';
import { buildPipeline, scriptParams, sixtyFourBitPaths, type Processor } from '../../../src/generate/pipeline.ts';
import { literal, splitPath } from '../../../src/generate/painless.ts';
import { loadPainless } from '../../../src/io/templates.ts';

type Body = Record<string, unknown> & { tag?: string; on_failure?: Processor[] };
const body = (p: Processor): [string, Body] => Object.entries(p as object)[0] as [string, Body];

/** Processors including the ones nested in on_failure handlers. */
function all(list: readonly Processor[]): [string, Body][] {
  return list.flatMap((p) => {
    const [type, b] = body(p);
    return [[type, b] as [string, Body], ...all(b.on_failure ?? [])];
  });
}

for (const target of ENGINE_NAMES) {
  const channel = [ntlm8001, ntlm, ntlm8003, ntlm8004].map((d) => loadDefinition(d));
  const kitchen = [loadDefinition(sink)];
  for (const [name, defs] of [['the NTLM channel', channel], ['kitchen-sink', kitchen]] as const) {
    describe(`the ${target} pipeline of ${name}`, () => {
      const bundle = makeBundle(defs[0]!.dataset, defs);
      const pipeline = buildPipeline(bundle, target, loadPainless());
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
        assert.match(String(onFailure[0]![1]['source']), /timestamp\(ctx, errors\);/, 'the failure handler checks @timestamp');
        assert.ok(onFailure.some(([t, b]) => t === 'set' && b['field'] === '@timestamp'), 'a data stream document needs @timestamp');
        for (const [type, b] of onFailure) assert.ok(b['ignore_failure'] === true || Array.isArray(b['on_failure']), `${type} ${b.tag} could fail`);
      });
      const caps = ENGINES[target];
      const paths = sixtyFourBitPaths(bundle).map((p) => p.field);
      it('writes the 64-bit values as exact text: every path in the script, and `convert`s where a script cannot see them', () => {
        const uint64 = defs.flatMap((d) => d.fields.filter((f) => f.type === 'UInt64').flatMap((f) => [f.name, ...f.aliases]));
        assert.deepEqual(paths.slice(0, 4), ['system.keywords', 'winlog.keywords', 'system.event_record_id', 'winlog.record_id']);
        assert.deepEqual(paths.slice(4).sort(), uint64.flatMap((n) => [`event_data.${n}`, `winlog.event_data.${n}`]).sort());
        const [type, normalize] = body(pipeline.processors.at(-1)!);
        assert.deepEqual([type, normalize.tag], ['script', 'normalize'], 'the normalization is the last processor: no time fallback after it');
        for (const path of paths) {
          const { parents, leaf } = splitPath(path);
          assert.ok(String(normalize['source']).includes(`exactText(${parents.reduce((e, k) => `sub(${e}, ${literal(k)})`, 'ctx')}, ${literal(leaf)});`), path);
        }
        const converts = (list: readonly Processor[]) => list.filter((p) => body(p)[0] === 'convert').map((p) => body(p)[1]['field']);
        if (caps.scriptOnCopy) {
          // Only the raw mask, and only when it is a number, before the script; the rest on its failure path.
          assert.deepEqual(converts(pipeline.processors), ['system.keywords']);
          assert.match(String(body(pipeline.processors[0]!)[1]['if']), /s\.keywords instanceof Number/);
          const handler = normalize.on_failure ?? [];
          assert.deepEqual(converts(handler), paths);
          const [againType, again] = body(handler.at(-1)!);
          assert.equal(againType, 'script');
          assert.deepEqual([again['source'], again['params'], again.on_failure], [normalize['source'], normalize['params'], undefined], 'the same script runs again, once');
        } else {
          assert.deepEqual(converts(pipeline.processors), paths);
          assert.equal(normalize.on_failure, undefined);
        }
      });
      const script = pipeline.processors.find((p) => body(p)[0] === 'script')!;
      const params = body(script)[1]['params'] as ReturnType<typeof scriptParams>;
      const source = String(body(script)[1]['source']);
      const at = (marker: string, from = 0) => {
        const i = source.indexOf(marker, from);
        assert.ok(i >= 0, marker);
        return i;
      };
      it('dispatches by lowercased provider and event id, in the event\'s channel, to each event\'s own steps', () => {
        defs.forEach((def) => {
          const provider = at(`if (p == ${literal(def.provider.name.toLowerCase())}) {`);
          const id = at(`if (id == ${literal(String(def.eventId))}) {`, provider);
          assert.ok(at(`chan == ${literal(def.channel.toLowerCase())} ? ${bundle.events.indexOf(def)} : -1;`, id) > id);
          assert.ok(source.includes(`if (g == ${literal(def.provider.guid.replace(/[{}]/g, '').toUpperCase())}) {`), 'recognized by GUID when the name is missing');
        });
      });
      /** The text of a generated function, from its signature to its closing brace. */
      const fn = (name: string) => {
        const start = at(`\nvoid ${name}(`);
        return source.slice(start, source.indexOf('\n}\n', start));
      };
      /** The script's body: what follows the last function. */
      const mainBody = () => source.slice(source.indexOf('\nList errors = new ArrayList();'));
      it('gives each event only its own older names, action, message, null tokens and targets, in functions of its own', () => {
        bundle.events.forEach((def, n) => {
          const steps = fn(`steps${n}`);
          const fields = fn(`fields${n}`);
          for (const f of def.fields) for (const a of f.aliases) assert.ok(steps.includes(`alias(ctx, d, errors, ${literal(a)}, ${literal(f.name)});`));
          assert.ok(steps.includes(`putAbsent(make(ctx, 'event'), 'action', ${literal(def.ecs.action)});`));
          for (const c of def.ecs.category) assert.ok(steps.includes(`appendNew(make(ctx, 'event'), 'category', ${literal(c)});`));
          for (const f of def.fields) for (const t of f.nullTokens) assert.ok(fields.includes(`d.get(${literal(f.name)}) == ${literal(t)}`));
          for (const f of def.fields) for (const t of f.ecs) assert.ok(fields.includes(`quarantine(ctx, ${literal(t.field)}, `), `${def.name}: ${f.name} → ${t.field}`);
          assert.ok(fields.includes(`mark(ctx, 'event', ${literal(def.name)});`));
          const others = bundle.events.filter((o) => o !== def).flatMap((o) => o.fields.map((f) => f.name)).filter((x) => !def.fields.some((f) => f.name === x));
          for (const x of others) assert.ok(!fields.includes(`d.get(${literal(x)})`), `${def.name} reads ${x}, a field of another event`);
          assert.ok(mainBody().includes(`if (which == ${n}) { steps${n}(ctx, winlog, d, errors); }`) && mainBody().includes(`if (which == ${n}) { fields${n}(ctx, d, errors); }`));
        });
      });
      it('keeps the script body short whatever the definitions: it names no event field, only calls each event\'s functions', () => {
        // The JVM does not compile a method over 8 000 bytes of bytecode, and Painless makes the body one method.
        for (const def of defs) for (const f of def.fields) assert.ok(!mainBody().includes(literal(f.name)), `${f.name} in the body`);
        assert.ok(mainBody().split('\n').length < 100 + 2 * bundle.events.length, `${mainBody().split('\n').length} lines`);
      });
      it('fills the header for every event: copies, the dataset, log.level from each level number', () => {
        assert.ok(source.includes(`putAbsent(event, 'dataset', ${literal(bundle.dataset)});`));
        assert.deepEqual(params.levels, { '0': 'information', '1': 'critical', '2': 'error', '3': 'warning', '4': 'information', '5': 'verbose' });
        const tree = params.tree as Record<string, Record<string, unknown>>;
        assert.equal((tree['evforge'] as Record<string, unknown>)['invalid'], 'disabled');
        assert.equal((tree['evforge'] as Record<string, unknown>)['unrecognized'], 'boolean');
        for (const def of defs) assert.equal(((tree['winlog']!['event_data'] as Record<string, unknown>)[def.fields[0]!.name]), 'keyword');
      });
      it('renames older names before anything reads event data, and renders the message before dropping null tokens', () => {
        const main = mainBody();
        const at2 = (marker: string) => {
          const i = main.indexOf(marker);
          assert.ok(i >= 0, marker);
          return i;
        };
        assert.ok(at2('recognize(p, id, chan)') < at2('steps0(') && at2('steps0(') < at2('timestamp(ctx, errors);') && at2('timestamp(ctx, errors);') < at2('fields0('), 'recognized, its steps, the header and time, then its fields');
        assert.ok(at2('fields0(') < at2('guardAll(ctx, params.tree, errors);'), 'the shape guard last');
        bundle.events.forEach((def, n) => {
          const fields = fn(`fields${n}`);
          if (def.fields.some((f) => f.nullTokens.length)) assert.ok(fields.indexOf("ctx.put('message'") < fields.indexOf(') instanceof String && ('));
        });
      });
      it('gives an event with no time of its own the ingest time in the script', () => {
        assert.match(mainBody(), /timestamp\(ctx, errors\);\nif \(ctx\.get\('@timestamp'\) == null\) \{ ctx\.put\('@timestamp', printUtc\(Instant\.ofEpochMilli\(System\.currentTimeMillis\(\)\)/);
      });
      it('does not set event.ingested by hand', () => {
        assert.ok(!source.includes("'ingested'") && !everything.some(([, b]) => b['field'] === 'event.ingested'));
      });
      it(`uses only processors ${target} has`, () => {
        assert.ok(!everything.some(([, b]) => 'copy_from' in b));
        assert.ok(!everything.some(([t]) => t === 'copy'));
      });
      it('writes definition text into script sources only as escaped literals', () => {
        for (const def of defs) for (const f of def.fields) assert.ok(source.includes(`d.get(${literal(f.name)})`) || source.includes(`insert(d, ${literal(f.name)})`) || f.ecs.length === 0, f.name);
      });
    });
  }
}

describe('Painless literals', () => {
  const cases: [string, string][] = [
    ['plain', "'plain'"],
    ["it's a \\ path", "'it\\'s a \\\\ path'"],
    ['', "''"],
    ['a\nb', "'a' + String.valueOf((char) 10) + 'b'"],
    ['\u2028x', "String.valueOf((char) 8232) + 'x'"],
    ['😀 é', "'😀 é'"],
    ['\ud800', 'String.valueOf((char) 55296)'],
  ];
  for (const [text, expected] of cases) it(`writes ${JSON.stringify(text)} as ${expected}`, () => assert.equal(literal(text), expected));
  it('never lets a quote, a backslash or a line break end the literal', () => {
    for (const text of ["'; ctx.clear(); '", "\\'", '\\', '\r\n', "*/ ctx.clear(); /*"]) {
      const code = literal(text);
      assert.ok(!/[\r\n\u2028\u2029]/.test(code), code);
      // Outside the quotes there is only ` + String.valueOf((char) n) + `.
      const outside = code.replace(/'(?:\\\\|\\'|[^\\'])*'/g, '');
      assert.match(outside, /^(?:String\.valueOf\(\(char\) \d+\)| \+ )*$/, code);
    }
  });
});
