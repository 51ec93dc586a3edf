import { parentPort, workerData } from 'node:worker_threads';
import { renderDataset } from '../render/dataset.ts';
import { Renderer } from '../render/serialize.ts';
import type { RenderJob, RenderReply, RenderSetup } from './render-pool.ts';

/** Datasets rendered on a thread of their own (see render-pool.ts): answers each job it is sent. */
const setup: RenderSetup = workerData;
const renderer = new Renderer(setup.templates, setup.painless);

function run(job: RenderJob): RenderReply {
  try {
    const sources = new Map(job.sources);
    const results = job.datasets.map((b) => {
      const r = renderDataset(b, sources, renderer, setup.options);
      return { files: [...r.files], manifestFiles: r.manifestFiles, limits: r.limits };
    });
    return { kind: 'ok', results };
  } catch {
    return { kind: 'error' }; // the main thread renders the job again, and reports the error as its own
  }
}

parentPort?.on('message', (job: RenderJob) => parentPort?.postMessage(run(job)));
