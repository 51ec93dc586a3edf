/** A problem found in user input, printed as `✖ message` / `→ at path` / `hint`. Data first, text last. */
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

/* ──────────────────────────── credentials ──────────────────────────── */

/**
 * The credentials this process sends (in every form they take on the wire), so that nothing a
 * server echoes back — an error repeating the `Authorization` header, a URL with its userinfo —
 * carries them into a message: every EvforgeError's message and hint pass through withoutSecrets.
 */
const SECRETS = new Set<string>();

/** Credentials shorter than this are removed only where they stand alone (a longer one wherever it occurs). */
const SHORT_SECRET = 4;

/** Remembers the credentials a client is about to send; withoutSecrets removes them from any text. */
export function rememberSecrets(o: { readonly username?: string | undefined; readonly password?: string | undefined; readonly apiKey?: string | undefined; readonly userinfo?: string }): void {
  const add = (s: string | undefined) => {
    if (s) SECRETS.add(s);
  };
  if (o.password) {
    add(o.password);
    add(encodeURIComponent(o.password));
    const basic = `${o.username ?? ''}:${o.password}`;
    add(basic);
    add(Buffer.from(basic).toString('base64'));
  }
  if (o.apiKey) {
    add(o.apiKey);
    add(Buffer.from(o.apiKey).toString('base64'));
  }
  if (o.userinfo && o.userinfo !== ':') add(o.userinfo);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with every remembered credential replaced by `[redacted]` (longest first, so no part of one survives). */
export function withoutSecrets(text: string): string {
  if (SECRETS.size === 0 || !text) return text;
  let out = text;
  for (const secret of [...SECRETS].sort((a, b) => b.length - a.length)) {
    if (secret.length >= SHORT_SECRET) out = out.split(secret).join('[redacted]');
    else out = out.replace(new RegExp(`(?<![\\w])${escapeRegExp(secret)}(?![\\w])`, 'g'), '[redacted]');
  }
  return out;
}

/* ──────────────────────────── the errors evforge throws ──────────────────────────── */

export interface EvforgeErrorOptions {
  /** Stable machine-readable code, e.g. `E_FILE`; the subclass's own when absent. */
  readonly code?: string;
  /** Where the problem is: a file (`examples/ntlm-8002.ts`, `events.xml:12`), a definition key, a cluster request. */
  readonly location?: string | undefined;
  /** The next thing to do. */
  readonly hint?: string | undefined;
  /** The error this one reports (a client's, a parser's). */
  readonly cause?: unknown;
}

/**
 * The base of every error evforge throws: a message, a stable `code`, where (`location`) and what
 * to do next (`hint`), the error it reports (`cause`), and the CLI's exit code for it. Message and
 * hint never carry a credential evforge sent (withoutSecrets). `instanceof EvforgeError` tells
 * evforge's errors from any other; README "Library API" lists the subclasses.
 */
export class EvforgeError extends Error {
  readonly code: string;
  readonly location: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: EvforgeErrorOptions = {}) {
    super(withoutSecrets(message), 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = options.code ?? 'E_EVFORGE';
    this.location = options.location;
    this.hint = options.hint === undefined ? undefined : withoutSecrets(options.hint);
  }

  /** What `evforge` exits with when this error ends a command (docs/cli.md, "Exit codes"). */
  get exitCode(): ExitCode {
    return ExitCode.failure;
  }

  /** The error as one line: the message, after its location (a class whose message names the place says the message only). */
  get headline(): string {
    return this.location === undefined ? this.message : `${this.location}: ${this.message}`;
  }

  /** The error as the CLI prints it: `✖ headline`, then `hint: …`. */
  format(): string {
    return [`✖ ${this.headline}`, ...(this.hint ? [`  hint: ${this.hint}`] : [])].join('\n');
  }
}

/** Thrown when input is invalid; carries every issue found, not just the first. */
export class ValidationError extends EvforgeError {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], context?: string) {
    super(`${context ? `${context}: ` : ''}${issues.length} problem${issues.length === 1 ? '' : 's'} found\n${formatIssues(issues)}`, { code: 'E_VALIDATION', location: context });
    this.issues = issues;
  }

  /** Each issue located on its own (`✖ message`, `→ at path`, `hint:`). */
  override format(): string {
    return formatIssues(this.issues);
  }
}

