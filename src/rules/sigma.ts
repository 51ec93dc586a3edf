import { EvforgeError } from '../errors.ts';
import { isOneOf } from '../guards.ts';
import { SIGMA_MODIFIERS, type IndexType, type SigmaDetection, type SigmaModifier, type SigmaSelection, type SigmaSelectionMap, type SigmaValue } from '../terms.ts';

/**
 * Sigma's detection model → a small query IR every dialect compiles from.
 * @see https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-rules-specification.md
 */

/* ──────────────────────────── condition ──────────────────────────── */

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'ref'; readonly name: string }
  /** `1 of sel*`, `all of them` */
  | { readonly kind: 'of'; readonly quantifier: 'any' | 'all'; readonly pattern: string };

/** A condition that cannot be compiled; `unsupported` when it is Sigma evforge does not compile (its message names the construct). */
export class ConditionError extends EvforgeError {
  readonly unsupported: boolean;
  constructor(message: string, options: { hint?: string; unsupported?: boolean } = {}) {
    super(message, { code: options.unsupported ? 'E_DETECTION_UNSUPPORTED' : 'E_DETECTION_CONDITION', hint: options.hint });
    this.unsupported = options.unsupported ?? false;
  }
}

/** What a condition may say, in the order docs/definitions.md lists it. */
export const CONDITION_SYNTAX = [
  { syntax: 'selection', meaning: 'the events a selection (a search identifier of `detection`) matches' },
  { syntax: 'a and b, a or b, not a', meaning: 'boolean logic; `not` binds tighter than `and`, `and` tighter than `or`' },
  { syntax: '( … )', meaning: 'grouping' },
  { syntax: '1 of sel*, all of sel*', meaning: 'any / every selection whose name matches the pattern (`*` is the only wildcard)' },
  { syntax: '1 of them, all of them', meaning: 'any / every selection whose name does not start with `_`' },
] as const;

/** Sigma's condition constructs evforge does not compile: a rule using one is refused, naming it. */
export const UNSUPPORTED_CONDITIONS = {
  aggregation: {
    syntax: 'selection | count() by Field > 10',
    message: 'aggregations are not supported',
    why: 'it counts events over a time window (with `timeframe`); evforge compiles rules that match one event at a time',
    hint: 'keep the selections alone as the condition and count their matches in the alerting engine (e.g. a Kibana threshold rule on the generated query), or write a Sigma correlation rule beside the generated rule',
  },
  near: {
    syntax: 'selection | near other',
    message: '"near" is not supported',
    why: 'it relates events to each other in time; evforge compiles rules that match one event at a time',
    hint: 'match each event with its own rule, and relate them in the alerting engine (e.g. an EQL sequence)',
  },
} as const satisfies Record<string, { syntax: string; message: string; why: string; hint: string }>;

function unsupported(kind: keyof typeof UNSUPPORTED_CONDITIONS, text: string): ConditionError {
  const u = UNSUPPORTED_CONDITIONS[kind];
  return new ConditionError(`${u.message}: ${JSON.stringify(text)} — ${u.why}`, { hint: u.hint, unsupported: true });
}

const TOKEN = /\s*(\(|\)|[A-Za-z0-9_*]+)/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    TOKEN.lastIndex = at;
    const [, token] = TOKEN.exec(source) ?? [];
    if (token === undefined) {
      const rest = source.slice(at).trim();
      // Sigma 1's `| count() … > n` and `| near …` after the search part.
      if (rest.startsWith('|')) throw unsupported(/^\|\s*near\b/i.test(rest) ? 'near' : 'aggregation', rest);
      throw new ConditionError(`unexpected character ${JSON.stringify(rest[0])} at position ${at + 1}`);
    }
    if (token.toLowerCase() === 'near') throw unsupported('near', source.slice(at).trim());
    tokens.push(token);
    at = TOKEN.lastIndex;
  }
  return tokens;
}

