import Handlebars from 'handlebars';
import YAML from 'yaml';

/**
 * YAML for scalars and blocks: YAML 1.1 quoting rules (so `2018-06-08`, `yes`, `on` stay strings for
 * 1.1 readers such as SnakeYAML in OpenSearch), no block scalars, no folding, JSON-style escapes in
 * double quotes, so every value stays on its line whatever it contains.
 * @see https://eemeli.org/yaml/#tostring-options
 */
const YAML_OPTIONS = {
  version: '1.1',
  blockQuote: false,
  lineWidth: 0,
  minContentWidth: 0,
  indent: 4,
  doubleQuotedAsJSON: true,
  doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
} as const;

/** NEL, LS and PS are line breaks to YAML 1.1 readers: they may only appear escaped. */
const YAML11_BREAKS = /[\u0085\u2028\u2029]/;
const YAML11_ESCAPES = new Map([
  ['\u0085', '\\N'],
  ['\u2028', '\\L'],
  ['\u2029', '\\P'],
]);

function toYaml(value: unknown): string {
  const doc = new YAML.Document(value, { version: '1.1' });
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && YAML11_BREAKS.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(YAML_OPTIONS).replace(/\n$/, '').replace(/[\u0085\u2028\u2029]/g, (c) => YAML11_ESCAPES.get(c) ?? c);
}

export function yamlScalar(value: unknown): string {
  return toYaml(value);
}

export function yamlBlock(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  return toYaml(value)
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

/** A Markdown table cell: no line breaks, no unescaped `|`, no raw HTML or emphasis. */
export function markdownCell(value: unknown): string {
  return String(value ?? '')
    .replace(/[\\`*_{}[\]<>|#!~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks in the value (CommonMark: a longer fence). */
export function markdownCode(value: unknown): string {
  const text = String(value ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function markdownCodeBlock(value: unknown, lang: string): string {
  const text = String(value ?? '');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** A comment line in YAML or HTML: no line breaks can escape it. */
export function commentText(value: unknown): string {
  return String(value ?? '').replace(/\r?\n|\r/g, ' ').replace(/-->/g, '-- >');
}

/**
 * Items joined by ", " in a Markdown paragraph, a line break before any item that would take the line
 * past `width` (Markdown reads a break inside a paragraph as a space): a list of hundreds of events
 * stays a paragraph of short lines.
 */
export function wrappedList(items: readonly string[], width = 120): string {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  });
  if (line) lines.push(line);
  return lines.join('\n');
}

export type CompiledView = (context: unknown) => string;

/**
 * An isolated Handlebars environment: strict (a missing value is an error, not an empty string) and
 * no HTML escaping (every value goes through a format-aware helper instead).
 * @see https://handlebarsjs.com/api-reference/compilation.html
 */
export function compileViews(sources: Readonly<Record<string, string>>): Record<string, CompiledView> {
  const env = Handlebars.create();
  env.registerHelper('yaml', (v: unknown) => yamlScalar(v));
  env.registerHelper('yamlBlock', (v: unknown, indent: unknown) => yamlBlock(v, typeof indent === 'number' ? indent : 4));
  env.registerHelper('md', (v: unknown) => markdownCell(v));
  env.registerHelper('code', (v: unknown) => markdownCode(v));
  env.registerHelper('codeBlock', (v: unknown, lang: unknown) => markdownCodeBlock(v, typeof lang === 'string' ? lang : ''));
  env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  env.registerHelper('gt', (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b);
  env.registerHelper('comment', (v: unknown) => commentText(v));
  env.registerHelper('join', (v: unknown, sep: unknown) => (Array.isArray(v) ? v.join(typeof sep === 'string' ? sep : ', ') : ''));
  env.registerHelper('codeList', (v: unknown) => (Array.isArray(v) ? wrappedList(v.map(markdownCode)) : ''));
  env.registerHelper('mdList', (v: unknown) => (Array.isArray(v) ? wrappedList(v.map(markdownCell)) : ''));
  // A table cell cannot break: many events are counted, the events' own tables list their fields.
  env.registerHelper('eventsCell', (v: unknown) => (Array.isArray(v) ? (v.length > 4 ? `${v.length} events` : v.map(markdownCell).join(', ')) : ''));
  const out: Record<string, CompiledView> = {};
  for (const [name, source] of Object.entries(sources)) {
    const tpl = env.compile(source, { strict: true, noEscape: true });
    out[name] = (ctx) => tpl(ctx);
  }
  return out;
}