/** A usage error: bad flags or arguments, or a library operation's option out of its range. */
export class UsageError extends EvforgeError {
  constructor(message: string, hint = 'run `evforge --help`') {
    super(message, { code: 'E_USAGE', hint });
  }

  override get exitCode(): ExitCode {
    return ExitCode.usage;
  }
}

/** A file that cannot be read, parsed or written; `path` is where (also `location`). */
export class FileError extends EvforgeError {
  readonly path: string;
  constructor(path: string, message: string, hint?: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: options?.code ?? 'E_FILE', location: path, hint, ...(options && 'cause' in options ? { cause: options.cause } : {}) });
    this.path = path;
  }
}

/**
 * The input ends inside an event: a truncated file, or (when the file has grown since its size was
 * taken) an event being written while replay read it, which then is not part of the snapshot.
 */
export class UnfinishedEvent extends FileError {
  constructor(
    /** Where the reader stopped, `file:line`. */
    origin: string,
    /** The line the unfinished event starts on. */
    readonly line: number,
    message: string,
    hint: string,
  ) {
    super(origin, message, hint);
  }
}

/**
 * Thrown when a rendered artifact does not parse back to what was meant, or fails its schema
 * (src/render/serialize.ts; declared here so reporting it does not load the renderer).
 */
export class RenderError extends EvforgeError {
  constructor(
    readonly path: string,
    private readonly reason: string,
  ) {
    super(`${path}: ${reason}`, { code: 'E_RENDER', location: path, hint: 'this is a bug in evforge or its templates; please report it with your definition' });
  }

  override get headline(): string {
    return `cannot render ${this.path}: ${this.reason}`;
  }
}

/**
 * A failed cluster request, reduced to what a user can act on: the object, the HTTP status, the
 * engine's error `type` and `reason`. Built only from those fields, so no header, URL credential
 * or request body can leak into a message; what the server wrote in them is cleared of the
 * credentials evforge sent (withoutSecrets), in case it echoes them. Made at the cluster edge
 * (src/io/cluster/errors.ts: `toClusterError`); declared here so reporting it does not load the edge.
 */
export class ClusterError extends EvforgeError {
  constructor(
    message: string,
    readonly details: {
      readonly status?: number;
      readonly type?: string;
      readonly reason?: string;
      /** What was being done, e.g. `PUT component template logs-windows.ntlm@mappings`. */
      readonly action?: string;
      readonly hint?: string;
      /** Safe to try again (connection reset, 429, 503). */
      readonly retryable?: boolean;
      /** What the server asked for with `Retry-After`. */
      readonly retryAfterMs?: number;
    } = {},
  ) {
    super(message, { code: 'E_CLUSTER', location: details.action, hint: details.hint });
    const { reason, type, hint } = details;
    if (reason !== undefined || type !== undefined || hint !== undefined) {
      this.details = { ...details, ...(reason !== undefined ? { reason: withoutSecrets(reason) } : {}), ...(type !== undefined ? { type: withoutSecrets(type) } : {}), ...(hint !== undefined ? { hint: withoutSecrets(hint) } : {}) };
    }
  }

  override get exitCode(): ExitCode {
    return ExitCode.cluster;
  }

  /** The message says what was being done (`PUT … failed: …`); `location` is that action, for code that reads it. */
  override get headline(): string {
    return this.message;
  }
}

/** An import problem located in a provider description: `issue.path` is `file:line` (also `location`). */
export class ImportProblem extends EvforgeError {
  constructor(readonly issue: Issue) {
    super(issue.message, { code: issue.code, location: issue.path, hint: issue.hint });
  }
}

/**
 * A broken invariant: evforge met a state its own code rules out (a bug in evforge, or a value a
 * library caller should not pass, such as a BigInt to stableJson). The CLI reports it as an
 * unexpected error, its stack with --verbose.
 */
export class InternalError extends EvforgeError {
  constructor(message: string) {
    super(message, { code: 'E_INTERNAL' });
  }
}

export function formatIssue(issue: Issue): string {
  const lines = [`✖ ${issue.message}`, `  → at ${issue.path}`];
  if (issue.hint) lines.push(`  hint: ${issue.hint}`);
  return lines.join('\n');
}

export function formatIssues(issues: readonly Issue[]): string {
  return issues.map(formatIssue).join('\n');
}

/** Exhaustiveness guard for discriminated unions; names the value it did not expect. */
export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
