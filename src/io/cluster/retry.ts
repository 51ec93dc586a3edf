/**
 * The one retry helper of the cluster edge: every engine request (through the clients' transport,
 * whole `_bulk` requests of the bulk helper included) and every Kibana call goes through it.
 * Bounded, with exponential backoff, honouring what the server asked for with `Retry-After`.
 */

/** 4 attempts, 0.25 s, 0.5 s, 1 s apart (or what `Retry-After` says, up to 10 s). */
export const RETRY = { attempts: 4, baseMs: 250, maxDelayMs: 10_000 } as const;

/** Answers whether a failure is worth another attempt, and how long the server asked to wait. */
export type Transient = (err: unknown) => { readonly retryAfterMs?: number } | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors that were thrown after the last allowed attempt, with how many attempts were made. */
const exhausted = new WeakMap<object, number>();

/** How many attempts were made before `err` was given up on; undefined if it was not retried to the bound. */
export function attemptsBefore(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? exhausted.get(err) : undefined;
}

/** Lets `to`, which stands for `from` (the same failure unwrapped), say how many attempts were made. */
export function sameAttempts<E extends object>(from: unknown, to: E): E {
  const n = attemptsBefore(from);
  if (n !== undefined) exhausted.set(to, n);
  return to;
}

/**
 * Runs `attempt` until it succeeds, fails with something `transient` does not retry, or has been
 * tried RETRY.attempts times. The last failure is thrown as it is; attemptsBefore() tells that it
 * was retried to the bound, so the message can say so.
 */
export async function withRetries<T>(attempt: () => Promise<T>, transient: Transient): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const t = transient(err);
      if (!t) throw err;
      if (n >= RETRY.attempts) {
        if (typeof err === 'object' && err !== null) exhausted.set(err, n);
        throw err;
      }
      const backoff = RETRY.baseMs * 2 ** (n - 1);
      await sleep(Math.min(RETRY.maxDelayMs, t.retryAfterMs ?? backoff));
    }
  }
}