/** Parses `sel1 and not (sel2 or 1 of filter*)`. Precedence: not > and > or. */
export function parseCondition(source: string): Condition {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const take = () => tokens[i++];
  const expect = (what: string): string => {
    const t = take();
    if (t === undefined) throw new ConditionError(`condition ends early: expected ${what}`);
    return t;
  };

  const orExpr = (): Condition => {
    const items = [andExpr()];
    while (peek() === 'or') {
      take();
      items.push(andExpr());
    }
    return combine('or', items);
  };
  const andExpr = (): Condition => {
    const items = [notExpr()];
    while (peek() === 'and') {
      take();
      items.push(notExpr());
    }
    return combine('and', items);
  };
  const notExpr = (): Condition => {
    if (peek() === 'not') {
      take();
      return { kind: 'not', item: notExpr() };
    }
    return primary();
  };
  const primary = (): Condition => {
    const t = expect('a selection name');
    const lower = t.toLowerCase();
    if (t === '(') {
      const inner = orExpr();
      if (expect('")"') !== ')') throw new ConditionError(`expected ")" before "${tokens[i - 1]}"`);
      return inner;
    }
    if (t === ')') throw new ConditionError('unexpected ")"');
    if (peek() === 'of') {
      if (lower !== '1' && lower !== 'all') throw new ConditionError(`"${t} of" is not Sigma: use "1 of" or "all of"`);
      take();
      const pattern = expect('a selection pattern or "them" after "of"');
      if (pattern === '(' || pattern === ')') throw new ConditionError(`expected a selection pattern after "of", got "${pattern}"`);
      return { kind: 'of', quantifier: lower === '1' ? 'any' : 'all', pattern };
    }
    if (['and', 'or', 'not', 'of'].includes(lower)) throw new ConditionError(`expected a selection name, got "${t}"`);
    if (t.includes('*')) throw new ConditionError(`wildcard "${t}" is allowed only after "1 of" / "all of"`);
    return { kind: 'ref', name: t };
  };

  const result = orExpr();
  if (i < tokens.length) throw new ConditionError(`unexpected "${tokens[i]}" after a complete condition`);
  return result;
}

/** `a and b`, or `a` alone when it is the only item. */
function combine<T extends { readonly kind: string }>(kind: 'and' | 'or', items: readonly T[]): T | { readonly kind: 'and' | 'or'; readonly items: readonly T[] } {
  const [first, ...rest] = items;
  return first !== undefined && rest.length === 0 ? first : { kind, items };
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Selection names an `of` expression covers. */
export function expandPattern(pattern: string, selections: readonly string[]): string[] {
  if (pattern.toLowerCase() === 'them') return selections.filter((s) => !s.startsWith('_'));
  const re = globToRegExp(pattern);
  return selections.filter((s) => re.test(s));
}

/** Selection names a condition refers to, and patterns that match nothing. */
export function conditionRefs(cond: Condition, selections: readonly string[]): { used: Set<string>; unknown: string[] } {
  const used = new Set<string>();
  const unknown: string[] = [];
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case 'and':
      case 'or':
        c.items.forEach(walk);
        return;
      case 'not':
        walk(c.item);
        return;
      case 'ref':
        if (selections.includes(c.name)) used.add(c.name);
        else unknown.push(c.name);
        return;
      case 'of': {
        const names = expandPattern(c.pattern, selections);
        if (names.length === 0) unknown.push(c.pattern);
        names.forEach((n) => used.add(n));
        return;
      }
    }
  };
  walk(cond);
  return { used, unknown };
}

/* ──────────────────────────── selections ──────────────────────────── */

export interface SelectionKey {
  readonly field: string;
  readonly modifiers: readonly SigmaModifier[];
}

/** Modifiers that each say how a value matches: one key takes at most one of them. */
const MATCH_KINDS = ['contains', 'startswith', 'endswith', 're', 'exists'] as const satisfies readonly SigmaModifier[];

/** What each modifier evforge compiles does (docs/definitions.md is generated from this). */
export const SIGMA_MODIFIER_MEANINGS = {
  contains: 'the value anywhere in the field',
  startswith: 'the field starts with the value',
  endswith: 'the field ends with the value',
  all: 'every value of the list must match (without it, any one)',
  re: 'the value is a regular expression (Lucene syntax in the compiled queries)',
  cased: 'match case-sensitively (Sigma matches case-insensitively by default)',
  exists: '`true`: the field is present; `false`: it is absent',
} as const satisfies Record<SigmaModifier, string>;

/**
 * Sigma's other modifiers, which evforge does not compile, with what they do: a rule using one is
 * refused, naming it. @see https://github.com/SigmaHQ/sigma-specification/blob/main/appendix/appendix_modifier.md
 */
export const UNSUPPORTED_SIGMA_MODIFIERS: Readonly<Record<string, string>> = {
  windash: 'tries each dash character for command-line flags',
  lt: 'numeric comparison',
  lte: 'numeric comparison',
  gt: 'numeric comparison',
  gte: 'numeric comparison',
  cidr: 'an IP address in a CIDR range',
  base64: 'the value Base64-encoded',
  base64offset: 'the value Base64-encoded at any offset',
  utf16le: 'the value encoded as UTF-16LE (with base64)',
  utf16be: 'the value encoded as UTF-16BE (with base64)',
  wide: 'the value encoded as UTF-16LE (with base64)',
  utf16: 'the value encoded as UTF-16 with a byte order mark (with base64)',
  expand: 'placeholders a processing pipeline expands',
  fieldref: 'compares with another field of the same event',
  i: 'a case-insensitive regular expression (re sub-modifier)',
  m: 'a multi-line regular expression (re sub-modifier)',
  s: 'a regular expression whose dot matches newlines (re sub-modifier)',
};

