import assert from 'node:assert/strict';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import sec1102 from '../../../examples/eventlog-1102.ts';
import sec4624 from '../../../examples/security-auditing-4624.ts';
import sec4625 from '../../../examples/security-auditing-4625.ts';
import sec4776 from '../../../examples/security-auditing-4776.ts';
import { makeDataset } from '../../../src/definition/dataset.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { ENGINES } from '../../../src/generate/engines.ts';
import { ENGINE_NAMES } from '../../../src/terms.ts';
import { buildPipeline, scriptParams, sixtyFourBitPaths, type Processor } from '../../../src/generate/pipeline.ts';
import { helperFunctions, literal, splitPath } from '../../../src/generate/painless.ts';
import { messageLines } from '../../../src/generate/pipeline-data.ts';
import { loadPainless } from '../../../src/api/assets.ts';

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
      const dataset = makeDataset(defs[0]!.dataset, defs);
      const pipeline = buildPipeline(dataset, target, loadPainless());
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
      const paths = sixtyFourBitPaths(dataset).map((p) => p.field);
      it('writes the 64-bit values as exact text: in the script, and `convert`s where a script cannot see them', () => {
        const uint64 = defs.flatMap((d) => d.fields.filter((f) => f.type === 'UInt64').flatMap((f) => [f.name, ...f.aliases]));
        assert.deepEqual(paths.slice(0, 4), ['system.keywords', 'winlog.keywords', 'system.event_record_id', 'winlog.record_id']);
        assert.deepEqual(paths.slice(4).sort(), uint64.flatMap((n) => [`event_data.${n}`, `winlog.event_data.${n}`]).sort());
        const [type, normalize] = body(pipeline.processors.at(-1)!);
        assert.deepEqual([type, normalize.tag], ['script', 'normalize'], 'the normalization is the last processor: no time fallback after it');
        // The header's in the script by path; every event data value (a 64-bit field's too) by the script's loop over event data.
        for (const path of paths.slice(0, 4)) {
          const { parents, leaf } = splitPath(path);
          assert.ok(String(normalize['source']).includes(`exactText(${parents.reduce((e, k) => `sub(${e}, ${literal(k)})`, 'ctx')}, ${literal(leaf)});`), path);
        }
        assert.match(String(normalize['source']), /else if \(v instanceof List\) \{ exactText\(d, \(String\) e\.getKey\(\)\); \}/);
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
      /** The script's body: what follows the last function. */
      const mainBody = () => source.slice(source.indexOf('\nList errors = new ArrayList();'));
      it('uses the same script code for every data stream: the definitions are data in its params', () => {
        const other = buildPipeline(makeDataset('other', [loadDefinition(sink)]), target, loadPainless());
        const otherSource = body(other.processors.find((p) => body(p)[0] === 'script')!)[1]['source'];
        assert.equal(source, otherSource);
        for (const def of defs) {
          assert.ok(!source.includes(literal(def.name)), `${def.name} in the code`);
          for (const f of def.fields) assert.ok(!source.includes(`'${f.name}'`), `${f.name} in the code`);
        }
      });
      it('recognizes an event by one lookup of "provider|id", then its channel, or by the provider a GUID names', () => {
        assert.deepEqual(Object.keys(params.events).sort(), defs.map((d) => `${d.provider.name.toLowerCase()}|${d.eventId}`).sort());
        for (const def of defs) {
          const spec = params.events[`${def.provider.name.toLowerCase()}|${def.eventId}`]!;
          assert.equal(spec.name, def.name);
          assert.equal(spec.channel, def.channel.toLowerCase());
          assert.equal(params.guids[def.provider.guid.replace(/[{}]/g, '').toUpperCase()], def.provider.name.toLowerCase());
        }
        assert.match(source, /Object found = events\.get\(p \+ '\|' \+ String\.valueOf\(rawId\)\);/);
        assert.ok(!/if \(id == /.test(source), 'no chain of conditions on event ids');
      });
      it('gives each event only its own older names, action, message, null tokens and targets', () => {
        for (const def of defs) {
          const spec = params.events[`${def.provider.name.toLowerCase()}|${def.eventId}`]!;
          assert.deepEqual(spec.renames ?? {}, Object.fromEntries(def.fields.flatMap((f) => f.aliases.map((a) => [a, f.name]))));
          assert.equal(spec.action, def.ecs.action);
          assert.deepEqual(spec.category ?? [], def.ecs.category);
          assert.deepEqual(spec.type ?? [], def.ecs.type);
          assert.deepEqual(spec.nulls ?? {}, Object.fromEntries(def.fields.filter((f) => f.nullTokens.length).map((f) => [f.name, f.nullTokens])));
          assert.deepEqual((spec.ecs ?? []).map((t) => `${t.from}→${t.to}`), def.fields.flatMap((f) => f.ecs.map((t) => `${f.name}→${t.field}`)));
          assert.deepEqual(spec.fields, def.fields.map((f) => f.name));
          assert.deepEqual(spec.task, [String(def.task.value), def.task.name]);
        }
      });
      it('keeps the script body short: it names no event field and calls one function per stage', () => {
        // The JVM does not compile a method over 8 000 bytes of bytecode, and Painless makes the body one method.
        assert.ok(mainBody().split('\n').length < 100, `${mainBody().split('\n').length} lines`);
        assert.ok(mainBody().includes("if (spec != null) { steps(ctx, winlog, d, errors, spec, (Map) params.get('tables')); }"));
        assert.ok(mainBody().includes("if (spec != null) { fields(ctx, d, errors, spec, (Map) params.get('tables')); }"));
      });
      it('carries only the helpers each script calls, and both far under the engine\'s script size limit', () => {
        const helpers = helperFunctions(loadPainless().helpers);
        const sources = everything.filter(([t]) => t === 'script').map(([, b]) => String(b['source']));
        for (const text of sources) {
          assert.ok(Buffer.byteLength(text) < 40_000, `${Buffer.byteLength(text)} bytes`);
          for (const h of helpers) {
            const defined = text.includes(`\n${h.text.split('\n').find((l) => /^\S.*\(/.test(l))}`) || text.startsWith(h.text);
            const called = new RegExp(`\\b${h.name}\\(`).test(text.replace(h.text, ''));
            assert.equal(defined, called, `${h.name}: defined ${defined}, called ${called}`);
          }
        }
      });
      it('fills the header for every event: copies, the dataset, log.level from each level number', () => {
        assert.equal(params.dataset, dataset.name);
        assert.ok(source.includes("putAbsent(event, 'dataset', params.get('dataset'));"));
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
        assert.ok(at2('recognize(') < at2('steps(') && at2('steps(') < at2('timestamp(ctx, errors);') && at2('timestamp(ctx, errors);') < at2('fields(ctx'), 'recognized, its steps, the header and time, then its fields');
        assert.ok(at2('fields(ctx') < at2("guardAll(ctx, (Map) params.get('tree'), errors);"), 'the shape guard last');
        const fieldsFn = source.slice(source.indexOf('\nvoid fields('));
        assert.ok(fieldsFn.indexOf("ctx.put('message'") < fieldsFn.indexOf("spec.get('nulls')"));
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
    });
  }
}

describe('the pipeline\'s data', () => {
  it('writes a message as its template lines: %N inserts, %% for a percent sign, long lines cut into pieces', () => {
    assert.deepEqual(messageLines(['Rate: 50%', { insert: 1 }, '\nNext: ', { insert: 2 }, '5']), ['Rate: 50%%%1', 'Next: %2!s!5']);
    const long = 'word '.repeat(60).trim();
    const [line] = messageLines([long]);
    assert.ok(Array.isArray(line));
    assert.equal((line as string[]).join(''), long);
    assert.ok((line as string[]).every((p) => p.length <= 120));
  });
  it('keeps each target\'s conversion and the Windows range where it is narrower than a long', () => {
    const spec = scriptParams(makeDataset('windows.ntlm', [loadDefinition(ntlm)])).events['microsoft-windows-ntlm|8002']!;
    assert.deepEqual(spec.ecs?.find((t) => t.to === 'process.pid'), { from: 'CallerPID', to: 'process.pid', convert: 'long', type: 'UInt32', min: 0, max: 4294967295 });
    assert.deepEqual(spec.ecs?.find((t) => t.to === 'process.name'), { from: 'ProcessName', to: 'process.name', convert: 'basename' });
    assert.deepEqual(spec.ecs?.find((t) => t.to === 'related.user'), { from: 'ClientUserName', to: 'related.user', convert: 'copy', array: true });
  });
  it('writes each lookup table once, with hex keys in one form, for every definition that names it', () => {
    const defs = [sec1102, sec4624, sec4625, sec4776].map((d) => loadDefinition(d));
    const params = scriptParams(makeDataset('windows.security', defs));
    assert.deepEqual(Object.keys(params.tables).sort(), ['windows.audit_subcategories', 'windows.logon_status', 'windows.logon_types', 'windows.security_messages']);
    assert.equal(params.tables['windows.logon_status']!['0xc000006a'], 'User logon with misspelled or bad password');
    assert.ok(!('0xC000006A' in params.tables['windows.logon_status']!));
    const spec = params.events['microsoft-windows-security-auditing|4625']!;
    assert.deepEqual(spec.ecs?.filter((t) => t.convert === 'lookup').map((t) => `${t.from}→${t.to} (${t.table})`), [
      'Status→winlog.logon.failure.status (windows.logon_status)',
      'FailureReason→winlog.logon.failure.reason (windows.security_messages)',
      'FailureReason→event.reason (windows.security_messages)',
      'SubStatus→winlog.logon.failure.sub_status (windows.logon_status)',
      'LogonType→winlog.logon.type (windows.logon_types)',
    ]);
    assert.equal(spec.taskNames, 'windows.audit_subcategories');
    // The data is in the params, not in the code: the script is the same with or without tables.
    const source = (b: ReturnType<typeof makeDataset>) => JSON.stringify(buildPipeline(b, 'opensearch', loadPainless()).processors.map((p) => body(p)[1]['source']));
    assert.equal(source(makeDataset('windows.security', defs)), source(makeDataset('windows.ntlm', [loadDefinition(ntlm)])));
  });
  it('converts hex text (a Pointer, up to a long) and numeric text (derive integer) into long targets, checks IP addresses, reads UserData and the outcome field', () => {
    const params = scriptParams(makeDataset('windows.security', [sec1102, sec4624, sec4776].map((d) => loadDefinition(d))));
    const logon = params.events['microsoft-windows-security-auditing|4624']!;
    assert.deepEqual(logon.ecs?.find((t) => t.to === 'process.pid'), { from: 'ProcessId', to: 'process.pid', convert: 'long', type: 'Pointer', min: 0 });
    assert.deepEqual(logon.ecs?.find((t) => t.to === 'source.port'), { from: 'IpPort', to: 'source.port', convert: 'long' });
    assert.deepEqual(logon.ecs?.find((t) => t.to === 'source.ip'), { from: 'IpAddress', to: 'source.ip', convert: 'ip' });
    assert.deepEqual(params.events['microsoft-windows-security-auditing|4776']!.outcome, { field: 'Status', success: ['0x0'] });
    assert.deepEqual(params.events['microsoft-windows-eventlog|1102']!.userData, { element: 'LogFileCleared', namespace: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' });
    assert.deepEqual(params.keywords.map(([bit]) => bit), [48, 49, 50, 51, 52, 53, 54, 55]);
    assert.deepEqual(params.outcomes, { 'Audit Success': 'success', 'Audit Failure': 'failure' });
  });
  it('parses helpers.painless into functions, whole', () => {
    const helpers = helperFunctions(loadPainless().helpers);
    assert.ok(helpers.length > 20);
    assert.deepEqual(helpers.filter((h, i) => helpers.findIndex((x) => x.name === h.name) !== i), [], 'no function defined twice');
    const rebuilt = helpers.map((h) => h.text).join('\n');
    for (const line of loadPainless().helpers.split('\n')) if (line.trim()) assert.ok(rebuilt.includes(line), `lost: ${line}`);
  });
});

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

/**
 * Painless types what `Map.get` returns as `def`; an operator on a `def` value (`==` against anything
 * but null, `+`, `<`) is linked at run time, and its guard relinks through a caught exception when the
 * operand's type changes — on OpenSearch that cost a full stack trace per event and made the pipeline
 * five times slower than the hand-written baseline (bench/RESULTS.md, throughput). The scripts declare
 * no `def` and compare map values with `equals`.
 */
describe('the Painless sources stay statically typed', () => {
  const sources = loadPainless();
  const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const [name, text] of Object.entries(sources)) {
    it(`${name}.painless declares no def`, () => {
      assert.deepEqual(code(text).split('\n').filter((l) => /\bdef\b/.test(l)), []);
    });
    it(`${name}.painless applies no operator to a map value other than a null check`, () => {
      const dynamic = code(text).split('\n').filter((l) => /\.get\([^()]*\)\s*(?:[=!]=(?!\s*null\b)|[+<>*/-]\s*[^\s=])|(?:[=!]=|[+<>*/-])\s*\w+\.get\(/.test(l));
      assert.deepEqual(dynamic, []);
    });
  }
});
