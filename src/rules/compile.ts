import type { estypes } from '@elastic/elasticsearch';
import { EvforgeError, assertNever } from '../errors.ts';
import { flatten, type PatternPart, type Query } from './sigma.ts';

/**
 * The query IR (rules/sigma.ts) → each dialect: one walker over the IR, and per dialect a table of
 * what differs (operators, grouping, quoting and escaping, wildcards, field-exists, value lists),
 * in the manner of pySigma's `TextQueryBackend` class attributes.
 * @see https://github.com/SigmaHQ/pySigma/blob/main/sigma/conversion/base.py
 */

/** A query a dialect cannot express (e.g. a regex in KQL); the rule says so instead of guessing. */
export class UnsupportedError extends EvforgeError {
  constructor(message: string) {
    super(message, { code: 'E_QUERY_UNSUPPORTED' });
  }
}

export const DIALECTS = ['lucene', 'dsl', 'kql', 'eql', 'esql'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** What each dialect compiles to. */
export interface Compiled {
  lucene: string;
  dsl: estypes.QueryDslQueryContainer;
  kql: string;
  eql: string;
  esql: string;
}

type Node<K extends Query['kind']> = Extract<Query, { kind: K }>;
type Junction = Node<'and' | 'or'>;
type Operator = Junction['kind'] | 'not';

/* ──────────────────────────── the walker ──────────────────────────── */

/** How one dialect builds each kind of node, given the node's operands already built. */
interface Builder<T> {
  readonly and: (items: readonly T[]) => T;
  readonly or: (items: readonly T[]) => T;
  readonly not: (item: T, node: Node<'not'>) => T;
  readonly equals: (node: Node<'equals'>) => T;
  readonly wildcard: (node: Node<'wildcard'>) => T;
  readonly regex: (node: Node<'regex'>) => T;
  readonly exists: (node: Node<'exists'>) => T;
}

/** The one walk over a condition: operands first, left to right, so the first construct a dialect refuses is the one it reports. */
function walk<T>(q: Query, build: Builder<T>): T {
  switch (q.kind) {
    case 'and':
    case 'or':
      return build[q.kind](q.items.map((i) => walk(i, build)));
    case 'not':
      return build.not(walk(q.item, build), q);
    case 'equals':
      return build.equals(q);
    case 'wildcard':
      return build.wildcard(q);
    case 'regex':
      return build.regex(q);
    case 'exists':
      return build.exists(q);
    default:
      return assertNever(q, 'query node');
  }
}

/* ──────────────────────────── the text dialects' table ──────────────────────────── */

/** `field`, `op`, `value` kept apart, so that a dialect with value lists can print `field op (a OR b)`. */
interface Match {
  readonly field: string;
  readonly op: string;
  readonly value: string;
}
/** A field (as the dialect prints it) matched against a value. */
type Matcher<V> = (field: string, value: V) => Match;
const match = (field: string, op: string, value: string): Match => ({ field, op, value });
/** A construct the dialect has no way to express, and why. */
interface Refusal {
  readonly unsupported: string;
}
const refuse = (why: string): Refusal => ({ unsupported: why });
const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'unsupported' in x;
/** The entry, or the dialect's reason for refusing it as an UnsupportedError. */
function usable<T>(entry: T | Refusal): T {
  if (isRefusal(entry)) throw new UnsupportedError(entry.unsupported);
  return entry;
}

/**
 * Everything a text dialect decides. Every entry is required (`null` says "the dialect has none"),
 * so a new dialect does not compile until each is given.
 */
interface DialectSpec {
  /** Boolean operators with the spaces around them; every dialect here binds not > and > or. */
  readonly and: string;
  readonly or: string;
  readonly not: string;
  /** Operators put in parentheses when they are the operand of another operator (never at the top). */
  readonly parenthesize: readonly Operator[];
  /**
   * `grouped`: the condition printed as written, selections as groups and the channel guard beside
   * them (`guard AND (query)`); `flat`: nested and/or of one kind merged first (sigma.ts `flatten`).
   */
  readonly structure: 'grouped' | 'flat';
  /** A field name as the dialect reads it: quoted or escaped where it has to be. */
  readonly field: (name: string) => string;
  /** Equality with a string, case-sensitive or not, and with a number or boolean. */
  readonly equals: { readonly cased: Matcher<string>; readonly uncased: Matcher<string>; readonly scalar: Matcher<number | boolean> };
  /** Wildcard patterns: the wildcards' spelling, the literal text between them escaped, the match. */
  readonly wildcard: {
    readonly any: string;
    readonly one: string | Refusal;
    /** Literal text of a pattern, escaped (and folded to lower case where `uncased` compares lower case). */
    readonly literal: (text: string, cased: boolean) => string;
    readonly cased: Matcher<string>;
    readonly uncased: Matcher<string>;
  };
  readonly regex: { readonly cased: Matcher<string> | Refusal; readonly uncased: Matcher<string> | Refusal };
  /** The field exists; and does not, where the dialect has its own form for it (else `not` + exists). */
  readonly exists: (field: string) => string;
  readonly notExists: ((field: string) => string) | null;
  /** An `or` of plain values of one field as one list, `field:(a OR b)`, as pySigma's `field_in_list_expression`. */
  readonly list: { readonly open: string; readonly close: string } | null;
  /** The whole query around the condition. */
  readonly query: (where: string, indexPattern: string) => string;
}

type TextDialect = Exclude<Dialect, 'dsl'>;

/**
 * Lucene query syntax; reserved characters and whitespace are escaped with `\`, as Sigma's reference
 * backend does (`Microsoft\-Windows\-NTLM\/Operational`).
 * @see https://lucene.apache.org/core/9_0_0/queryparser/org/apache/lucene/queryparser/classic/package-summary.html#Escaping_Special_Characters
 */
export function escapeLucene(text: string): string {
  return text.replace(/[+\-=&|!(){}[\]^"~*?:\\/<>\s]/g, (c) => `\\${c}`);
}

const luceneTerm: Matcher<string> = (f, v) => match(f, ':', v === '' ? '""' : escapeLucene(v));
/**
 * A regular expression between Lucene's `/` delimiters. Its lexer reads `\/` as an escaped slash and
 * any other `\` as itself: a bare `/` is escaped, an escaped one kept (not `\\/`, which would match a
 * backslash), and a final `\\` written `[\\]`, as `\\/` would not close the expression.
 */
export function escapeLuceneRegex(re: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < re.length; i++) {
    const c = re.charAt(i);
    last = c === '\\' && i + 1 < re.length ? c + re.charAt(++i) : c === '/' ? '\\/' : c;
    out += last;
  }
  return last === '\\\\' ? `${out.slice(0, -2)}[\\\\]` : out;
}
const luceneRegex: Matcher<string> = (f, re) => match(f, ':', `/${escapeLuceneRegex(re)}/`);

/** @see https://www.elastic.co/guide/en/kibana/current/kuery-query.html */
const escapeKqlUnquoted = (s: string) => s.replace(/[\\():<>"*{}]/g, (c) => `\\${c}`).replace(/\s/g, (c) => `\\${c}`);
const quoteKql = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * A double-quoted string literal of EQL and ES|QL (the same rules).
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html#eql-syntax-strings
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-syntax.html
 */
const quoteString = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
/** An EQL / ES|QL field name, in backquotes unless it is a plain dotted identifier. */
const quoteField = (name: string) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``);
/** Wildcard patterns of ES|QL LIKE and the DSL `wildcard` query escape their own wildcards with a backslash. */
const escapeWildcards = (s: string) => s.replace(/[\\*?]/g, (c) => `\\${c}`);

const TEXT_DIALECTS = {
  /**
   * Lucene as Sigma's reference converter (pySigma's Elasticsearch backend) prints it, so the two give
   * the same string: every operator inside another is parenthesized (query_string's AND/OR set
   * required/optional clauses, not a precedence), and a value list is `field:(a OR b)`. query_string
   * has no case-insensitive keyword match: a case-insensitive value matches as written.
   */
  lucene: {
    and: ' AND ',
    or: ' OR ',
    not: 'NOT ',
    parenthesize: ['and', 'or', 'not'],
    structure: 'grouped',
    field: escapeLucene,
    equals: { cased: luceneTerm, uncased: luceneTerm, scalar: (f, v) => match(f, ':', escapeLucene(String(v))) },
    wildcard: { any: '*', one: '?', literal: escapeLucene, cased: (f, p) => match(f, ':', p), uncased: (f, p) => match(f, ':', p) },
    regex: { cased: luceneRegex, uncased: luceneRegex },
    exists: (f) => `_exists_:${f}`,
    notExists: null,
    list: { open: '(', close: ')' },
    query: (where) => where,
  },
  /** Kibana's KQL: values quoted, patterns unquoted with their specials escaped; no `?`, no regex. */
  kql: {
    and: ' and ',
    or: ' or ',
    not: 'not ',
    parenthesize: ['and', 'or'],
    structure: 'flat',
    field: escapeKqlUnquoted,
    equals: {
      cased: (f, v) => match(f, ' : ', quoteKql(v)),
      uncased: (f, v) => match(f, ' : ', quoteKql(v)),
      scalar: (f, v) => match(f, ' : ', String(v)),
    },
    wildcard: {
      any: '*',
      one: refuse('KQL has no single-character wildcard (?)'),
      literal: escapeKqlUnquoted,
      cased: (f, p) => match(f, ' : ', p),
      uncased: (f, p) => match(f, ' : ', p),
    },
    regex: { cased: refuse('KQL has no regular expressions'), uncased: refuse('KQL has no regular expressions') },
    exists: (f) => `${f} : *`,
    notExists: null,
    list: null,
    query: (where) => where,
  },
  /** EQL: `==` / `like` / `regex` match as written, `:` / `like~` / `regex~` ignore case. */
  eql: {
    and: ' and ',
    or: ' or ',
    not: 'not ',
    parenthesize: ['and', 'or'],
    structure: 'flat',
    field: quoteField,
    equals: {
      cased: (f, v) => match(f, ' == ', quoteString(v)),
      // `:` reads `*` and `?` as wildcards.
      uncased: (f, v) => match(f, /[*?]/.test(v) ? ' == ' : ' : ', quoteString(v)),
      scalar: (f, v) => match(f, ' == ', String(v)),
    },
    wildcard: {
      any: '*',
      one: '?',
      literal: (text) => {
        if (/[*?]/.test(text)) throw new UnsupportedError('EQL cannot escape a literal * or ? in a wildcard pattern');
        return text;
      },
      cased: (f, p) => match(f, ' like ', quoteString(p)),
      uncased: (f, p) => match(f, ' like~ ', quoteString(p)),
    },
    regex: { cased: (f, re) => match(f, ' regex ', quoteString(re)), uncased: (f, re) => match(f, ' regex~ ', quoteString(re)) },
    exists: (f) => `${f} != null`,
    notExists: (f) => `${f} == null`,
    list: null,
    query: (where) => `any where ${where}`,
  },
  /** ES|QL: case-insensitive matches compare `TO_LOWER(field)` with the value in lower case. */
  esql: {
    and: ' AND ',
    or: ' OR ',
    not: 'NOT ',
    parenthesize: ['and', 'or'],
    structure: 'flat',
    field: quoteField,
    equals: {
      cased: (f, v) => match(f, ' == ', quoteString(v)),
      uncased: (f, v) => match(`TO_LOWER(${f})`, ' == ', quoteString(v.toLowerCase())),
      scalar: (f, v) => match(f, ' == ', String(v)),
    },
    wildcard: {
      any: '*',
      one: '?',
      literal: (text, cased) => escapeWildcards(cased ? text : text.toLowerCase()),
      cased: (f, p) => match(f, ' LIKE ', quoteString(p)),
      uncased: (f, p) => match(`TO_LOWER(${f})`, ' LIKE ', quoteString(p)),
    },
    regex: { cased: (f, re) => match(f, ' RLIKE ', quoteString(re)), uncased: refuse('ES|QL RLIKE is case-sensitive; add the |cased modifier or use another dialect') },
    exists: (f) => `${f} IS NOT NULL`,
    notExists: (f) => `${f} IS NULL`,
    list: null,
    query: (where, indexPattern) => `FROM ${indexPattern}\n| WHERE ${where}`,
  },
} satisfies Record<TextDialect, DialectSpec>;

/** A node printed: its text, its kind (for parentheses) and, for a field match, its parts (for lists). */
interface Printed {
  readonly text: string;
  readonly kind: Query['kind'];
  readonly match?: Match;
}

function textBuilder(spec: DialectSpec): Builder<Printed> {
  const operand = (p: Printed) => (spec.parenthesize.some((k) => k === p.kind) ? `(${p.text})` : p.text);
  const join = (kind: Junction['kind'], items: readonly Printed[]): Printed => ({ kind, text: items.map(operand).join(spec[kind]) });
  const leaf = (kind: Query['kind'], m: Match): Printed => ({ kind, text: `${m.field}${m.op}${m.value}`, match: m });
  /** `field:(a OR b)`: two or more plain values (not regexes) matched the same way on the same field. */
  const list = (items: readonly Printed[]): Printed | undefined => {
    const [first] = items;
    if (spec.list === null || items.length < 2 || first?.match === undefined) return undefined;
    const { field, op } = first.match;
    const values: string[] = [];
    for (const i of items) {
      if ((i.kind !== 'equals' && i.kind !== 'wildcard') || i.match?.field !== field || i.match.op !== op) return undefined;
      values.push(i.match.value);
    }
    return { kind: 'or', text: `${field}${op}${spec.list.open}${values.join(spec.or)}${spec.list.close}` };
  };
  const part = (p: PatternPart, cased: boolean): string => {
    if (typeof p === 'string') return spec.wildcard.literal(p, cased);
    return p.wildcard === '*' ? spec.wildcard.any : usable(spec.wildcard.one);
  };
  return {
    and: (items) => join('and', items),
    or: (items) => list(items) ?? join('or', items),
    not: (item, { item: inner }) =>
      inner.kind === 'exists' && spec.notExists !== null ? { kind: 'exists', text: spec.notExists(spec.field(inner.field.name)) } : { kind: 'not', text: `${spec.not}${operand(item)}` },
    equals: ({ field, value, cased }) => {
      const f = spec.field(field.name);
      return leaf('equals', typeof value === 'string' ? spec.equals[cased ? 'cased' : 'uncased'](f, value) : spec.equals.scalar(f, value));
    },
    wildcard: ({ field, pattern, cased }) => {
      const text = pattern.map((p) => part(p, cased)).join('');
      return leaf('wildcard', spec.wildcard[cased ? 'cased' : 'uncased'](spec.field(field.name), text));
    },
    regex: ({ field, pattern, cased }) => leaf('regex', usable(spec.regex[cased ? 'cased' : 'uncased'])(spec.field(field.name), pattern)),
    exists: ({ field }) => ({ kind: 'exists', text: spec.exists(spec.field(field.name)) }),
  };
}

/* ──────────────────────────── Query DSL ──────────────────────────── */

/**
 * Query DSL: a `bool.filter` of `term`s (no scoring), `case_insensitive` where Sigma's
 * case-insensitive match needs it. It shares the walker but not the text table: it builds a JSON
 * tree, where nesting is the grouping and nothing is quoted.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-term-query.html
 */
const dslBuilder: Builder<estypes.QueryDslQueryContainer> = {
  and: (items) => ({ bool: { filter: [...items] } }),
  or: (items) => ({ bool: { should: [...items], minimum_should_match: 1 } }),
  not: (item) => ({ bool: { must_not: [item] } }),
  equals: ({ field, value, cased }) => ({ term: { [field.name]: { value, ...caseInsensitive(cased) } } }),
  wildcard: ({ field, pattern, cased }) => {
    const value = pattern.map((p) => (typeof p === 'string' ? escapeWildcards(p) : p.wildcard)).join('');
    return { wildcard: { [field.name]: { value, ...caseInsensitive(cased) } } };
  },
  regex: ({ field, pattern, cased }) => ({ regexp: { [field.name]: { value: pattern, ...caseInsensitive(cased) } } }),
  exists: ({ field }) => ({ exists: { field: field.name } }),
};
const caseInsensitive = (cased: boolean) => (cased ? {} : { case_insensitive: true });

/* ──────────────────────────── entry points ──────────────────────────── */

function compileText(dialect: TextDialect, q: Query, indexPattern: string): string {
  const spec: DialectSpec = TEXT_DIALECTS[dialect];
  const shaped = spec.structure === 'flat' ? flatten(q) : q;
  return spec.query(walk(shaped, textBuilder(spec)).text, indexPattern);
}

const COMPILERS: { readonly [D in Dialect]: (q: Query, indexPattern: string) => Compiled[D] } = {
  lucene: (q, indexPattern) => compileText('lucene', q, indexPattern),
  kql: (q, indexPattern) => compileText('kql', q, indexPattern),
  eql: (q, indexPattern) => compileText('eql', q, indexPattern),
  esql: (q, indexPattern) => compileText('esql', q, indexPattern),
  dsl: (q) => {
    const root = walk(flatten(q), dslBuilder);
    // estypes' ExactlyOne<…> is an indexed mapped type, which TypeScript widens with `undefined`.
    return root?.bool !== undefined ? root : { bool: { filter: [root] } };
  },
};

/**
 * The query in one dialect; throws UnsupportedError when the dialect cannot express it. Lucene keeps
 * a grouped query's groups (`detectionQuery(…, {grouped})`); the other dialects flatten it first.
 */
export function compile<D extends Dialect>(dialect: D, q: Query, indexPattern: string): Compiled[D] {
  return COMPILERS[dialect](q, indexPattern);
}

export const compileLucene = (q: Query): string => compile('lucene', q, '');
export const compileDsl = (q: Query): estypes.QueryDslQueryContainer => compile('dsl', q, '');
export const compileKql = (q: Query): string => compile('kql', q, '');
export const compileEql = (q: Query): string => compile('eql', q, '');
export const compileEsql = (q: Query, indexPattern: string): string => compile('esql', q, indexPattern);