export function parseSelectionKey(key: string): SelectionKey | { readonly error: string; readonly field: string; readonly hint?: string } {
  const [field = '', ...mods] = key.split('|');
  const modifiers: SigmaModifier[] = [];
  for (const m of mods) {
    const what = UNSUPPORTED_SIGMA_MODIFIERS[m];
    if (what !== undefined && Object.hasOwn(UNSUPPORTED_SIGMA_MODIFIERS, m)) {
      return { field, error: `Sigma's "${m}" modifier (${what}) is not supported`, hint: `evforge compiles the modifiers ${SIGMA_MODIFIERS.join(', ')}; express the match with those, e.g. "${field}|contains"` };
    }
    if (!isOneOf(SIGMA_MODIFIERS, m)) return { field, error: `unknown modifier "${m}"; supported: ${SIGMA_MODIFIERS.join(', ')}` };
    modifiers.push(m);
  }
  const kinds = modifiers.filter((m) => isOneOf(MATCH_KINDS, m));
  if (kinds.length > 1) return { field, error: `modifiers ${kinds.map((k) => `"${k}"`).join(' and ')} cannot be combined` };
  return { field, modifiers };
}

/* ──────────────────────────── query IR ──────────────────────────── */

/** A piece of a wildcard pattern: literal text, `*` (any run) or `?` (one character). */
export type PatternPart = string | { readonly wildcard: '*' | '?' };

export interface FieldRef {
  /** Index field the pipeline writes. */
  readonly name: string;
  readonly type: IndexType;
}

export type Query =
  | { readonly kind: 'and' | 'or'; readonly items: readonly Query[] }
  | { readonly kind: 'not'; readonly item: Query }
  | { readonly kind: 'equals'; readonly field: FieldRef; readonly value: string | number | boolean; readonly cased: boolean }
  | { readonly kind: 'wildcard'; readonly field: FieldRef; readonly pattern: readonly PatternPart[]; readonly cased: boolean }
  | { readonly kind: 'regex'; readonly field: FieldRef; readonly pattern: string; readonly cased: boolean }
  | { readonly kind: 'exists'; readonly field: FieldRef };

/** Splits a Sigma string value on unescaped `*` / `?`; `\*`, `\?`, `\\` are literals. */
export function parseWildcards(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    const next = value[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      text += next;
      i++;
    } else if (c === '*' || c === '?') {
      if (text) parts.push(text);
      text = '';
      parts.push({ wildcard: c });
    } else {
      text += c;
    }
  }
  if (text) parts.push(text);
  return parts;
}

/** Case matters only when the value has letters that change case. */
function needsCase(value: string): boolean {
  return value.toLowerCase() !== value.toUpperCase();
}

function valueQuery(field: FieldRef, modifiers: readonly SigmaModifier[], value: SigmaValue): Query {
  if (value === null) return { kind: 'not', item: { kind: 'exists', field } };
  if (modifiers.includes('exists')) {
    const exists: Query = { kind: 'exists', field };
    return value === false || value === 'false' ? { kind: 'not', item: exists } : exists;
  }
  const cased = modifiers.includes('cased');
  if (typeof value !== 'string') {
    // Numbers and booleans on a keyword field are compared as their text.
    return { kind: 'equals', field, value: field.type === 'keyword' ? String(value) : value, cased: true };
  }
  if (modifiers.includes('re')) return { kind: 'regex', field, pattern: value, cased };
  const inner = parseWildcards(value);
  const any = { wildcard: '*' } as const;
  const pattern: PatternPart[] = modifiers.includes('contains')
    ? [any, ...inner, any]
    : modifiers.includes('startswith')
      ? [...inner, any]
      : modifiers.includes('endswith')
        ? [any, ...inner]
        : inner;
  const literal = pattern.every((p) => typeof p === 'string');
  const letters = pattern.some((p) => typeof p === 'string' && needsCase(p));
  if (literal) return { kind: 'equals', field, value: pattern.join(''), cased: cased || !letters };
  return { kind: 'wildcard', field, pattern, cased: cased || !letters };
}

export type FieldResolver = (sigmaField: string) => FieldRef | undefined;

/** The maps of a selection: the one, or the list's; none for the `condition` (text, not a selection). */
export function selectionMaps(selection: SigmaSelection | string | undefined): readonly SigmaSelectionMap[] {
  if (selection === undefined || typeof selection === 'string') return [];
  return isMapList(selection) ? selection : [selection];
}

