import { LosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * JSON.parse without silent rounding: integers beyond 2^53 become `bigint`, other numbers JavaScript
 * cannot hold exactly stay lossless-json `LosslessNumber`s; the project's serializer writes both back
 * digit for digit. `__proto__` keys become plain own properties. Event files, simulate results and
 * expected outputs all go through here.
 * @see https://github.com/josdejong/lossless-json
 */
export function parseLossless(text: string): unknown {
  return parse(text, null, (digits) => {
    if (isSafeNumber(digits)) return Number(digits);
    if (/^-?\d+$/.test(digits)) return BigInt(digits);
    return new LosslessNumber(digits);
  });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Whether a JSON number keeps its exact text through an ingest pipeline: an integer within the
 * signed 64-bit range (a `long`, printed back digit for digit). Anything else is altered somewhere:
 * beyond 64 bits the engine holds a BigInteger that stops every script; a decimal becomes a double
 * (`1e400` → `Infinity`, `9007199254740993.5` rounded, `4.9e-325` → `0.0`) and scripts print it in
 * Java's form (`1.0E-7`); `-0` becomes `0`.
 */
export function engineKeepsNumber(token: string): boolean {
  if (/[.eE]/.test(token) || token === '-0') return false;
  if (token.length <= 18) return true;
  const n = BigInt(token);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** Something in an event's text that the engine would alter or refuse. */
export type TextFinding =
  | { readonly kind: 'number'; readonly start: number; readonly end: number; readonly path: string }
  | { readonly kind: 'duplicate'; readonly start: number; readonly path: string };

interface Frame {
  /** Keys seen so far in this object (when keys are tracked); undefined for an array. */
  readonly keys: Set<string> | undefined;
  readonly object: boolean;
  key: string;
  index: number;
}

const pathOf = (stack: readonly Frame[], upTo: number) =>
  stack
    .slice(0, upTo)
    .map((f) => (f.object ? f.key : `[${f.index}]`))
    .join('.')
    .replace(/\.\[/g, '[');

/**
 * One pass over valid JSON text, building nothing: every number whose text the engine would not
 * keep (see engineKeepsNumber) and every key repeated within one object (the engine refuses the document,
 * and with it the whole bulk request). Paths use dots for keys and `[i]` for array positions.
 * With `keys: false` only numbers are looked for, without their paths (faster: no key is read).
 */
export function inspectJson(text: string, options: { keys?: boolean } = {}): TextFinding[] {
  const track = options.keys ?? true;
  const findings: TextFinding[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      // Jump from quote to quote (native search); a quote preceded by an odd run of \ is escaped.
      let end = text.indexOf('"', i + 1);
      for (;;) {
        if (end === -1) return findings; // not JSON: nothing more to find
        let b = end - 1;
        while (text.charCodeAt(b) === 92) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end + 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const raw = text.slice(start + 1, i - 1);
        const key: string = raw.includes('\\') ? JSON.parse(`"${raw}"`) : raw;
        if (top.keys.has(key)) findings.push({ kind: 'duplicate', start, path: pathOf(stack, stack.length - 1) + (stack.length > 1 ? '.' : '') + key });
        else top.keys.add(key);
        top.key = key;
      }
      expectKey = false;
      continue;
    }
    if (c === 123 /* { */) {
      stack.push({ keys: track ? new Set() : undefined, object: true, key: '', index: 0 });
      expectKey = true;
    } else if (c === 91 /* [ */) stack.push({ keys: undefined, object: false, key: '', index: 0 });
    else if (c === 125 || c === 93) stack.pop();
    else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) expectKey = true;
      else if (top) top.index++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i++;
      let plain = c !== 45;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 48 && d <= 57) i++;
        else if (d === 46 || d === 101 || d === 69 || d === 43 || d === 45) {
          plain = false;
          i++;
        } else break;
      }
      // Up to 18 digits, no sign or fraction: a long, whatever the digits (the common case).
      if ((!plain || i - start > 18) && !engineKeepsNumber(text.slice(start, i))) findings.push({ kind: 'number', start, end: i, path: track ? pathOf(stack, stack.length) : '' });
      continue;
    }
    i++;
  }
  return findings;
}

/**
 * Where a number the engine would alter may stand: after `:`, `,` or `[`, a number with a fraction
 * or an exponent, `-0`, or 19 digits or more, then `,`, `}` or `]`. Every such number in JSON text
 * matches; so may text inside a string, which only sends the event to inspectJson for a closer look.
 */
const ALTERED_NUMBER = /[:,[][ \t\n\r]*(?:-?\d+(?:\.\d+)?[eE][+-]?\d+|-?\d+\.\d+|-0|-?\d{19,})[ \t\n\r]*[,}\]]/;

/** A string then a colon: every key of JSON text, and `\":` inside a string. */
const KEY_MARK = /"[ \t\n\r]*:/g;

/**
 * The deepest nesting an event may have: objects and arrays inside each other, the event itself
 * being level 1 (XML elements count the same way, `<Event>` being level 1). Windows events use a
 * handful of levels; far deeper input is refused before anything is sent, located, because parsers
 * and the engine's ingest threads recurse into it (100 000 levels crashed OpenSearch's write threads).
 */
export const MAX_DEPTH = 64;

/**
 * Whether an object's JSON text may repeat a key, told cheaply from the value JSON.parse made of it:
 * without a repeat the text has exactly as many `"…":` as the value has keys at every depth (a
 * repeat leaves one key for two). A string holding `\":` also tells "may"; inspectJson then decides.
 */
