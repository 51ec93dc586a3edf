/**
 * The Painless of a data stream's pipeline: one script whose code is the same for every data
 * stream (templates/painless/, loaded by src/api/templates.ts and passed in: this module stays
 * pure), and the data it reads (its `params`, see pipeline-data.ts). Only the event header's moves
 * are generated here, from one table (HEADER_FIELDS), into the `// @generated <name>` lines.
 *
 * Why data, not code per event: OpenSearch and Elasticsearch refuse a script over
 * `script.max_size_in_bytes` (65 535 by default; params do not count), and code per event grew
 * with every event, so a data stream stopped at a handful of events; an if/else recognition chain
 * also cost more the later an event came in it. Recognition is now one lookup in a map, and an
 * event's steps are loops over its spec, so the script's size and the cost of an event do not
 * grow with the number of events (bench/, K = 4, 64 and 400). Elastic's own Security data stream is
 * organized the same way (categorization from a code → spec map in params).
 * Definition text reaches the code only through `literal()` (the header's names), so it can never
 * change what the code means; the rest is data (test/integration/injection.test.ts runs hostile
 * text on the real node).
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-ingest-processor-context.html
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-literals.html
 */
import { HEADER_FIELDS } from '../definition/header.ts';
import { InternalError } from '../errors.ts';

/** The files of templates/painless/ (without `.painless`). */
export const PAINLESS_NAMES = ['helpers', 'normalize', 'on-failure'] as const;
export type PainlessSources = Readonly<Record<(typeof PAINLESS_NAMES)[number], string>>;

/**
 * A Painless string expression for any text. Single-quoted literals take `\\` and `\'` as their
 * only escapes; a character that is not printable (controls, line and paragraph separators, lone
 * surrogates, BOM) is written as `(char) n` so the source stays one line per statement and a YAML
 * block scalar can hold it. `newline`: a variable holding "\n" to use instead (the messages).
 */
export function literal(text: string, newline?: string): string {
  const parts: string[] = [];
  let run = '';
  const flush = () => {
    if (run) parts.push(`'${run}'`);
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      run += text.slice(i, i + 2);
      i++;
    } else if (c === 0x5c || c === 0x27) run += `\\${text[i]}`;
    else if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)) run += text[i];
    else {
      flush();
      parts.push(c === 10 && newline ? newline : `String.valueOf((char) ${c})`);
    }
  }
  flush();
  return parts.length === 0 ? "''" : parts.join(' + ');
}

/** A dotted path as the objects on the way (`parents`) and its last segment (`leaf`). */
export function splitPath(path: string): { parents: string[]; leaf: string } {
  const i = path.lastIndexOf('.');
  return { parents: i < 0 ? [] : path.slice(0, i).split('.'), leaf: path.slice(i + 1) };
}

/** `make(make(ctx, 'a'), 'b')`: the object at the end of `parents`, created on the way (or only looked up: `sub`). */
function holderOf(root: string, parents: readonly string[], fn: 'make' | 'sub' = 'make'): string {
  return parents.reduce((expr, k) => `${fn}(${expr}, ${literal(k)})`, root);
}

/** Replaces each `// @generated <name>` line by its section, at the marker's indentation. */
function fill(source: string, sections: Record<string, string[]>): string {
  const used = new Set<string>();
  const out = source.replace(/^([ \t]*)\/\/ @generated ([\w-]+)[ \t]*$/gm, (_m, indent: string, name: string) => {
    const lines = sections[name];
    if (!lines) throw new InternalError(`templates/painless: no generated section named ${name}`);
    used.add(name);
    return lines.length ? lines.map((l) => (l ? indent + l : l)).join('\n') : `${indent}// (none)`;
  });
  const missing = Object.keys(sections).filter((s) => !used.has(s));
  if (missing.length) throw new InternalError(`templates/painless: no marker for the generated section(s) ${missing.join(', ')}`);
  return out;
}

/** A function of helpers.painless: its name, its text (with the comments above it), the names it may call. */
interface Helper {
  readonly name: string;
  readonly text: string;
  readonly calls: readonly string[];
}

