import type { estypes } from '@elastic/elasticsearch';
import { assertNever } from '../errors.ts';
import type { PatternPart, Query } from './sigma.ts';

/** A query a dialect cannot express (e.g. a regex in KQL); the rule says so instead of guessing. */
export class UnsupportedError extends Error {}

export const DIALECTS = ['lucene', 'dsl', 'kql', 'eql', 'esql'] as const;
export type Dialect = (typeof DIALECTS)[number];

const star = (p: PatternPart): p is Exclude<PatternPart, string> => typeof p !== 'string';

/** A plain value of one field: what Lucene can list as `field:(a OR b)`. */
type LeafQuery = Extract<Query, { kind: 'equals' | 'wildcard' }>;
const isLeaf = (x: Query): x is LeafQuery => x.kind === 'equals' || x.kind === 'wildcard';

/* ──────────────────────────── Lucene (query_string) ──────────────────────────── */

/**
 * Lucene query syntax; reserved characters and whitespace are escaped with `\`, as Sigma's reference
 * backend does (`Microsoft\-Windows\-NTLM\/Operational`). Keyword matches are case-sensitive here.
 * @see https://lucene.apache.org/core/9_0_0/queryparser/org/apache/lucene/queryparser/classic/package-summary.html#Escaping_Special_Characters
 */
