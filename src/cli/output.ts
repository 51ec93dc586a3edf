import { FileError, RenderError, UsageError, ValidationError, renderIssues } from '../errors.ts';
import { ClusterError } from '../io/cluster/errors.ts';

/** Where a command writes; tests pass their own to capture output. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly verbose: boolean;
}

export function processOutput(verbose = false): Output {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    isTTY: Boolean(process.stdout.isTTY),
    verbose,
  };
}

/** A buffer Output, for tests and for commands that compose others. */
export function memoryOutput(verbose = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, verbose };
}

/** Known errors as `✖ message` / `→ at place` / `hint:`; anything else as an unexpected error. */
export function renderError(err: unknown, verbose: boolean): string {
  if (err instanceof ValidationError) return renderIssues(err.issues);
  if (err instanceof FileError) return [`✖ ${err.path}: ${err.message}`, ...(err.hint ? [`  hint: ${err.hint}`] : [])].join('\n');
  if (err instanceof UsageError) return [`✖ ${err.message}`, `  hint: ${err.hint ?? 'run `evforge --help`'}`].join('\n');
  if (err instanceof ClusterError) return [`✖ ${err.message}`, ...(err.details.hint ? [`  hint: ${err.details.hint}`] : [])].join('\n');
  if (err instanceof RenderError) return [`✖ cannot render ${err.path}: ${err.message.slice(err.path.length + 2)}`, '  hint: this is a bug in evforge or its templates; please report it with your definition'].join('\n');
  const e = err instanceof Error ? err : new Error(String(err));
  return [`✖ unexpected error: ${e.message}`, verbose && e.stack ? e.stack : '  hint: run again with --verbose for details'].join('\n');
}
