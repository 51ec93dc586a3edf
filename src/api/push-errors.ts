import { EvforgeError, ExitCode } from '../errors.ts';
import type { Change } from '../plan/plan.ts';

/**
 * A push failed part-way. Every write before it is complete; the next push plans from there. `cause`
 * is the failure (a ClusterError), `location` the request that failed.
 */
export class PushStoppedError extends EvforgeError {
  constructor(
    readonly written: readonly Change[],
    readonly notWritten: readonly Change[],
    options: { cause: unknown },
  ) {
    super(`push stopped part-way: ${written.length} of ${written.length + notWritten.length} change${written.length + notWritten.length === 1 ? '' : 's'} written`, {
      code: 'E_PUSH_STOPPED',
      location: options.cause instanceof EvforgeError ? options.cause.location : undefined,
      hint: 'run the same push again once the cause is fixed: it plans from what is there and writes only the rest',
      cause: options.cause,
    });
  }

  /** A cluster's refusal exits as one (3). */
  override get exitCode(): ExitCode {
    return this.cause instanceof EvforgeError ? this.cause.exitCode : ExitCode.failure;
  }
}

/**
 * Another writer changed an object of this push's plan while it ran (a concurrent push of other
 * definitions of the same data stream): this push stops, and says who holds the object now.
 */
export class PushLostError extends EvforgeError {
  constructor(
    readonly change: Change,
    /** The owner definitions the object records now; undefined when it records none or is gone. */
    readonly winners: readonly string[] | undefined,
    readonly why: string,
  ) {
    super(`${change.kind.replace(/_/g, ' ')} ${change.name} ${why}`, { code: 'E_PUSH_LOST', location: `${change.kind.replace(/_/g, ' ')} ${change.name}` });
  }

  /** The message starts with the object. */
  override get headline(): string {
    return this.message;
  }
}
