import assert from 'node:assert/strict';
import { stableJson, stableJsonLine } from '../../../src/json.ts';
import { InternalError } from '../../../src/errors.ts';

describe('the stable JSON serializer', () => {
  it('sorts object keys at every level and keeps array order', () => {
    assert.equal(stableJson({ b: 1, a: { d: [3, 1, 2], c: null } }), '{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1,\n      2\n    ]\n  },\n  "b": 1\n}\n');
  });
  it('gives the same bytes whatever order keys were inserted in', () => {
    assert.equal(stableJson({ x: 1, y: { p: 1, q: 2 } }), stableJson({ y: { q: 2, p: 1 }, x: 1 }));
  });
  it('writes bigints exactly, beyond 2^53', () => {
    assert.equal(stableJsonLine({ k: 9223372036854775808n }), '{"k":9223372036854775808}');
  });
  it('prints empty containers compactly and drops undefined members', () => {
    assert.equal(stableJson({ a: {}, b: [], c: undefined }), '{\n  "a": {},\n  "b": []\n}\n');
  });
  it('keeps a __proto__ key as an ordinary key', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    assert.equal(stableJsonLine(value), '{"__proto__":{"x":1},"a":2}');
  });
  it('writes lossless numbers digit for digit, negative and fractional too', () => {
    assert.equal(stableJsonLine([{ isLosslessNumber: true, value: '-1.00000000000000000001e-5' }, -12345678901234567890n]), '[-1.00000000000000000001e-5,-12345678901234567890]');
  });
  it('refuses values JSON cannot carry', () => {
    assert.throws(() => stableJson({ n: Number.NaN }), InternalError);
    assert.throws(() => stableJson({ f: () => 1 }), InternalError);
  });
});