/** A top-level function's first line: a return type (`def`, `void`, a class), its name, `(`. */
const FUNCTION_START = /^[A-Za-z][\w.]*(?:\[\])* ([A-Za-z_]\w*)\(/;
const CALL = /\b([A-Za-z_]\w*)\(/g;

/**
 * helpers.painless as functions, in file order. A function starts at a line matching
 * FUNCTION_START and ends at the next line that is exactly `}`; comment lines before it are its own.
 * The file holds only functions and comments (a test checks it parses whole).
 */
export function helperFunctions(helpers: string): Helper[] {
  const out: Helper[] = [];
  const lines = helpers.split('\n');
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const start = FUNCTION_START.exec(line);
    if (!start) {
      if (line.trim()) pending.push(line);
      continue;
    }
    const end = lines.indexOf('}', i);
    if (end < 0) throw new InternalError(`templates/painless/helpers.painless: function ${start[1]} has no closing line "}"`);
    const body = lines.slice(i, end + 1);
    out.push({ name: start[1] ?? '', text: [...pending, ...body].join('\n'), calls: [...body.join('\n').matchAll(CALL)].map((m) => m[1] ?? '') });
    pending = [];
    i = end;
  }
  if (pending.some((l) => !/^\s*(?:\/\*|\*|\/\/)/.test(l) && !/\*\/\s*$/.test(l))) throw new InternalError('templates/painless/helpers.painless: text outside any function');
  return out;
}

/**
 * A script: the helpers its body calls (directly or through another helper), in file order, then
 * its own source (Painless has no imports and wants functions before statements). A script carries
 * no helper it never calls, so each stays far under the engine's script size limit.
 */
function script(helpers: string, body: string): string {
  const all = helperFunctions(helpers);
  const byName = new Map(all.map((h) => [h.name, h]));
  const needed = new Set<string>();
  const visit = (text: string) => {
    for (const [, name] of text.matchAll(CALL)) {
      const h = name === undefined ? undefined : byName.get(name);
      if (h && !needed.has(h.name)) {
        needed.add(h.name);
        visit(h.text);
      }
    }
  };
  visit(body);
  const used = all.filter((h) => needed.has(h.name)).map((h) => h.text);
  return `${used.join('\n').trimEnd()}\n\n${body.trim()}`;
}

/* ──────────────────────────── the generated sections ──────────────────────────── */

/**
 * The raw "system" shape → Winlogbeat names; no object is created unless a value moves into it
 * (`wl`, the winlog object, is looked up once, when the first value moves). Fields under the same
 * system object share one lookup of it.
 */
function systemShape(): string[] {
  const out: string[] = [];
  let group: { from: string; name: string } | undefined;
  HEADER_FIELDS.forEach((h, n) => {
    const from = splitPath(h.system);
    const to = splitPath(h.target);
    if (from.parents[0] !== 'system' || to.parents[0] !== 'winlog') throw new InternalError(`header field ${h.target}: the system shape moves system.* into winlog.*`);
    const holder = from.parents.slice(1).join('.');
    if (group && group.from !== holder) {
      out.push('}');
      group = undefined;
    }
    // Painless has no bare blocks: each nested source gets its own name.
    if (!group && holder) {
      group = { from: holder, name: `f${n}` };
      out.push(`Map ${group.name} = ${holderOf('s', from.parents.slice(1), 'sub')};`, `if (${group.name} != null) {`);
    }
    const source = group ? group.name : 's';
    const key = literal(from.leaf);
    const move = `if (${source}.containsKey(${key})) { wl = wl == null ? make(ctx, 'winlog') : wl; move(${source}, ${key}, ${holderOf('wl', to.parents.slice(1))}, ${literal(to.leaf)}); }`;
    out.push(group ? `  ${move}` : move);
  });
  if (group) out.push('}');
  return out;
}

/** Each 64-bit path as exact text (see `exactText` in helpers.painless). */
function sixtyFourBitText(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const { parents, leaf } = splitPath(p);
    return `exactText(${holderOf('ctx', parents, 'sub')}, ${literal(leaf)});`;
  });
}

function headerText(): string[] {
  return HEADER_FIELDS.filter((h) => 'toText' in h && h.toText).map((h) => {
    const { parents, leaf } = splitPath(h.target);
    return `asText(${holderOf('winlog', parents.slice(1), 'sub')}, ${literal(leaf)});`;
  });
}

/**
 * The header in one form whatever shape brought it: each `long` as a number (event XML and evtx_dump
 * give its text), each GUID in braces (the raw shape may give it bare).
 */
function headerForms(): string[] {
  return HEADER_FIELDS.flatMap((h) => {
    const { parents, leaf } = splitPath(h.target);
    const holder = holderOf('winlog', parents.slice(1), 'sub');
    if (h.type === 'long') return [`asLong(ctx, errors, ${holder}, ${literal(leaf)}, ${literal(h.target)});`];
    return 'guid' in h && h.guid ? [`braced(${holder}, ${literal(leaf)});`] : [];
  });
}

/**
 * The normalization script: the same for every data stream. `headerPaths`: the header's 64-bit
 * paths (the pipeline's `sixtyFourBitPaths` of the header) that must be exact text.
 */
export function normalizeSource(src: PainlessSources, headerPaths: readonly string[]): string {
  return script(
    src.helpers,
    fill(src.normalize, {
      'sixty-four-bit-text': sixtyFourBitText(headerPaths),
      'system-shape': systemShape(),
      'header-text': headerText(),
      'header-forms': headerForms(),
    }),
  );
}

/** The failure handler's script: the shape guard and a valid `@timestamp`. */
export const onFailureSource = (src: PainlessSources) => script(src.helpers, src['on-failure']);
