import assert from 'node:assert/strict';
import { ConditionError, detectionQuery, expandPattern, parseCondition, parseWildcards, withGuard, type FieldResolver, type Query } from '../../../src/rules/sigma.ts';
import type { SigmaSelection } from '../../../src/terms.ts';

describe('Sigma conditions', () => {
  const cases: [string, unknown][] = [
    ['selection', { kind: 'ref', name: 'selection' }],
    ['a and b', { kind: 'and', items: [{ kind: 'ref', name: 'a' }, { kind: 'ref', name: 'b' }] }],
    ['a or b and c', { kind: 'or', items: [{ kind: 'ref', name: 'a' }, { kind: 'and', items: [{ kind: 'ref', name: 'b' }, { kind: 'ref', name: 'c' }] }] }],
    ['not a and b', { kind: 'and', items: [{ kind: 'not', item: { kind: 'ref', name: 'a' } }, { kind: 'ref', name: 'b' }] }],
    ['not (a or b)', { kind: 'not', item: { kind: 'or', items: [{ kind: 'ref', name: 'a' }, { kind: 'ref', name: 'b' }] } }],
    ['1 of sel*', { kind: 'of', quantifier: 'any', pattern: 'sel*' }],
    ['all of them', { kind: 'of', quantifier: 'all', pattern: 'them' }],
    ['A AND NOT b', { kind: 'and', items: [{ kind: 'ref', name: 'A' }, { kind: 'not', item: { kind: 'ref', name: 'b' } }] }],
  ];
  for (const [source, expected] of cases) it(`parses "${source}"`, () => assert.deepEqual(parseCondition(source), expected));

  for (const bad of ['a and', '(a', 'a b', '2 of x', 'sel* and a', 'a ) b', 'a - b']) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseCondition(bad), ConditionError));
  }

  it('expands patterns, and "them" skips names starting with _', () => {
    assert.deepEqual(expandPattern('sel_*', ['sel_a', 'sel_b', 'filter']), ['sel_a', 'sel_b']);
    assert.deepEqual(expandPattern('them', ['a', '_hidden']), ['a']);
  });
});

describe('Sigma values', () => {
  it('splits wildcards and honours \\* \\? \\\\ escapes', () => {
    assert.deepEqual(parseWildcards('a*b?c\\*d\\?e\\\\f\\g'), ['a', { wildcard: '*' }, 'b', { wildcard: '?' }, 'c*d?e\\f\\g']);
  });

  const resolve: FieldResolver = (name) => ({ EventID: { name: 'event.code', type: 'keyword' as const }, Image: { name: 'img', type: 'keyword' as const }, Pid: { name: 'pid', type: 'long' as const } })[name];
  const q = (selection: SigmaSelection, condition = 'sel'): Query => detectionQuery({ sel: selection, condition }, resolve);

  it('compares numbers with keyword fields as text, and with numeric fields as numbers', () => {
    assert.deepEqual(q({ EventID: 8002 }), { kind: 'equals', field: { name: 'event.code', type: 'keyword' }, value: '8002', cased: true });
    assert.deepEqual(q({ Pid: 4 }), { kind: 'equals', field: { name: 'pid', type: 'long' }, value: 4, cased: true });
  });
  it('turns contains / startswith / endswith into wildcard patterns, case-insensitive', () => {
    assert.deepEqual(q({ 'Image|endswith': '\\cmd.exe' }), { kind: 'wildcard', field: { name: 'img', type: 'keyword' }, pattern: [{ wildcard: '*' }, '\\cmd.exe'], cased: false });
  });
  it('lists are OR, |all makes them AND', () => {
    assert.equal(q({ Image: ['a', 'b'] }).kind, 'or');
    assert.equal(q({ 'Image|contains|all': ['a', 'b'] }).kind, 'and');
  });
  it('null means the field is absent', () => {
    assert.deepEqual(q({ Image: null }), { kind: 'not', item: { kind: 'exists', field: { name: 'img', type: 'keyword' } } });
  });
  it('adds the guard once, not twice', () => {
    const guard = { kind: 'equals', field: { name: 'ch', type: 'keyword' }, value: 'X', cased: true } as const;
    const once = withGuard(q({ EventID: 1 }), guard);
    assert.equal(once.kind, 'and');
    assert.deepEqual(withGuard(once, guard), once);
  });
});
