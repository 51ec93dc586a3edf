import type { Change } from '../plan/plan.ts';

/** A push failed part-way. Every write before it is complete; the next push plans from there. */
export class PushStoppedError extends Error {
  constructor(
    readonly written: readonly Change[],
    readonly notWritten: readonly Change[],
    options: { cause: unknown },
  ) {
    super(`push stopped part-way: ${written.length} of ${written.length + notWritten.length} change${written.length + notWritten.length === 1 ? '' : 's'} written`, options);
    this.name = 'PushStoppedError';
  }
}
