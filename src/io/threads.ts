import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { InternalError } from '../errors.ts';

/**
 * What replay's scanning threads and generate's rendering threads share: starting a worker module
 * that sits beside its pool, and asking it one job at a time.
 */

/**
 * Starts the worker module `name` beside the module at `here` (its `import.meta.url`): `.js` when
 * compiled; from the sources (tests), the thread registers tsx's loader first, as loaders do not
 * reach worker threads.
 */
export function startWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  const file = new URL(`./${name}${extname(fileURLToPath(here))}`, here);
  if (!file.pathname.endsWith('.ts')) return new Worker(file, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`, { ...options, eval: true });
}

/** Sends `job` to the worker and resolves with its answer; rejects when the thread fails or stops first (`what` names it: "a scanning thread"). */
export function ask<Reply>(worker: Worker, job: unknown, what: string): Promise<Reply> {
  return new Promise<Reply>((done, fail) => {
    const onMessage = (reply: Reply) => settle(() => done(reply));
    const onError = (err: Error) => settle(() => fail(err));
    const onExit = (code: number) => settle(() => fail(new InternalError(`${what} stopped (exit code ${code}) without an answer`)));
    const settle = (then: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      then();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job);
  });
}