export function escapeLucene(text: string): string {
  return text.replace(/[+\-=&|!(){}[\]^"~*?:\\/<>\s]/g, (c) => `\\${c}`);
}

function luceneValue(v: string | number | boolean): string {
  const s = String(v);
  return s === '' ? '""' : escapeLucene(s);
}

/**
 * Lucene as Sigma's reference converter (pySigma's Elasticsearch backend) prints it, so the two give
 * the same string: every and/or/not inside another is one parenthesized group, and an `or` of plain
 * values of one field is `field:(a OR b)`. Give it the grouped query (`detectionQuery(…, {grouped})`)
 * to keep the rule's selections as groups; a flat query prints flat.
 */
export function compileLucene(q: Query): string {
  const leaf = (x: LeafQuery): string => (x.kind === 'equals' ? luceneValue(x.value) : x.pattern.map((p) => (star(p) ? p.wildcard : escapeLucene(p))).join(''));
  /** `field:(a OR b)` when every item is a plain value of the same field. */
  const inList = (x: Extract<Query, { kind: 'and' | 'or' }>): string | undefined => {
    const [first] = x.items;
    if (x.kind !== 'or' || x.items.length < 2 || first === undefined || !isLeaf(first)) return undefined;
    const values: string[] = [];
    for (const i of x.items) {
      if (!isLeaf(i) || i.field.name !== first.field.name) return undefined;
      values.push(leaf(i));
    }
    return `${first.field.name}:(${values.join(' OR ')})`;
  };
  const go = (x: Query, nested: boolean): string => {
    const group = (s: string) => (nested ? `(${s})` : s);
    switch (x.kind) {
      case 'and':
      case 'or':
        return group(inList(x) ?? x.items.map((i) => go(i, true)).join(x.kind === 'and' ? ' AND ' : ' OR '));
      case 'not':
        return group(`NOT ${go(x.item, true)}`);
      case 'equals':
      case 'wildcard':
        return `${x.field.name}:${leaf(x)}`;
      case 'regex':
        return `${x.field.name}:/${x.pattern.replace(/\//g, '\\/')}/`;
      case 'exists':
        return `_exists_:${x.field.name}`;
      default:
        return assertNever(x, 'query node');
    }
  };
  return go(q, false);
}

/* ──────────────────────────── Query DSL ──────────────────────────── */

const escapeWildcard = (s: string) => s.replace(/[\\*?]/g, (c) => `\\${c}`);

/**
 * Query DSL: a `bool.filter` of `term`s (no scoring), `case_insensitive` where Sigma's
 * case-insensitive match needs it.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-term-query.html
 */
export function compileDsl(q: Query): estypes.QueryDslQueryContainer {
  const ci = (cased: boolean) => (cased ? {} : { case_insensitive: true });
  const go = (x: Query): estypes.QueryDslQueryContainer => {
    switch (x.kind) {
      case 'and':
        return { bool: { filter: x.items.map(go) } };
      case 'or':
        return { bool: { should: x.items.map(go), minimum_should_match: 1 } };
      case 'not':
        return { bool: { must_not: [go(x.item)] } };
      case 'equals':
        return { term: { [x.field.name]: { value: x.value, ...ci(x.cased) } } };
      case 'wildcard': {
        const value = x.pattern.map((p) => (star(p) ? p.wildcard : escapeWildcard(p))).join('');
        return { wildcard: { [x.field.name]: { value, ...ci(x.cased) } } };
      }
      case 'regex':
        return { regexp: { [x.field.name]: { value: x.pattern, ...ci(x.cased) } } };
      case 'exists':
        return { exists: { field: x.field.name } };
      default:
        return assertNever(x, 'query node');
    }
  };
  const root = go(q);
  // estypes' ExactlyOne<…> is an indexed mapped type, which TypeScript widens with `undefined`.
  return root?.bool !== undefined ? root : { bool: { filter: [root] } };
}

/* ──────────────────────────── KQL ──────────────────────────── */

/** @see https://www.elastic.co/guide/en/kibana/current/kuery-query.html */
const escapeKqlUnquoted = (s: string) => s.replace(/[\\():<>"*{}]/g, (c) => `\\${c}`).replace(/\s/g, (c) => `\\${c}`);
const quoteKql = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export function compileKql(q: Query): string {
  const go = (x: Query, top: boolean): string => {
    switch (x.kind) {
      case 'and':
      case 'or': {
        const s = x.items.map((i) => go(i, false)).join(` ${x.kind} `);
        return top ? s : `(${s})`;
      }
      case 'not':
        return `not ${go(x.item, false)}`;
      case 'equals':
        return `${x.field.name} : ${typeof x.value === 'string' ? quoteKql(x.value) : String(x.value)}`;
      case 'wildcard':
        if (x.pattern.some((p) => star(p) && p.wildcard === '?')) throw new UnsupportedError('KQL has no single-character wildcard (?)');
        return `${x.field.name} : ${x.pattern.map((p) => (star(p) ? '*' : escapeKqlUnquoted(p))).join('')}`;
      case 'regex':
        throw new UnsupportedError('KQL has no regular expressions');
      case 'exists':
        return `${x.field.name} : *`;
      default:
        return assertNever(x, 'query node');
    }
  };
  return go(q, true);
}

/* ──────────────────────────── EQL ──────────────────────────── */

/** @see https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html */
const quoteEql = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
const eqlField = (name: string) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``);

export function compileEql(q: Query): string {
  const go = (x: Query, top: boolean): string => {
    switch (x.kind) {
      case 'and':
      case 'or': {
        const s = x.items.map((i) => go(i, false)).join(` ${x.kind} `);
        return top ? s : `(${s})`;
      }
      case 'not':
        if (x.item.kind === 'exists') return `${eqlField(x.item.field.name)} == null`;
        return `not ${go(x.item, false)}`;
      case 'equals': {
        const f = eqlField(x.field.name);
        if (typeof x.value !== 'string') return `${f} == ${String(x.value)}`;
        // `:` is EQL's case-insensitive equality but reads `*` as a wildcard.
        return x.cased || x.value.includes('*') || x.value.includes('?') ? `${f} == ${quoteEql(x.value)}` : `${f} : ${quoteEql(x.value)}`;
      }
      case 'wildcard': {
        if (x.pattern.some((p) => typeof p === 'string' && /[*?]/.test(p))) throw new UnsupportedError('EQL cannot escape a literal * or ? in a wildcard pattern');
        const pattern = x.pattern.map((p) => (star(p) ? p.wildcard : p)).join('');
        return `${eqlField(x.field.name)} ${x.cased ? 'like' : 'like~'} ${quoteEql(pattern)}`;
      }
      case 'regex':
        return `${eqlField(x.field.name)} ${x.cased ? 'regex' : 'regex~'} ${quoteEql(x.pattern)}`;
      case 'exists':
        return `${eqlField(x.field.name)} != null`;
      default:
        return assertNever(x, 'query node');
    }
  };
  return `any where ${go(q, true)}`;
}

/* ──────────────────────────── ES|QL ──────────────────────────── */

/** @see https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-syntax.html */
const quoteEsql = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
const esqlField = (name: string) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``);
/** LIKE patterns escape their own wildcards with a backslash. */
const escapeLike = (s: string) => s.replace(/[\\*?]/g, (c) => `\\${c}`);

export function compileEsql(q: Query, indexPattern: string): string {
  const go = (x: Query, top: boolean): string => {
    switch (x.kind) {
      case 'and':
      case 'or': {
        const s = x.items.map((i) => go(i, false)).join(x.kind === 'and' ? ' AND ' : ' OR ');
        return top ? s : `(${s})`;
      }
      case 'not':
        if (x.item.kind === 'exists') return `${esqlField(x.item.field.name)} IS NULL`;
        return `NOT ${go(x.item, false)}`;
      case 'equals': {
        const f = esqlField(x.field.name);
        if (typeof x.value !== 'string') return `${f} == ${String(x.value)}`;
        return x.cased ? `${f} == ${quoteEsql(x.value)}` : `TO_LOWER(${f}) == ${quoteEsql(x.value.toLowerCase())}`;
      }
      case 'wildcard': {
        const pattern = x.pattern.map((p) => (star(p) ? p.wildcard : escapeLike(x.cased ? p : p.toLowerCase()))).join('');
        const f = esqlField(x.field.name);
        return `${x.cased ? f : `TO_LOWER(${f})`} LIKE ${quoteEsql(pattern)}`;
      }
      case 'regex':
        if (!x.cased) throw new UnsupportedError('ES|QL RLIKE is case-sensitive; add the |cased modifier or use another dialect');
        return `${esqlField(x.field.name)} RLIKE ${quoteEsql(x.pattern)}`;
      case 'exists':
        return `${esqlField(x.field.name)} IS NOT NULL`;
      default:
        return assertNever(x, 'query node');
    }
  };
  return `FROM ${indexPattern}\n| WHERE ${go(q, true)}`;
}
