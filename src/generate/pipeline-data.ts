/**
 * What the normalization script knows of a data stream's events, as data (its `params`): each
 * event's spec by "provider|id", the providers by GUID, the mapping's shape. The script's code
 * (templates/painless/normalize.painless) is the same for every data stream and reads these, so a
 * data stream of hundreds of events stays one small script (params do not count toward the
 * engine's script size limit) and recognizing an event is one map lookup.
 * Each spec is written for review as much as for the script: keys sorted, empty parts left out, the
 * message as lines of its own template text (`%N` inserts, as Windows writes them), no line of the pipeline file over
 * `MAX_LINE` characters.
 */
import type { Dataset } from '../definition/dataset.ts';
import { eventKey } from '../definition/dataset.ts';
import { UNRECOGNIZED_TAG } from '../definition/header.ts';
import type { EcsTarget, EventDefinition, Field, MessagePart } from '../definition/model.ts';
import { KEYWORD_OUTCOMES, STANDARD_KEYWORDS, WINDOWS_LEVELS, WINDOWS_TYPE_SPECS, canonicalHex, type WindowsTypeSpec } from '../definition/windows-types.ts';
import { InternalError, assertNever } from '../errors.ts';
import { datasetFields } from './fields.ts';
import { perDefinition } from './per-definition.ts';

/** No line of a generated pipeline file is longer (issue 21: reviewable at any size). */
export const MAX_LINE = 200;
/** Message lines longer than this are cut into pieces (each piece a quoted YAML scalar, with its indentation and quotes well under MAX_LINE). */
const MESSAGE_PIECE = 120;

type ShapeTree = { [name: string]: ShapeTree | string };

/** The mapping's declared fields as a tree, for the shape guard (shared by both engines' pipelines and failure handlers). */
export const shapeTree = perDefinition((dataset: Dataset): ShapeTree => {
  const root: ShapeTree = {};
  for (const f of datasetFields(dataset)) {
    const parents = f.path.split('.');
    const leaf = parents.pop() ?? f.path;
    let node = root;
    for (const part of parents) {
      const next = node[part];
      const child: ShapeTree = typeof next === 'object' ? next : {};
      node[part] = child;
      node = child;
    }
    node[leaf] = f.type === 'object' ? 'disabled' : f.type;
  }
  return root;
});

/**
 * How an ECS target's value is converted (the script's `convert`): a derivation of its text, a typed
 * number, boolean or IP address (`long` reads decimal or `0x` hex text), or its text in a lookup table.
 */
export type Conversion = 'copy' | 'basename' | 'lowercase' | 'uppercase' | 'long' | 'double' | 'boolean' | 'ip' | 'lookup';

/** One ECS target of a field, as the script reads it. */
export interface TargetSpec {
  readonly from: string;
  readonly to: string;
  readonly convert: Conversion;
  /** The table a `lookup` reads (`params.tables[table]`). */
  readonly table?: string;
  /** The Windows type, named when a value is out of its range. */
  readonly type?: string;
  /** The Windows type's range, where it is narrower than a long. */
  readonly min?: number;
  readonly max?: number;
  /** ECS arrays (`related.*`) are appended to. */
  readonly array?: true;
}

/** A message line: its text, or the text cut into pieces (joined with nothing) when it is long. */
export type MessageLine = string | readonly string[];

