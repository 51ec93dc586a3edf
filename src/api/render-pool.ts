import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import type { Dataset } from '../definition/dataset.ts';
import type { GenerateOptions } from '../generate/index.ts';
import type { DataStreamMeasure } from '../generate/limits.ts';
import type { PainlessSources } from '../generate/painless.ts';
import { renderDataset, renderedElsewhere, type RenderedDataset, type RenderedFile } from '../render/dataset.ts';
import type { Renderer, TemplateSources } from '../render/serialize.ts';
import { ask, startWorker } from '../io/threads.ts';

/**
 * Rendering datasets on worker threads: each dataset's files are a pure function of the dataset (the
 * pipeline's YAML, written and read back, is most of a 1 000-definition `generate`), so the CPUs
 * share them. The main thread renders too; results keep the datasets' order, so the files are the
 * same bytes whoever rendered them. A thread that fails leaves its datasets to the main thread,
 * which then throws the same error, for the same first dataset, as rendering them in order.
 */

/**
 * Below this many datasets, starting a thread (loading evforge's code again) costs more CPU than it
 * saves wall time (bench/RESULTS.md, generator: measured at 100 and 400 definitions). Counted in
 * definitions before they are loaded (threads start early), in datasets once they are.
 */
export const WORKER_DATASETS = 250;

/** What a rendering thread is started with. */
export interface RenderSetup {
  readonly templates: TemplateSources;
  readonly painless: PainlessSources;
  readonly options: GenerateOptions;
}

/** A job for a rendering thread: datasets, and the definition files their events came from. */
export interface RenderJob {
  readonly datasets: readonly Dataset[];
  readonly sources: readonly (readonly [string, string])[];
}

/** A thread's answer: each dataset's files and manifest entries, in the job's order, or that it failed. */
export type RenderReply =
  | { readonly kind: 'ok'; readonly results: readonly { readonly files: readonly (readonly [string, string])[]; readonly manifestFiles: readonly RenderedFile[]; readonly limits: readonly DataStreamMeasure[] }[] }
  | { readonly kind: 'error' };

/** How many threads render beside the main one: one per CPU beyond it, at most 3. */
export const renderThreads = (): number => Math.max(0, Math.min(3, availableParallelism() - 1));

/**
 * Threads that render datasets beside the main thread. Started before the definitions are loaded,
 * a thread loads evforge's code while the main thread loads them.
 */
export class RenderPool {
  private readonly workers: Worker[];
  constructor(
    private readonly setup: RenderSetup,
    threads = renderThreads(),
  ) {
    this.workers = Array.from({ length: threads }, () => startWorker(import.meta.url, 'render-worker', { workerData: setup }));
  }

  /** Every dataset rendered (renderDataset's results, in order), on the main thread and on the pool's. */
  async render(datasets: readonly Dataset[], sources: ReadonlyMap<string, string>, renderer: Renderer): Promise<RenderedDataset[]> {
    const { setup } = this;
    const renderHere = (b: Dataset) => renderDataset(b, sources, renderer, setup.options);
    if (this.workers.length === 0) return datasets.map(renderHere);
    // Few datasets (one data stream of hundreds of events is one dataset): the threads, started before
    // the definitions were loaded, would only be waited for. They stop; the main thread renders.
    if (datasets.length < WORKER_DATASETS) {
      await this.close();
      return datasets.map(renderHere);
    }
    // Small jobs, taken in turn: whoever is free takes the next, so a thread that runs slower holds fewer of them.
    const size = Math.max(4, Math.ceil(datasets.length / ((this.workers.length + 1) * 12)));
    const jobs: Dataset[][] = [];
    for (let i = 0; i < datasets.length; i += size) jobs.push(datasets.slice(i, i + size));
    const done: (RenderedDataset[] | undefined)[] = new Array(jobs.length);
    let next = 0;
    const onThread = async (worker: Worker) => {
      for (let i = next++; i < jobs.length; i = next++) {
        const job = jobs[i] ?? [];
        const reply = await ask<RenderReply>(worker, { datasets: job, sources: [...sourcesOf(job, sources)] } satisfies RenderJob, 'a rendering thread').catch((): RenderReply => ({ kind: 'error' }));
        if (reply.kind === 'error') return; // its job stays undone: the main thread renders it below
        done[i] = job.map((b, k) => {
          const r = reply.results[k];
          return r ? renderedElsewhere(b, sources, new Map(r.files), r.manifestFiles, r.limits, setup.painless, setup.options) : renderHere(b);
        });
      }
    };
    const onMain = async () => {
      for (let i = next++; i < jobs.length; i = next++) {
        done[i] = (jobs[i] ?? []).map(renderHere);
        await nextTurn(); // the threads' answers are taken, and their next jobs sent, between ours
      }
    };
    await Promise.all([...this.workers.map(onThread), onMain()]);
    return jobs.flatMap((job, i) => done[i] ?? job.map(renderHere));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The definition files of a job's events. */
function* sourcesOf(datasets: readonly Dataset[], sources: ReadonlyMap<string, string>): Generator<[string, string]> {
  for (const b of datasets) {
    for (const e of b.events) {
      const s = sources.get(e.name);
      if (s !== undefined) yield [e.name, s];
    }
  }
}