export function keysMayRepeat(text: string, value: unknown, keys = measure(value).keys): boolean {
  let marks = 0;
  KEY_MARK.lastIndex = 0;
  while (KEY_MARK.test(text)) marks++;
  return marks !== keys;
}

/**
 * The keys of every object in a parsed JSON value, and its nesting depth (1 for an object of
 * scalars). Iterative: a deeply nested value is no risk.
 */
export function measure(value: unknown): { keys: number; depth: number } {
  let keys = 0;
  let depth = 0;
  const todo: unknown[] = [value];
  const levels: number[] = [1];
  while (todo.length > 0) {
    const v = todo.pop();
    const level = levels.pop() ?? 1;
    if (typeof v !== 'object' || v === null) continue;
    if (level > depth) depth = level;
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === 'object' && x !== null) {
          todo.push(x);
          levels.push(level + 1);
        }
      }
    } else if (isObject(v)) {
      for (const k in v) {
        keys++;
        const x = v[k];
        if (typeof x === 'object' && x !== null) {
          todo.push(x);
          levels.push(level + 1);
        }
      }
    }
  }
  return { keys, depth };
}

/** What `prepareEvent` changed in one event. */
export interface EventRepair {
  /** The text to send. */
  readonly text: string;
  /** How many numbers are sent as strings holding their exact original text. */
  readonly numbersAsText: number;
  /** How many keys repeat: the last value is kept in place, earlier ones in `evforge.invalid`. */
  readonly duplicates: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof LosslessNumber);

/** `o[key]` as an object: the one there, or a new one put there (a value already there is kept inside it, under `keep`). */
function objectAt(o: Json, key: string, keep: string): Json {
  const cur = o[key];
  if (isObject(cur)) return cur;
  const made: Json = cur === undefined ? {} : { [keep]: cur };
  o[key] = made;
  return made;
}

/**
 * Makes one event (valid JSON text of an object) safe to index without altering a value:
 * - a number that is not an integer within the signed 64-bit range (beyond 64 bits, any decimal
 *   point or exponent, `-0`) is sent as a JSON string of its exact original text — as Windows
 *   sends every value;
 * - a key repeated within one object keeps its last value in place (as JSON.parse does); each
 *   earlier value goes to `evforge.invalid["<path>"]` (then `<path>#2`, …), the event is marked
 *   `event.kind: pipeline_error` and `error.message` says which key, the way the pipeline marks
 *   what it moves aside.
 * Returns undefined when nothing needs changing (the text is sent byte for byte). `keysMayRepeat:
 * false` (keysMayRepeat() said so) skips the search for repeated keys, and the whole look when no
 * number could need it.
 */
export function prepareEvent(text: string, options: { keysMayRepeat?: boolean } = {}): EventRepair | undefined {
  const keys = options.keysMayRepeat ?? true;
  if (!keys && !ALTERED_NUMBER.test(text)) return undefined;
  const findings = inspectJson(text, { keys });
  if (findings.length === 0) return undefined;
  const parts: string[] = [];
  let from = 0;
  let numbers = 0;
  for (const f of findings) {
    if (f.kind !== 'number') continue;
    parts.push(text.slice(from, f.start), '"', text.slice(f.start, f.end), '"');
    from = f.end;
    numbers++;
  }
  parts.push(text.slice(from));
  const out = parts.join('');
  const duplicates = findings.length - numbers;
  if (duplicates === 0) return { text: out, numbersAsText: numbers, duplicates };

  // Positions moved with the numbers' quotes: find the repeated keys again in the new text.
  const at = new Map(inspectJson(out).flatMap((f) => (f.kind === 'duplicate' ? [[f.start, f.path] as const] : [])));
  const aside: [string, unknown][] = [];
  const event = parse(out, null, {
    onDuplicateKey: ({ position, oldValue, newValue }) => {
      aside.push([at.get(position - 1) ?? '?', oldValue]);
      return newValue;
    },
  });
  if (!isObject(event)) return { text: out, numbersAsText: numbers, duplicates };
  // Equal repeated values collapse without a call and unmarked: nothing of them is lost.
  if (aside.length > 0) markAside(event, aside);
  return { text: stringify(event) ?? out, numbersAsText: numbers, duplicates };
}

/** Earlier values of repeated keys into `evforge.invalid`, the event marked as the pipeline marks what it moves aside. */
function markAside(event: Json, aside: readonly [string, unknown][]): void {
  const invalid = objectAt(objectAt(event, 'evforge', 'evforge'), 'invalid', 'evforge.invalid');
  for (const [path, value] of aside) {
    let name = path;
    for (let k = 2; Object.hasOwn(invalid, name); k++) name = `${path}#${k}`;
    invalid[name] = value;
  }
  const kind = event['event'] ?? (event['event'] = {});
  if (isObject(kind)) kind['kind'] = 'pipeline_error';
  const error = event['error'] ?? (event['error'] = {});
  if (isObject(error)) {
    const cur = error['message'];
    const list = Array.isArray(cur) ? cur : cur === undefined ? [] : [cur];
    const paths = [...new Set(aside.map(([p]) => p))];
    list.push(`duplicate key${paths.length === 1 ? '' : 's'} ${paths.join(', ')}: the last value is kept, earlier ones in evforge.invalid`);
    error['message'] = list;
  }
}

/** The paths of what prepareEvent changes in an event (numbers sent as text, repeated keys), to name them. */
export function repairPaths(text: string): { numbersAsText: string[]; duplicates: string[] } {
  const findings = inspectJson(text);
  return { numbersAsText: findings.flatMap((f) => (f.kind === 'number' ? [f.path] : [])), duplicates: findings.flatMap((f) => (f.kind === 'duplicate' ? [f.path] : [])) };
}