/** The selection with each map replaced by `fn(map)`: a list stays a list, a map a map. */
export function mapSelection(selection: SigmaSelection, fn: (map: SigmaSelectionMap) => SigmaSelectionMap): SigmaSelection {
  return isMapList(selection) ? selection.map(fn) : fn(selection);
}

// Array.isArray does not narrow a readonly array out of a union.
const isMapList = (s: SigmaSelection): s is readonly SigmaSelectionMap[] => Array.isArray(s);

/** A selection value: one value, or a list of them (ORed, ANDed with `|all`). */
const valuesOf = (raw: SigmaValue | readonly SigmaValue[]): readonly SigmaValue[] => (isValueList(raw) ? raw : [raw]);
const isValueList = (v: SigmaValue | readonly SigmaValue[]): v is readonly SigmaValue[] => Array.isArray(v);

function selectionMapQuery(map: SigmaSelectionMap, resolve: FieldResolver): Query {
  const items: Query[] = [];
  for (const [key, raw] of Object.entries(map)) {
    if (raw === undefined) continue; // a key without a value is as absent as in the rule's YAML
    const parsed = parseSelectionKey(key);
    if ('error' in parsed) throw new ConditionError(`${key}: ${parsed.error}`);
    const field = resolve(parsed.field);
    if (!field) throw new ConditionError(`unknown field "${parsed.field}"`);
    const queries = valuesOf(raw).map((v) => valueQuery(field, parsed.modifiers, v));
    items.push(combine(parsed.modifiers.includes('all') ? 'and' : 'or', queries));
  }
  return combine('and', items);
}

/** One selection of a detection as a query; throws ConditionError when `name` is not a selection. */
export function selectionQuery(detection: SigmaDetection, name: string, resolve: FieldResolver): Query {
  const maps = selectionMaps(detection[name]);
  if (maps.length === 0) throw new ConditionError(`"${name}" is not a selection`);
  return combine('or', maps.map((m) => selectionMapQuery(m, resolve)));
}

/**
 * The whole detection as one query; throws ConditionError on anything it cannot compile. With
 * `grouped`, the condition's structure is kept as written (selections stay groups), as Sigma's
 * reference converter prints it; otherwise nested and/or of one kind are merged.
 */
export function detectionQuery(detection: SigmaDetection, resolve: FieldResolver, options: { grouped?: boolean } = {}): Query {
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const cond = parseCondition(detection.condition);
  const build = (c: Condition): Query => {
    switch (c.kind) {
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map(build) };
      case 'not':
        return { kind: 'not', item: build(c.item) };
      case 'ref':
        if (!names.includes(c.name)) throw new ConditionError(`condition names "${c.name}", which is not a selection`);
        return selectionQuery(detection, c.name, resolve);
      case 'of': {
        const matched = expandPattern(c.pattern, names);
        if (matched.length === 0) throw new ConditionError(`"${c.pattern}" matches no selection`);
        return combine(c.quantifier === 'all' ? 'and' : 'or', matched.map((n) => selectionQuery(detection, n, resolve)));
      }
    }
  };
  return options.grouped ? build(cond) : flatten(build(cond));
}

/** Merges nested and/or of the same kind, so compiled queries stay flat and readable. */
export function flatten(q: Query): Query {
  if (q.kind === 'and' || q.kind === 'or') {
    const items = q.items.map(flatten).flatMap((i) => ((i.kind === 'and' || i.kind === 'or') && i.kind === q.kind ? i.items : [i]));
    return combine(q.kind, items);
  }
  if (q.kind === 'not') return { kind: 'not', item: flatten(q.item) };
  return q;
}

/**
 * Adds `field == value` at the top unless the query already requires exactly that. With `grouped`,
 * the query stays one group beside the guard (`guard AND (query)`).
 */
export function withGuard(q: Query, guard: Extract<Query, { kind: 'equals' }>, options: { grouped?: boolean } = {}): Query {
  const same = (x: Query) =>
    x.kind === 'equals' && x.field.name === guard.field.name && x.value === guard.value;
  const flat = flatten(q);
  if (same(flat) || (flat.kind === 'and' && flat.items.some(same))) return q;
  const guarded: Query = { kind: 'and', items: [guard, q] };
  return options.grouped ? guarded : flatten(guarded);
}

/** Index fields a query reads. */
export function queryFields(q: Query): string[] {
  const out = new Set<string>();
  const walk = (x: Query): void => {
    switch (x.kind) {
      case 'and':
      case 'or':
        x.items.forEach(walk);
        return;
      case 'not':
        walk(x.item);
        return;
      case 'equals':
      case 'wildcard':
      case 'regex':
      case 'exists':
        out.add(x.field.name);
    }
  };
  walk(q);
  return [...out].sort();
}
