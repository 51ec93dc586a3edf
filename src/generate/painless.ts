/**
 * The Painless of a data stream's pipeline: the source files of templates/painless/ (loaded by
 * src/io/templates.ts and passed in: this module stays pure), with the sections marked
 * `// @generated <name>` written here from the bundle's definitions.
 *
 * Why generated code: measured on OpenSearch 2.19 (bench/), one params-driven script for every
 * definition cost 2.1× a hand-written script doing the same work — list walks over params, a
 * dynamic lookup per step. Here each event's steps are straight code with its names as literals,
 * in functions of its own (`steps<n>`, `fields<n>`) that the script's body calls once an if/else
 * on provider + event id has recognized the event: the body stays short, so the JVM compiles it
 * (see templates/painless/normalize.painless). Definition text reaches the code only through
 * `literal()`, so it can never change what the code means (test/integration/injection.test.ts runs
 * hostile text on the real node).
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-ingest-processor-context.html
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-literals.html
 */
import type { Bundle } from '../definition/bundle.ts';
import { HEADER_FIELDS } from '../definition/header.ts';
import type { EcsTarget, EventDefinition, Field } from '../definition/model.ts';
import { WINDOWS_TYPE_SPECS, type WindowsTypeSpec } from '../definition/windows-types.ts';
import { assertNever } from '../errors.ts';

/** The files of templates/painless/ (without `.painless`). */
export const PAINLESS_NAMES = ['helpers', 'normalize', 'on-failure'] as const;
export type PainlessSources = Readonly<Record<(typeof PAINLESS_NAMES)[number], string>>;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

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
    if (!lines) throw new Error(`templates/painless: no generated section named ${name}`);
    used.add(name);
    return lines.length ? lines.map((l) => (l ? indent + l : l)).join('\n') : `${indent}// (none)`;
  });
  const missing = Object.keys(sections).filter((s) => !used.has(s));
  if (missing.length) throw new Error(`templates/painless: no marker for the generated section(s) ${missing.join(', ')}`);
  return out;
}

/** Every script is the helpers, then its own source (Painless wants functions before statements). */
const script = (helpers: string, body: string) => `${helpers.trimEnd()}\n\n${body.trim()}`;

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
    if (from.parents[0] !== 'system' || to.parents[0] !== 'winlog') throw new Error(`header field ${h.target}: the system shape moves system.* into winlog.*`);
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

const guidKey = (guid: string) => guid.replace(/[{}]/g, '').toUpperCase();

function providerByGuid(bundle: Bundle): string[] {
  const byGuid = new Map(bundle.events.map((e) => [guidKey(e.provider.guid), e.provider.name.toLowerCase()]));
  return [...byGuid].map(([g, name]) => `if (g == ${literal(g)}) { return ${literal(name)}; }`);
}

function dispatch(bundle: Bundle): string[] {
  const byProvider = new Map<string, [EventDefinition, number][]>();
  bundle.events.forEach((e, i) => byProvider.set(e.provider.name.toLowerCase(), [...(byProvider.get(e.provider.name.toLowerCase()) ?? []), [e, i]]));
  const out: string[] = [];
  [...byProvider].forEach(([provider, events], i) => {
    out.push(`${i ? '} else ' : ''}if (p == ${literal(provider)}) {`);
    events.forEach(([e, n], j) => {
      out.push(`  ${j ? '} else ' : ''}if (id == ${literal(String(e.eventId))}) {`);
      out.push(`    return chan == null || chan == ${literal(e.channel.toLowerCase())} ? ${n} : -1; // ${comment(e.name)}`);
    });
    out.push('  }');
  });
  if (out.length) out.push('}');
  return out;
}

/** Definition names in a `//` comment: one line, nothing that could end it early. */
const comment = (s: string) => literal(s).replace(/[^\x20-\x7e]/g, '?');

/**
 * Each event's own code as functions: `steps<n>` (before the header defaults) and `fields<n>`
 * (after), n its number in the bundle. The script's body only calls them, so no Java method
 * grows with the number of events or fields (see templates/painless/normalize.painless).
 */
const STEPS = { name: 'steps', params: 'Map ctx, Map winlog, Map d, List errors', args: 'ctx, winlog, d, errors' };
const FIELDS = { name: 'fields', params: 'Map ctx, Map d, List errors', args: 'ctx, d, errors' };

function eventFunctions(bundle: Bundle): string[] {
  return bundle.events.flatMap((e, n) => [
    `void ${STEPS.name}${n}(${STEPS.params}) { // ${comment(e.name)}`,
    ...eventSteps(e).map((l) => (l ? `  ${l}` : l)),
    '}',
    `void ${FIELDS.name}${n}(${FIELDS.params}) { // ${comment(e.name)}`,
    ...eventFields(e).map((l) => (l ? `  ${l}` : l)),
    '}',
  ]);
}

/** `if (which == n) { steps<n>(…); } else if …`: the call of each event's function. */
function calls(bundle: Bundle, fn: { name: string; args: string }): string[] {
  return bundle.events.map((e, n) => `${n ? 'else ' : ''}if (which == ${n}) { ${fn.name}${n}(${fn.args}); } // ${comment(e.name)}`);
}

