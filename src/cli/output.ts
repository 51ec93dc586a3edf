import { EvforgeError, InternalError } from '../errors.ts';

/** Where a command writes; tests pass their own to capture output. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly verbose: boolean;
}

/**
 * Characters that steer a terminal rather than show (ANSI escapes start with ESC; a carriage return
 * overwrites a line; bidirectional overrides reorder it), as messages may quote input files:
 * every one but the line break and the tab.
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print: each control character written as its escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function processOutput(verbose = false): Output {
  const line = (t: string) => {
    const safe = printable(t);
    return safe.endsWith('\n') ? safe : `${safe}\n`;
  };
  return {
    out: (t) => process.stdout.write(line(t)),
    err: (t) => process.stderr.write(line(t)),
    isTTY: Boolean(process.stdout.isTTY),
    verbose,
  };
}

/** A buffer Output, for tests and for commands that compose others. */
export function memoryOutput(verbose = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(printable(t)), err: (t) => stderr.push(printable(t)), isTTY: false, verbose };
}

/** evforge's errors as they render themselves (`✖ place: message` / `hint:`, or issues); a bug or a foreign error as an unexpected error. */
export function formatError(err: unknown, verbose: boolean): string {
  if (err instanceof EvforgeError && !(err instanceof InternalError)) return err.format();
  const e = err instanceof Error ? err : new Error(String(err));
  return [`✖ unexpected error: ${e.message}`, verbose && e.stack ? e.stack : '  hint: run again with --verbose for details'].join('\n');
}