/** One event as the script reads it. Optional parts are left out when empty. */
export interface EventSpec {
  readonly name: string;
  /** Lowercase, as recognition compares it. */
  readonly channel: string;
  readonly action: string;
  readonly category?: readonly string[];
  readonly type?: readonly string[];
  /** [number as text, name]. */
  readonly task: readonly [string, string];
  /** The table naming the other task numbers (`params.tables[taskNames]`). */
  readonly taskNames?: string;
  readonly opcode: readonly [string, string];
  /** Older field name → canonical name. */
  readonly renames?: Readonly<Record<string, string>>;
  /** Field → values that mean "no value". */
  readonly nulls?: Readonly<Record<string, readonly string[]>>;
  readonly ecs?: readonly TargetSpec[];
  /** `event.outcome` from a field: its values that mean success (or failure), hex values in one form; the other values mean the other outcome. */
  readonly outcome?: { readonly field: string; readonly success?: readonly string[]; readonly failure?: readonly string[] };
  /** The `<UserData>` element the event's fields are in (read from `winlog.user_data`), and its namespace. */
  readonly userData?: { readonly element: string; readonly namespace?: string };
  /** Field names in insert order: `%1` is the first. */
  readonly fields: readonly string[];
  /** The message template, one entry per line: literal text with `%%` for a percent sign and `%N` (1 or 2 digits, optionally `!fmt!`) for the N-th field. */
  readonly message: readonly MessageLine[];
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
/** A range bound as a JSON number: only types narrower than 64 bits have one, so it is always exact. */
function num(n: bigint): number {
  if (n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new InternalError(`range bound ${n} is not exact as a JSON number`);
  return Number(n);
}

/**
 * How a target's value is converted. A new derivation or target type without a branch here fails to
 * compile. A range bound a long reaches anyway is left out: a value beyond it does not parse (a hex
 * value beyond 2^63 − 1 parses below 0, under the unsigned types' minimum).
 */
function conversionOf(f: Field, t: EcsTarget): Pick<TargetSpec, 'convert' | 'table' | 'type' | 'min' | 'max'> {
  if (t.lookup !== undefined) return { convert: 'lookup', table: t.lookup };
  switch (t.derive) {
    case 'basename':
    case 'lowercase':
    case 'uppercase':
      return { convert: t.derive };
    case 'integer':
      return { convert: 'long' };
    case 'copy':
      break;
    default:
      return assertNever(t.derive, 'derivation');
  }
  switch (t.type) {
    case 'long': {
      const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
      const range = spec.range;
      if (!range || (range[0] <= LONG_MIN && range[1] >= LONG_MAX)) return { convert: 'long' };
      return {
        convert: 'long',
        type: f.type,
        ...(range[0] > LONG_MIN ? { min: num(range[0]) } : {}),
        ...(range[1] < LONG_MAX ? { max: num(range[1]) } : {}),
      };
    }
    case 'double':
      return { convert: 'double' };
    case 'boolean':
      return { convert: 'boolean' };
    case 'ip':
      // Checked before it is written: text the `ip` field refuses ("-", a host name) would make the engine refuse the whole event.
      return { convert: 'ip' };
    case 'keyword':
    case 'date':
    case 'date_nanos':
      return { convert: 'copy' };
    default:
      return assertNever(t.type, 'ECS target type');
  }
}

/** The message's parts as template lines: `%N` inserts, `%%` for a literal percent sign, long lines in pieces. */
export function messageLines(parts: readonly MessagePart[]): MessageLine[] {
  // An insert before a digit gets FormatMessage's `!s!` (plain text), so `%1` then `5` is not read as `%15`.
  const text = parts.map((p, i) => (typeof p === 'string' ? p.replace(/%/g, '%%') : `%${p.insert}${/^\d/.test(String(parts[i + 1] ?? '')) ? '!s!' : ''}`)).join('');
  return text.split('\n').map((line) => (line.length <= MESSAGE_PIECE ? line : pieces(line)));
}

/**
 * A long line cut after a space where it can be, else at MESSAGE_PIECE; the script joins the pieces
 * before it reads the line, so a cut may fall anywhere.
 */
function pieces(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > MESSAGE_PIECE) {
    let cut = rest.lastIndexOf(' ', MESSAGE_PIECE - 1) + 1;
    if (cut <= MESSAGE_PIECE / 2) cut = MESSAGE_PIECE;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

function eventSpec(e: EventDefinition): EventSpec {
  const renames = Object.fromEntries(e.fields.flatMap((f) => f.aliases.map((a) => [a, f.name] as const)));
  const nulls = Object.fromEntries(e.fields.filter((f) => f.nullTokens.length > 0).map((f) => [f.name, f.nullTokens] as const));
  const ecs = e.fields.flatMap((f) => f.ecs.map((t): TargetSpec => ({ from: f.name, to: t.field, ...conversionOf(f, t), ...(t.array ? { array: true as const } : {}) })));
  const outcome = e.outcome;
  const same = (v: string) => canonicalHex(v) ?? v;
  return {
    name: e.name,
    channel: e.channel.toLowerCase(),
    action: e.ecs.action,
    ...(e.ecs.category.length ? { category: e.ecs.category } : {}),
    ...(e.ecs.type.length ? { type: e.ecs.type } : {}),
    task: [String(e.task.value), e.task.name],
    ...(e.taskNames !== undefined ? { taskNames: e.taskNames } : {}),
    opcode: [String(e.opcode.value), e.opcode.name],
    ...(Object.keys(renames).length ? { renames } : {}),
    ...(Object.keys(nulls).length ? { nulls } : {}),
    ...(ecs.length ? { ecs } : {}),
    ...(outcome ? { outcome: 'success' in outcome ? { field: outcome.field, success: outcome.success.map(same) } : { field: outcome.field, failure: outcome.failure.map(same) } } : {}),
    ...(e.userData ? { userData: { ...e.userData } } : {}),
    fields: e.fields.map((f) => f.name),
    message: messageLines(e.messageParts),
  };
}

const guidKey = (guid: string) => guid.replace(/[{}]/g, '').toUpperCase();

/** Every table the dataset's members name, once (groupDatasets refused two contents for one name). */
function datasetTables(dataset: Dataset): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const e of dataset.events) {
    for (const t of e.tables ?? []) out[t.name] ??= Object.fromEntries(Object.entries(t.entries).map(([k, v]) => [canonicalHex(k) ?? k, v]));
  }
  return out;
}

/** Everything the normalization script reads, for one data stream (the same object for both scripts that read it, so the pipeline file writes it once). */
export const scriptParams = perDefinition((dataset: Dataset) => ({
  dataset: dataset.name,
  /** Provider name (lowercase) + `|` + event id → the event's spec. */
  events: Object.fromEntries(dataset.events.map((e) => [eventKey(e.provider.name, e.eventId), eventSpec(e)] as const)),
  /** Provider GUID (uppercase, no braces) → provider name (lowercase), for events that carry only the GUID. */
  guids: Object.fromEntries(dataset.events.map((e) => [guidKey(e.provider.guid), e.provider.name.toLowerCase()] as const)),
  /** Numeric level → `log.level` as Winlogbeat writes it. */
  levels: Object.fromEntries(Object.entries(WINDOWS_LEVELS).map(([n, l]) => [n, l.logLevel])),
  /** The standard keywords: [bit of the mask, name as Windows displays it]. */
  keywords: STANDARD_KEYWORDS.map((k) => [k.bit, k.name] as const),
  /** Keyword name → the `event.outcome` it means. */
  outcomes: { ...KEYWORD_OUTCOMES },
  /** The members' lookup tables by name, each once (hex keys in one form), read by the targets that name them. */
  tables: datasetTables(dataset),
  tree: shapeTree(dataset),
  unrecognized: UNRECOGNIZED_TAG,
}));
