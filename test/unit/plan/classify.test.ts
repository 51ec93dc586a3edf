import assert from 'node:assert/strict';
import { bumpSuffices, bumped, classifyMappings, requiredBump, type SchemaChange } from '../../../src/plan/classify.ts';

const kw = { type: 'keyword', ignore_above: 1024 };
const base = { event: 'e', engine: 'any' as const };
const summarize = (changes: SchemaChange[]) => changes.map((c) => [c.severity, c.path, c.summary]);

describe('mapping change classification', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, [string, string, string][]][] = [
    ['a new field is compatible', { a: kw }, { a: kw, b: { type: 'long' } }, [['compatible', 'b', 'new field (long)']]],
    ['a removed field is breaking', { a: kw, b: { type: 'long' } }, { a: kw }, [['breaking', 'b', 'field removed (was long)']]],
    ['a changed type is breaking', { a: kw }, { a: { type: 'long' } }, [['breaking', 'a', 'type keyword → long']]],
    ['… in both directions', { a: { type: 'long' } }, { a: kw }, [['breaking', 'a', 'type long → keyword']]],
    ['a new alias is compatible', { a: kw }, { a: kw, old: { type: 'alias', path: 'a' } }, [['compatible', 'old', 'new alias → a']]],
    ['a removed alias no rule uses is compatible', { a: kw, old: { type: 'alias', path: 'a' } }, { a: kw }, [['compatible', 'old', 'alias removed']]],
    ['a new multi-field is compatible', { a: kw }, { a: { ...kw, fields: { text: { type: 'match_only_text' } } } }, [['compatible', 'a.text', 'new multi-field (match_only_text)']]],
    ['a removed multi-field is breaking', { a: { ...kw, fields: { text: { type: 'text' } } } }, { a: kw }, [['breaking', 'a.text', 'multi-field removed']]],
    ['a lower ignore_above truncates: breaking', { a: kw }, { a: { type: 'keyword', ignore_above: 256 } }, [['breaking', 'a', 'ignore_above 1024 → 256']]],
    ['a higher ignore_above is compatible', { a: { type: 'keyword', ignore_above: 256 } }, { a: kw }, [['compatible', 'a', 'ignore_above 256 → 1024']]],
    ['nested objects are compared by their leaves', { o: { properties: { x: kw } } }, { o: { properties: { x: kw, y: kw } } }, [['compatible', 'o.y', 'new field (keyword)']]],
    ['an unchanged mapping has no change', { a: kw, o: { properties: { x: { type: 'long' } } } }, { o: { properties: { x: { type: 'long' } } }, a: kw }, []],
  ];
  for (const [name, before, after, expected] of cases) {
    it(name, () => assert.deepEqual(summarize(classifyMappings(before, after, base)), expected));
  }

  it('a removed alias that a rule still uses is breaking, by index path or Sigma name; unused, it is compatible', () => {
    const before = { winlog: { properties: { event_data: { properties: { Name: kw, Old_name: { type: 'alias', path: 'winlog.event_data.Name' } } } } } };
    const after = { winlog: { properties: { event_data: { properties: { Name: kw } } } } };
    for (const used of ['winlog.event_data.Old_name', 'Old_name']) {
      const changes = classifyMappings(before, after, { ...base, ruleFields: new Set([used]) });
      assert.deepEqual(changes.map((c) => [c.severity, c.path, c.summary]), [['breaking', 'winlog.event_data.Old_name', 'alias removed']], used);
      assert.match(changes[0]!.why!, /rule still uses/);
    }
    const unused = classifyMappings(before, after, { ...base, ruleFields: new Set(['winlog.event_data.Name', 'Other']) });
    assert.deepEqual(unused.map((c) => [c.severity, c.path]), [['compatible', 'winlog.event_data.Old_name']]);
  });

  it('against an existing index, fields the index has but the template lacks are not removals', () => {
    assert.deepEqual(classifyMappings({ a: kw, dynamic_one: kw }, { a: kw }, { ...base, againstIndex: true }), []);
  });

  it('every breaking change says why', () => {
    const all = classifyMappings({ a: kw, b: kw, c: { ...kw, fields: { t: { type: 'text' } } } }, { a: { type: 'long' }, c: kw }, base);
    for (const c of all.filter((x) => x.severity === 'breaking')) assert.ok(c.why && c.why.length > 10, c.path);
  });
});

