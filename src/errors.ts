/** A problem found in user input, rendered as `✖ message` / `→ at path` / `hint`. Data first, text last. */
export interface Issue {
  /** Stable machine-readable code, e.g. `E_FIELD_DUPLICATE`. */
  readonly code: string;
  /** Where the problem is, e.g. `fields.CallerPID.type` or `examples/ntlm-8002.ts`. */
  readonly path: string;
  readonly message: string;
  /** The next thing the user should do. */
  readonly hint?: string;
}

/** Exit codes of the CLI; documented in the README. */
export const ExitCode = {
  ok: 0,
  /** Check/diff found a difference, a test failed, or a definition is invalid. */
  failure: 1,
  /** Bad command line (unknown flag, conflicting flags, missing argument). */
  usage: 2,
  /** The cluster could not be reached or refused a request. */
  cluster: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown when input is invalid; carries every issue found, not just the first. */
export class ValidationError extends Error {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], context?: string) {
    super(`${context ? `${context}: ` : ''}${issues.length} problem${issues.length === 1 ? '' : 's'} found\n${renderIssues(issues)}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** A usage error: bad flags or arguments. */
export class UsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

/** A file that cannot be read, parsed or written. */
export class FileError extends Error {
  readonly path: string;
  readonly hint: string | undefined;
  constructor(path: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileError';
    this.path = path;
    this.hint = hint;
  }
}

/**
 * Thrown when a rendered artifact does not parse back to what was meant, or fails its schema
 * (src/render/serialize.ts; declared here so reporting it does not load the renderer).
 */
export class RenderError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'RenderError';
  }
}

export function renderIssue(issue: Issue): string {
  const lines = [`✖ ${issue.message}`, `  → at ${issue.path}`];
  if (issue.hint) lines.push(`  hint: ${issue.hint}`);
  return lines.join('\n');
}

export function renderIssues(issues: readonly Issue[]): string {
  return issues.map(renderIssue).join('\n');
}

/** Exhaustiveness guard for discriminated unions; names the value it did not expect. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
