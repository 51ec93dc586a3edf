import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile } from '../../src/rules/compile.ts';
import type { FieldRef, PatternPart, Query } from '../../src/rules/sigma.ts';
import { sharedNode } from './node.ts';

/**
 * The compiled dialects select, on the real node, the documents the query IR describes: random
 * documents (hostile values, absent fields, case variants) and random conditions (and / or / not,
 * equality, wildcards, regexes, exists, numbers), seeded and bounded. Each dialect's hits are
 * compared with the IR evaluated here.
 *
 * OpenSearch runs two of the five dialects: Query DSL and Lucene (`query_string`). KQL is Kibana's
 * language (Kibana turns it into Query DSL itself); EQL (`_eql`) and ES|QL (`_query`) are
 * Elasticsearch APIs OpenSearch does not have. Those three are checked for form only
 * (test/unit/rules/compile-property.test.ts).
 *
 * Lucene's `query_string` has no case-insensitive keyword match: evforge prints a case-insensitive
 * Sigma value as pySigma does, and it matches as written. The Lucene check holds it to that.
 */

const SEED = 4242;
const INDEX = 'evforge-test-dialect-semantics';
const a: FieldRef = { name: 'a', type: 'keyword' };
const b: FieldRef = { name: 'b', type: 'keyword' };
const n: FieldRef = { name: 'n', type: 'long' };

interface Doc {
  readonly a?: string;
  readonly b?: string;
  readonly n?: number;
}

/* ──────────────────────────── random documents and conditions ──────────────────────────── */

const CHARS = ['a', 'A', 'b', 'B', '/', '\\', '*', '?', ' ', '"', '(', ')', ':', '-', '+', '~', '\n'];
const value = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 3 });
const number = fc.integer({ min: -2, max: 2 });
const doc: fc.Arbitrary<Doc> = fc.record({ a: value, b: value, n: number }, { requiredKeys: [] });
const DOCS = fc.sample(fc.array(doc, { minLength: 120, maxLength: 120 }), { seed: SEED, numRuns: 1 })[0] ?? [];
const known = [...new Set(DOCS.flatMap((d) => [d.a, d.b]).filter((v) => v !== undefined))];

const keyword = fc.constantFrom(a, b);
const text = fc.oneof(fc.constantFrom(...known), value);
const part: fc.Arbitrary<PatternPart> = fc.oneof(value.filter((s) => s !== ''), fc.constantFrom({ wildcard: '*' } as const, { wildcard: '?' } as const));