describe('semantic version bumps', () => {
  const change = (severity: SchemaChange['severity']): SchemaChange => ({ severity, event: 'e', engine: 'any', area: 'mapping', path: 'p', summary: 's' });
  it('breaking needs major, compatible minor, docs patch, nothing none', () => {
    assert.equal(requiredBump([change('docs'), change('breaking'), change('compatible')]), 'major');
    assert.equal(requiredBump([change('docs'), change('compatible')]), 'minor');
    assert.equal(requiredBump([change('docs')]), 'patch');
    assert.equal(requiredBump([]), undefined);
  });
  const table: [string, string, 'major' | 'minor' | 'patch' | undefined, boolean][] = [
    ['1.0.0', '2.0.0', 'major', true],
    ['1.0.0', '1.1.0', 'major', false],
    ['1.0.0', '1.1.0', 'minor', true],
    ['1.0.0', '1.0.1', 'minor', false],
    ['1.0.0', '1.0.1', 'patch', true],
    ['1.0.0', '1.0.0', 'patch', false],
    ['1.0.0', '1.0.0', undefined, true],
    ['2.0.0', '1.9.0', undefined, false],
  ];
  for (const [from, to, needed, ok] of table) {
    it(`${from} → ${to} ${ok ? 'suffices' : 'does not suffice'} for ${needed ?? 'no change'}`, () => assert.equal(bumpSuffices(from, to, needed), ok));
  }
  it('suggests the next version', () => {
    assert.deepEqual([bumped('1.2.3', 'major'), bumped('1.2.3', 'minor'), bumped('1.2.3', 'patch')], ['2.0.0', '1.3.0', '1.2.4']);
  });
});

describe('classifying two generated states', () => {
  const mappings = (props: Record<string, unknown>) => JSON.stringify({ template: { mappings: { properties: props } }, version: 1 });
  const state = (files: Record<string, string>, kinds: Record<string, string>, version = '1.0.0') => ({
    files: new Map(Object.entries(files)),
    index: new Map(Object.entries(kinds).map(([p, kind]) => [p, { event: 'e', kind: kind as never, engine: 'opensearch' as const, name: p.split('/').pop()!.replace(/\.\w+$/, '') }])),
    versions: new Map([['e', version]]),
  });
  const kinds = { 'e/m.json': 'component_template', 'e/q.json': 'queries', 'e/p.json': 'ingest_pipeline' };

  it('a rule query whose field no longer exists is breaking; version fields alone are no change', async () => {
    const { classifyStates } = await import('../../../src/plan/classify.ts');
    const pipeline = (tags: string[], version: number) => JSON.stringify({ version, description: `v${version}`, processors: tags.map((tag) => ({ set: { tag, field: tag, value: 1 } })) });
    const before = state({ 'e/m.json': mappings({ a: kw, b: kw }), 'e/q.json': JSON.stringify({ fields: ['b'], lucene: 'b:1' }), 'e/p.json': pipeline(['x'], 1) }, kinds);
    const same = state({ 'e/m.json': mappings({ a: kw, b: kw }).replace('"version":1', '"version":2'), 'e/q.json': JSON.stringify({ fields: ['b'], lucene: 'b:1' }), 'e/p.json': pipeline(['x'], 2) }, kinds, '1.0.1');
    assert.deepEqual(classifyStates(before, same), []);
    const after = state({ 'e/m.json': mappings({ a: kw }), 'e/q.json': JSON.stringify({ fields: ['b'], lucene: 'b:1' }), 'e/p.json': pipeline(['x', 'y'], 1) }, kinds);
    assert.deepEqual(
      classifyStates(before, after).map((c) => [c.severity, c.area, c.path, c.summary]),
      [
        ['breaking', 'mapping', 'b', 'field removed (was keyword)'],
        ['compatible', 'pipeline', 'y', 'new processor'],
        ['breaking', 'rule', 'q', 'query reads b'],
      ],
    );
  });
});