function eventSteps(e: EventDefinition): string[] {
  const aliases = e.fields.flatMap((f) => f.aliases.map((a) => `alias(ctx, d, errors, ${literal(a)}, ${literal(f.name)});`));
  return [
    ...(aliases.length ? ['if (d != null) {', ...aliases.map((l) => `  ${l}`), '}'] : []),
    ...(['task', 'opcode'] as const).map((k) => `rename(winlog, ${literal(k)}, ${literal(String(e[k].value))}, ${literal(e[k].name)});`),
    `putAbsent(make(ctx, 'event'), 'action', ${literal(e.ecs.action)});`,
    ...e.ecs.category.map((c) => `appendNew(make(ctx, 'event'), 'category', ${literal(c)});`),
    ...e.ecs.type.map((t) => `appendNew(make(ctx, 'event'), 'type', ${literal(t)});`),
  ];
}

/** How one ECS target's value is converted. A new derivation or type without a branch here fails to compile. */
function conversion(f: Field, t: EcsTarget, v: string): string {
  switch (t.derive) {
    case 'basename':
      return `basename(${v})`;
    case 'lowercase':
      return `((String) ${v}).toLowerCase()`;
    case 'uppercase':
      return `((String) ${v}).toUpperCase()`;
    case 'copy':
      break;
    default:
      return assertNever(t.derive, 'derivation');
  }
  switch (t.type) {
    case 'long': {
      const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
      const range = spec.range;
      if (!range || (range[0] <= LONG_MIN && range[1] >= LONG_MAX)) return `toLong(${v})`;
      const [min, max] = [range[0] < LONG_MIN ? LONG_MIN : range[0], range[1] > LONG_MAX ? LONG_MAX : range[1]];
      return `inRange(toLong(${v}), ${literal(f.name)}, ${literal(f.type)}, ${min}L, ${max}L)`;
    }
    case 'double':
      return `Double.parseDouble(text(${v}).trim())`;
    case 'boolean':
      return `toBoolean(${v})`;
    case 'keyword':
    case 'ip':
    case 'date':
    case 'date_nanos':
      return v;
    default:
      return assertNever(t.type, 'ECS target type');
  }
}

function target(f: Field, t: EcsTarget, n: number): string[] {
  const to = splitPath(t.field);
  const key = literal(to.leaf);
  const why = (s: string) => literal(`${f.name} could not be written to ${t.field}${s}`);
  const v = `v${n}`;
  const write = t.array ? `appendTarget(to, ${key}, ${v});` : `to.put(${key}, ${conversion(f, t, v)});`;
  return [
    // Painless has no bare blocks: each value gets its own name.
    `def ${v} = d.get(${literal(f.name)});`,
    `if (${v} != null) {`,
    `  Map to = ${holderOf('ctx', to.parents)};`,
    `  if (to == null) { errors.add(${why(': a non-object is in the way')}); }`,
    `  else${t.array ? '' : ` if (to.get(${key}) == null)`} {`,
    `    try { ${write} }`,
    `    catch (Exception e) { quarantine(ctx, ${literal(t.field)}, ${v}); errors.add(${why(': ')} + e.getMessage()); }`,
    '  }',
    '}',
  ];
}

/** The field a message insert (`%n`, 1-based) names; the definition's validation made sure there is one. */
function inserted(e: EventDefinition, n: number): Field {
  const f = e.fields[n - 1];
  if (!f) throw new Error(`${e.name}: the message inserts %${n}, and the event has ${e.fields.length} fields`);
  return f;
}

function eventFields(e: EventDefinition): string[] {
  const message = e.messageParts.map((p) => (typeof p === 'string' ? literal(p, 'NL') : `insert(d, ${literal(inserted(e, p.insert).name)})`));
  const nulls = e.fields
    .filter((f) => f.nullTokens.length > 0)
    .map((f) => `if (d.get(${literal(f.name)}) instanceof String && (${f.nullTokens.map((t) => `d.get(${literal(f.name)}) == ${literal(t)}`).join(' || ')})) { d.remove(${literal(f.name)}); }`);
  let n = 0;
  const targets = e.fields.flatMap((f) => f.ecs.flatMap((t) => target(f, t, n++)));
  return [
    'String NL = String.valueOf((char) 10);',
    "def m = ctx.get('message');",
    `if (m == null || (m instanceof String && ((String) m).isEmpty())) { ctx.put('message', ${message.length ? message.join(' + ') : "''"}); }`,
    ...(nulls.length || targets.length ? ['if (d != null) {', ...[...nulls, ...targets].map((l) => `  ${l}`), '}'] : []),
    `mark(ctx, 'event', ${literal(e.name)});`,
  ];
}

/**
 * The normalization script of one bundle. `sixtyFourBit`: the paths whose values must be exact
 * text (the pipeline's `sixtyFourBitPaths`).
 */
export function normalizeSource(bundle: Bundle, src: PainlessSources, sixtyFourBit: readonly string[]): string {
  return script(
    src.helpers,
    fill(src.normalize, {
      'sixty-four-bit-text': sixtyFourBitText(sixtyFourBit),
      'system-shape': systemShape(),
      'header-text': headerText(),
      'provider-by-guid': providerByGuid(bundle),
      dispatch: dispatch(bundle),
      'event-functions': eventFunctions(bundle),
      'event-steps': calls(bundle, STEPS),
      dataset: [`putAbsent(event, 'dataset', ${literal(bundle.dataset)});`],
      'event-fields': calls(bundle, FIELDS),
    }),
  );
}

/** The failure handler's script: the shape guard and a valid `@timestamp`. */
export const onFailureSource = (src: PainlessSources) => script(src.helpers, src['on-failure']);