/** Regular expressions both Lucene's RegExp and JavaScript read the same way. */
const regex: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'A', 'b', ' ', '-', ':', '.', '\\/', '/', '\\\\', '\\*', '[ab]', '[/]'),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(${x}|${y})`),
    fc.tuple(tie('re'), fc.constantFrom('*', '+', '?')).map(([x, op]) => `(${x})${op}`),
  ),
})).re;

/** As sigma.ts writes the IR: a value without letters that change case is `cased`. */
const letters = (parts: readonly PatternPart[]) => parts.some((p) => typeof p === 'string' && p.toLowerCase() !== p.toUpperCase());
const leaf: fc.Arbitrary<Query> = fc.oneof(
  fc.record({ kind: fc.constant('equals' as const), field: keyword, value: text, cased: fc.boolean() }).map((x) => ({ ...x, cased: x.cased || !letters([x.value]) })),
  fc.record({ kind: fc.constant('equals' as const), field: fc.constant(n), value: number, cased: fc.constant(true) }),
  fc.record({ kind: fc.constant('wildcard' as const), field: keyword, pattern: fc.array(part, { minLength: 1, maxLength: 4 }), cased: fc.boolean() }).map((x) => ({ ...x, cased: x.cased || !letters(x.pattern) })),
  fc.record({ kind: fc.constant('regex' as const), field: keyword, pattern: regex, cased: fc.boolean() }),
  fc.record({ kind: fc.constant('exists' as const), field: fc.constantFrom(a, b, n) }),
);
const condition: fc.Arbitrary<Query> = fc.letrec<{ q: Query }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 4 },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), items: fc.array(tie('q'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), item: tie('q') }),
  ),
})).q;
const QUERIES = fc.sample(condition, { seed: SEED, numRuns: 200 });

/* ──────────────────────────── what the IR says ──────────────────────────── */

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anchored = (source: string, ignoreCase: boolean) => new RegExp(`^(?:${source})$`, ignoreCase ? 'sui' : 'su');

/** Whether `d` matches `q`; `foldCase` false holds a case-insensitive value to its case as written. */
function matches(q: Query, d: Doc, foldCase: boolean): boolean {
  switch (q.kind) {
    case 'and':
      return q.items.every((i) => matches(i, d, foldCase));
    case 'or':
      return q.items.some((i) => matches(i, d, foldCase));
    case 'not':
      return !matches(q.item, d, foldCase);
    case 'exists':
      return field(d, q.field) !== undefined;
    case 'equals': {
      const v = field(d, q.field);
      if (v === undefined) return false;
      if (typeof v === 'number' || typeof q.value !== 'string' || q.cased || !foldCase) return v === q.value;
      return v.toLowerCase() === q.value.toLowerCase();
    }
    case 'wildcard': {
      const v = field(d, q.field);
      const source = q.pattern.map((p) => (typeof p === 'string' ? escapeRegExp(p) : p.wildcard === '*' ? '.*' : '.')).join('');
      return typeof v === 'string' && anchored(source, foldCase && !q.cased).test(v);
    }
    case 'regex': {
      const v = field(d, q.field);
      return typeof v === 'string' && anchored(q.pattern, foldCase && !q.cased).test(v);
    }
  }
}
const field = (d: Doc, f: FieldRef): string | number | undefined => (f.name === 'a' ? d.a : f.name === 'b' ? d.b : d.n);

/* ──────────────────────────── the node ──────────────────────────── */

interface SearchResponse {
  responses: ({ hits: { hits: { _id: string }[] } } | { error: unknown })[];
}

describe('the dialects OpenSearch runs select the documents the condition describes (real node, seeded)', function () {
  this.timeout(180_000);
  let node: string;

  /** Ids of the documents each query selects, from one _msearch. */
  async function hits(queries: readonly unknown[]): Promise<string[][]> {
    const body = queries.map((query) => `{}\n${JSON.stringify({ query, size: DOCS.length, _source: false })}\n`).join('');
    const r = await fetch(`${node}/${INDEX}/_msearch`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    assert.equal(r.status, 200, await r.clone().text());
    const { responses } = (await r.json()) as SearchResponse;
    return responses.map((x, i) => {
      if ('error' in x) assert.fail(`the node refused ${JSON.stringify(queries[i])}: ${JSON.stringify(x.error)}`);
      return x.hits.hits.map((h) => h._id).sort();
    });
  }
  const expected = (q: Query, foldCase: boolean) =>
    DOCS.flatMap((d, i) => (matches(q, d, foldCase) ? [String(i)] : [])).sort();

  before(async () => {
    node = await sharedNode();
    await fetch(`${node}/${INDEX}`, { method: 'DELETE' });
    const created = await fetch(`${node}/${INDEX}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { dynamic: 'strict', properties: { a: { type: 'keyword' }, b: { type: 'keyword' }, n: { type: 'long' } } } }),
    });
    assert.equal(created.status, 200, await created.text());
    const bulk = DOCS.map((d, i) => `${JSON.stringify({ index: { _id: String(i) } })}\n${JSON.stringify(d)}\n`).join('');
    const r = await fetch(`${node}/${INDEX}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: bulk });
    const result = (await r.json()) as { errors: boolean };
    assert.equal(result.errors, false);
  });
  after(async () => {
    await fetch(`${node}/${INDEX}`, { method: 'DELETE' });
  });

  it('the sample is not trivial: documents with absent fields and case variants, queries that select some but not all', () => {
    assert.ok(DOCS.some((d) => d.a === undefined) && DOCS.some((d) => d.a?.toLowerCase() !== d.a?.toUpperCase()));
    const sizes = QUERIES.map((q) => expected(q, true).length);
    assert.ok(sizes.filter((s) => s > 0 && s < DOCS.length).length > QUERIES.length / 3, `selective queries: ${sizes.join(' ')}`);
  });

  it('Query DSL selects exactly those documents, case-insensitive where Sigma is', async () => {
    const got = await hits(QUERIES.map((q) => compile('dsl', q, INDEX)));
    QUERIES.forEach((q, i) => assert.deepEqual(got[i], expected(q, true), JSON.stringify(compile('dsl', q, INDEX))));
  });

  it('Lucene (query_string) selects exactly those documents, matching case as written', async () => {
    const got = await hits(QUERIES.map((q) => ({ query_string: { query: compile('lucene', q, INDEX) } })));
    QUERIES.forEach((q, i) => assert.deepEqual(got[i], expected(q, false), compile('lucene', q, INDEX)));
  });
});
