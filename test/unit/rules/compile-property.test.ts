import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIALECTS, UnsupportedError, compile, type Compiled, type Dialect } from '../../../src/rules/compile.ts';
import { detectionQuery, withGuard, type FieldRef, type Query } from '../../../src/rules/sigma.ts';
import type { SigmaDetection, SigmaSelectionMap, SigmaValue } from '../../../src/terms.ts';

/**
 * Seeded, bounded properties over random Sigma detections (hostile values, every modifier, random
 * conditions with not / and / or / parentheses / `1 of` / `all of`), compiled to every dialect.
 */

const SEED = 2026;
const RUNS = 400;
const INDEX = 'logs-x-*';

const FIELDS: Readonly<Record<string, FieldRef>> = {
  Image: { name: 'process.executable', type: 'keyword' },
  User: { name: 'user.name', type: 'keyword' },
  Pid: { name: 'process.pid', type: 'long' },
  Ts: { name: '@timestamp', type: 'keyword' },
};
const GUARD = { kind: 'equals', field: { name: 'winlog.channel', type: 'keyword' }, value: 'Some/Channel: "x"', cased: true } as const;

/* ──────────────────────────── random detections ──────────────────────────── */

const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\t', '\n', '\r', '*', '?', '\\', '"', '`', "'", '(', ')', '[', ']', '{', '}', ':', '/', '-', '+', '&', '|', '!', '^', '~', '<', '>', '=', '#', '%', 'é'), maxLength: 8 });
const scalar: fc.Arbitrary<SigmaValue> = fc.oneof({ weight: 6, arbitrary: text }, fc.integer({ min: -5, max: 5 }), fc.constant(null));
const key = fc.tuple(fc.constantFrom('Image', 'User', 'Pid', 'Ts'), fc.constantFrom('', '|contains', '|startswith', '|endswith', '|contains|all', '|cased', '|contains|cased', '|re', '|re|cased', '|exists'));
const map: fc.Arbitrary<SigmaSelectionMap> = fc
  .uniqueArray(fc.tuple(key, fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 })), fc.boolean()), { minLength: 1, maxLength: 3, selector: ([[f, m]]) => `${f}${m}` })
  .map((entries) => Object.fromEntries(entries.map(([[f, m], value, exists]) => [`${f}${m}`, m === '|exists' ? exists : m.includes('|re') ? reValue(value) : value])));
/** `re` takes strings, and a regular expression cannot end in a lone `\` (PCRE and Lucene refuse it): it is doubled. */
const regex = (v: SigmaValue) => String(v).replace(/(?<!\\)(\\\\)*\\$/, '$&\\');
const reValue = (v: SigmaValue | readonly SigmaValue[]) => (isList(v) ? v.map(regex) : regex(v));
const isList = (v: SigmaValue | readonly SigmaValue[]): v is readonly SigmaValue[] => Array.isArray(v);

const NAMES = ['sel1', 'sel2', 'filter1', 'filter2'] as const;
type Cond = string;
const condition: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES, '1 of sel*', 'all of filter*', '1 of them', 'all of them'),
    fc.tuple(tie('c'), fc.constantFrom('and', 'or'), tie('c')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('c').map((c) => `not ${c}`),
    tie('c').map((c) => `(${c})`),
  ),
})).c;
const detection: fc.Arbitrary<SigmaDetection> = fc.record({ sel1: map, sel2: map, filter1: map, filter2: map, condition });

const query = detection.map((d) => withGuard(detectionQuery(d, (f) => FIELDS[f], { grouped: true }), GUARD, { grouped: true }));

/* ──────────────────────────── what the IR says a dialect must refuse ──────────────────────────── */

