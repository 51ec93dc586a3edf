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
  readonly keys: Set<string> | undefined;
  key: string;
  index: number;
}

const pathOf = (stack: readonly Frame[], upTo: number) =>
  stack
    .slice(0, upTo)
    .map((f) => (f.keys ? f.key : `[${f.index}]`))
    .join('.')
    .replace(/\.\[/g, '[');

/**
 * One pass over valid JSON text, building nothing: every number whose text the engine would not
 * keep (see engineKeepsNumber) and every key repeated within one object (the engine refuses the document,
 * and with it the whole bulk request). Paths use dots for keys and `[i]` for array positions.
 */
export function inspectJson(text: string): TextFinding[] {
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
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) findings.push({ kind: 'duplicate', start, path: pathOf(stack, stack.length - 1) + (stack.length > 1 ? '.' : '') + key });
        else top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      continue;
    }
    if (c === 123 /* { */) {
      stack.push({ keys: new Set(), key: '', index: 0 });
      expectKey = true;
    } else if (c === 91 /* [ */) stack.push({ keys: undefined, key: '', index: 0 });
    else if (c === 125 || c === 93) stack.pop();
    else if (c === 44 /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.keys) expectKey = true;
      else top.index++;
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
      if ((!plain || i - start > 18) && !engineKeepsNumber(text.slice(start, i))) findings.push({ kind: 'number', start, end: i, path: pathOf(stack, stack.length) });
      continue;
    }
    i++;
  }
  return findings;
}

/** What `prepareEvent` changed in one event. */
export interface EventRepair {
  /** The text to send. */
  readonly text: string;
  /** Paths of numbers sent as strings holding their exact original text. */
  readonly numbersAsText: readonly string[];
  /** Paths of repeated keys: the last value is kept in place, earlier ones in `evforge.invalid`. */
  readonly duplicates: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof LosslessNumber);

/**
 * Makes one event (valid JSON text of an object) safe to index without altering a value:
 * - a number that is not an integer within the signed 64-bit range (beyond 64 bits, any decimal
 *   point or exponent, `-0`) is sent as a JSON string of its exact original text — as Windows
 *   sends every value;
 * - a key repeated within one object keeps its last value in place (as JSON.parse does); each
 *   earlier value goes to `evforge.invalid["<path>"]` (then `<path>#2`, …), the event is marked
 *   `event.kind: pipeline_error` and `error.message` says which key, the way the pipeline marks
 *   what it moves aside.
 * Returns undefined when nothing needs changing (the text is sent byte for byte).
 */
export function prepareEvent(text: string): EventRepair | undefined {
  const findings = inspectJson(text);
  if (findings.length === 0) return undefined;
  const numbers = findings.filter((f): f is Extract<TextFinding, { kind: 'number' }> => f.kind === 'number');
  let out = text;
  for (let k = numbers.length - 1; k >= 0; k--) {
    const f = numbers[k]!;
    out = `${out.slice(0, f.start)}"${out.slice(f.start, f.end)}"${out.slice(f.end)}`;
  }
  const duplicates = findings.filter((f) => f.kind === 'duplicate').map((f) => f.path);
  if (duplicates.length === 0) return { text: out, numbersAsText: numbers.map((f) => f.path), duplicates };

  // Positions moved with the numbers' quotes: find the repeated keys again in the new text.
  const at = new Map(inspectJson(out).flatMap((f) => (f.kind === 'duplicate' ? [[f.start, f.path] as const] : [])));
  const aside: [string, unknown][] = [];
  const event = parse(out, null, {
    onDuplicateKey: ({ position, oldValue, newValue }) => {
      aside.push([at.get(position - 1) ?? '?', oldValue]);
      return newValue;
    },
  }) as Json;
  // Equal repeated values collapse without a call and unmarked: nothing of them is lost.
  if (aside.length > 0) {
    let ev = event['evforge'];
    if (!isObject(ev)) {
      ev = ev === undefined ? {} : { evforge: ev };
      event['evforge'] = ev;
    }
    let invalid = (ev as Json)['invalid'];
    if (!isObject(invalid)) {
      invalid = invalid === undefined ? {} : { 'evforge.invalid': invalid };
      (ev as Json)['invalid'] = invalid;
    }
    const inv = invalid as Json;
    for (const [path, value] of aside) {
      let name = path;
      for (let k = 2; Object.hasOwn(inv, name); k++) name = `${path}#${k}`;
      inv[name] = value;
    }
  }
  if (aside.length > 0) {
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
  return { text: stringify(event)!, numbersAsText: numbers.map((f) => f.path), duplicates };
}
