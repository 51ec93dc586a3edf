import assert from 'node:assert/strict';
import { dictOf, isKeyOf, isOneOf, isRecord, listOf, messageOf, recordOf, textOf, valueAt } from '../../src/guards.ts';

describe('guards: checked readers of parsed values', () => {
  it('isRecord: objects only, not null or arrays', () => {
    assert.deepEqual([{}, { a: 1 }, new Error('x')].map(isRecord), [true, true, true]);
    assert.deepEqual([null, undefined, [], 'x', 1].map(isRecord), [false, false, false, false, false]);
  });

  it('valueAt walks objects and array indexes, undefined as soon as a step is missing', () => {
    const body = { template: { mappings: { properties: { a: 1 } } }, list: [{ name: 'x' }] };
    assert.deepEqual(valueAt(body, 'template', 'mappings', 'properties'), { a: 1 });
    assert.equal(valueAt(body, 'list', '0', 'name'), 'x');
    assert.equal(valueAt(body, 'list', 'length'), undefined);
    assert.equal(valueAt(body, 'template', 'settings', 'index'), undefined);
    assert.equal(valueAt('text', 'length'), undefined);
  });

  it('isOneOf and isKeyOf check membership (own keys only)', () => {
    assert.ok(isOneOf(['a', 'b'] as const, 'b'));
    assert.ok(!isOneOf(['a', 'b'] as const, 'c'));
    assert.ok(isKeyOf({ a: 1 }, 'a'));
    assert.ok(!isKeyOf({ a: 1 }, 'toString'));
    assert.ok(!isKeyOf({ a: 1 }, {}));
  });

  it('recordOf has one entry per key', () => {
    assert.deepEqual(recordOf(['x', 'y'], (k) => k.toUpperCase()), { x: 'X', y: 'Y' });
  });

  it('listOf and dictOf read every item, or nothing when one does not read', () => {
    assert.deepEqual(listOf(['a', 'b'], textOf), ['a', 'b']);
    assert.equal(listOf(['a', 1], textOf), undefined);
    assert.equal(listOf({ 0: 'a' }, textOf), undefined);
    assert.deepEqual(dictOf({ a: 'x' }, textOf), { a: 'x' });
    assert.equal(dictOf({ a: 1 }, textOf), undefined);
    assert.ok(Object.hasOwn(dictOf(JSON.parse('{"__proto__":"x"}'), textOf) ?? {}, '__proto__'), '__proto__ stays an own key');
  });

  it('messageOf names whatever was thrown', () => {
    assert.equal(messageOf(new TypeError('bad')), 'bad');
    assert.equal(messageOf('plain'), 'plain');
  });
});