type Leaf = Exclude<Query, { kind: 'and' | 'or' | 'not' }>;
function leaves(q: Query): Leaf[] {
  switch (q.kind) {
    case 'and':
    case 'or':
      return q.items.flatMap(leaves);
    case 'not':
      return leaves(q.item);
    case 'equals':
    case 'wildcard':
    case 'regex':
    case 'exists':
      return [q];
  }
}
/** Why a dialect refuses a leaf, if it does. */
const REFUSES: { readonly [D in Dialect]: (leaf: Leaf) => string | undefined } = {
  lucene: () => undefined,
  dsl: () => undefined,
  kql: (x) =>
    x.kind === 'regex'
      ? 'KQL has no regular expressions'
      : x.kind === 'wildcard' && x.pattern.some((p) => typeof p !== 'string' && p.wildcard === '?')
        ? 'KQL has no single-character wildcard (?)'
        : undefined,
  eql: (x) => (x.kind === 'wildcard' && x.pattern.some((p) => typeof p === 'string' && /[*?]/.test(p)) ? 'EQL cannot escape a literal * or ? in a wildcard pattern' : undefined),
  esql: (x) => (x.kind === 'regex' && !x.cased ? 'ES|QL RLIKE is case-sensitive; add the |cased modifier or use another dialect' : undefined),
};
/** The first leaf, left to right, that the dialect refuses names the reason. */
const refusal = (d: Dialect, q: Query) => leaves(q).map(REFUSES[d]).find((why) => why !== undefined);

/* ──────────────────────────── well-formedness of the text dialects ──────────────────────────── */

interface Syntax {
  /** `\` escapes the next character outside strings too. */
  readonly bareEscape: boolean;
  /** Delimiters of strings in which `\` escapes the next character. */
  readonly strings: string;
  /**
   * Lucene's `/regex/`: it ends at the first `/` not right after a `\` (its lexer reads `\/` as an
   * escaped slash and any other `\` as itself).
   */
  readonly regex: boolean;
  /** Backquoted names, a backquote doubled inside. */
  readonly backquotes: boolean;
}
const SYNTAX: { readonly [D in Exclude<Dialect, 'dsl'>]: Syntax } = {
  lucene: { bareEscape: true, strings: '"', regex: true, backquotes: false },
  kql: { bareEscape: true, strings: '"', regex: false, backquotes: false },
  eql: { bareEscape: false, strings: '"', regex: false, backquotes: true },
  esql: { bareEscape: false, strings: '"', regex: false, backquotes: true },
};

/** The first problem in a query's text: an unbalanced parenthesis, an unclosed string, a dangling escape. */
function malformed(text: string, syntax: Syntax): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && syntax.bareEscape) {
      if (i + 1 >= text.length) return 'a dangling \\ at the end';
      i++;
    } else if (syntax.strings.includes(c)) {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return `${c} at ${start} is never closed`;
    } else if (c === '/' && syntax.regex) {
      const start = i;
      for (i++; i < text.length && !(text[i] === '/' && text[i - 1] !== '\\'); i++);
      if (i >= text.length) return `/ at ${start} is never closed`;
    } else if (c === '`' && syntax.backquotes) {
      const start = i;
      for (i++; i < text.length; i++) {
        if (text[i] !== '`') continue;
        if (text[i + 1] !== '`') break;
        i++;
      }
      if (i >= text.length) return `\` at ${start} is never closed`;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return `")" at ${i} closes nothing`;
  }
  return depth === 0 ? undefined : `${depth} "(" left open`;
}

/* ──────────────────────────── the properties ──────────────────────────── */

const outcome = <D extends Dialect>(dialect: D, q: Query): { ok: Compiled[D] } | { refused: string } => {
  try {
    return { ok: compile(dialect, q, INDEX) };
  } catch (err) {
    if (err instanceof UnsupportedError) return { refused: err.message };
    throw err;
  }
};

