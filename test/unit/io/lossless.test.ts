import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inspectJson, keysMayRepeat, prepareEvent, repairPaths } from '../../../src/io/lossless.ts';

/**
 * Replay's shortcuts must never skip a repair: the cheap tests that decide whether an event's text
 * is searched closely (keysMayRepeat from the parsed value, the number pre-check inside
 * prepareEvent) are checked here against the full search, on hostile JSON text.
 */

// JSON text as people and tools write it: keys that repeat (also through escapes), strings holding
// `":` and escaped quotes, numbers of every kind, whitespace around colons, nesting.
const ws = fc.constantFrom('', ' ', '\n  ', '\t');
const key = fc.constantFrom('a', 'b', 'CallerPID', '\\u0061', '__proto__', 'x\\"y', 'k\\\\');
const number = fc.oneof(
  fc.constantFrom('0', '-0', '-0.0', '1.5', '1E2', '1e400', '4.9e-325', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551615', '123456789012345678'),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
);
const string = fc.oneof(fc.constantFrom('a":1,', '":', '\\":', '1.5,', 't: 1.5}', '[-0]'), fc.string({ maxLength: 8 })).map((s) => JSON.stringify(s));
const json: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, number, string, fc.constantFrom('true', 'null'), tie('object'), fc.array(tie('value'), { maxLength: 3 }).map((a) => `[${a.join(',')}]`)),
  object: fc
    .array(fc.tuple(key, ws, ws, tie('value')), { maxLength: 5 })
    .map((entries) => `{${entries.map(([k, before, after, v]) => `"${k}"${before}:${after}${v}`).join(',')}}`),
})).object;

describe('replay’s cheap checks agree with the full search of an event’s text', () => {
  const samples = fc.sample(json, { seed: 20261202, numRuns: 3000 });

  it('keysMayRepeat says "may" for every text in which a key repeats', () => {
    let repeats = 0;
    for (const text of samples) {
      const repeat = inspectJson(text).some((f) => f.kind === 'duplicate');
      if (repeat) repeats++;
      if (repeat) assert.ok(keysMayRepeat(text, JSON.parse(text)), text);
    }
    assert.ok(repeats > 300, `only ${repeats} samples repeat a key`);
  });

  it('prepareEvent told that no key repeats makes the same repair as the full search', () => {
    let repaired = 0;
    for (const text of samples) {
      const full = prepareEvent(text);
      const quick = prepareEvent(text, { keysMayRepeat: keysMayRepeat(text, JSON.parse(text)) });
      assert.deepEqual(quick, full, text);
      if (full) repaired++;
    }
    assert.ok(repaired > 1000, `only ${repaired} samples needed a repair`);
  });

  it('counts what it changed, and repairPaths names it', () => {
    const text = '{"a":1.5,"b":{"c":18446744073709551615,"c":"x"},"d":[-0],"e":"1.5,"}';
    const r = prepareEvent(text);
    assert.equal(r?.numbersAsText, 3);
    assert.equal(r?.duplicates, 1);
    assert.deepEqual(repairPaths(text), { numbersAsText: ['a', 'b.c', 'd[0]'], duplicates: ['b.c'] });
    assert.equal(prepareEvent('{"a":"1.5,","b":[1,2]}', { keysMayRepeat: false }), undefined, 'numbers inside strings are not numbers');
  });

  it('counts the keys of a deeply nested value without running out of stack', () => {
    const depth = 100_000;
    const text = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    assert.equal(keysMayRepeat(text, JSON.parse(text)), false);
  });
});