describe('query dialects: properties over random detections (seeded)', function () {
  this.timeout(60_000);

  it('every dialect compiles every random detection, or refuses exactly what it cannot express, saying why', () => {
    fc.assert(
      fc.property(query, (q) => {
        for (const d of DIALECTS) {
          const o = outcome(d, q);
          assert.equal('refused' in o ? o.refused : undefined, refusal(d, q), d);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('Lucene, KQL, EQL and ES|QL outputs are well-formed: parentheses balanced, strings, names and escapes closed', () => {
    fc.assert(
      fc.property(query, (q) => {
        for (const d of ['lucene', 'kql', 'eql', 'esql'] as const) {
          const o = outcome(d, q);
          if ('ok' in o) assert.equal(malformed(o.ok, SYNTAX[d]), undefined, `${d}: ${o.ok}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('the well-formedness check finds what it looks for', () => {
    assert.equal(malformed('a:(b OR c)', SYNTAX.lucene), undefined);
    assert.match(malformed('a:(b OR c', SYNTAX.lucene) ?? '', /left open/);
    assert.match(malformed('a:b)', SYNTAX.lucene) ?? '', /closes nothing/);
    assert.match(malformed('a:"b', SYNTAX.lucene) ?? '', /never closed/);
    assert.match(malformed('a:/b\\/', SYNTAX.lucene) ?? '', /never closed/);
    assert.equal(malformed('a:/\\\\//', SYNTAX.lucene), undefined);
    assert.match(malformed('a\\', SYNTAX.kql) ?? '', /dangling/);
    assert.equal(malformed('f == "(\\""', SYNTAX.eql), undefined);
    assert.match(malformed('`a``b == 1', SYNTAX.esql) ?? '', /never closed/);
  });

  it('Query DSL keeps every leaf of the condition: one term / wildcard / regexp / exists per leaf', () => {
    const count = (x: unknown): number => {
      if (Array.isArray(x)) return x.reduce((n: number, i) => n + count(i), 0);
      if (typeof x !== 'object' || x === null) return 0;
      return Object.entries(x).reduce((n, [k, v]) => n + (['term', 'wildcard', 'regexp', 'exists'].includes(k) ? 1 : count(v)), 0);
    };
    fc.assert(
      fc.property(query, (q) => {
        assert.equal(count(compile('dsl', q, INDEX)), leaves(q).length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  /** The text of the one string literal in `text` (between the first and last `"`), read by the dialect's escapes. */
  const UNQUOTE: { readonly [D in 'kql' | 'eql' | 'esql']: (literal: string) => string } = {
    // Kibana's kuery grammar: \t \r \n, \uXXXX, \\ and \" inside quotes.
    kql: (s) => s.replace(/\\(u[0-9a-fA-F]{4}|[trn\\"])/g, (_, e: string) => ({ t: '\t', r: '\r', n: '\n', '\\': '\\', '"': '"' })[e] ?? String.fromCharCode(parseInt(e.slice(1), 16))),
    eql: (s) => s.replace(/\\([trn\\"])/g, (_, e: string) => ({ t: '\t', r: '\r', n: '\n', '\\': '\\', '"': '"' })[e] ?? e),
    esql: (s) => s.replace(/\\([trn\\"])/g, (_, e: string) => ({ t: '\t', r: '\r', n: '\n', '\\': '\\', '"': '"' })[e] ?? e),
  };
  it("a value survives each dialect's quoting or escaping: the dialect's own unescaping gives it back", () => {
    fc.assert(
      fc.property(text, (value) => {
        const q: Query = { kind: 'equals', field: { name: 'f', type: 'keyword' }, value, cased: true };
        const lucene = compile('lucene', q, INDEX).slice('f:'.length);
        if (value === '') assert.equal(lucene, '""');
        else {
          assert.equal(lucene.replace(/\\([\s\S])/g, '$1'), value, 'lucene');
          assert.doesNotMatch(lucene.replace(/\\[\s\S]/g, ''), /[+\-=&|!(){}[\]^"~*?:\\/<>\s]/, 'lucene: no reserved character left bare');
        }
        for (const d of ['kql', 'eql', 'esql'] as const) {
          const out: string = compile(d, q, INDEX);
          const literal: string = out.slice(out.indexOf('"') + 1, out.lastIndexOf('"'));
          assert.equal(UNQUOTE[d](literal), value, d);
        }
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });
});
