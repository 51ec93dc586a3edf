import { parentPort } from 'node:worker_threads';
import { FileError } from '../../errors.ts';
import { messageOf, scanNdjson } from './events.ts';
import { IdWriter } from './id-column.ts';
import { scanInput } from './input.ts';
import type { ScanJob, ScanReply } from './parallel-scan.ts';

/** Pass 1 of replay on a thread of its own (see parallel-scan.ts): answers each job it is sent. */
async function run(job: ScanJob): Promise<ScanReply> {
  try {
    if (job.kind === 'stretch') {
      const ids = job.ids === undefined ? undefined : new IdWriter(job.ids);
      try {
        const found = await scanNdjson({ path: job.path, label: job.label, encoded: job.encoded, range: { start: job.start, end: job.end } }, ids);
        return found ? { kind: 'stretch', events: found.events, keysMayRepeat: found.keysMayRepeat.bytes } : { kind: 'not-ndjson' };
      } finally {
        ids?.close();
      }
    }
    const { keysMayRepeat, ...scan } = await scanInput(job.path, job.label, { ...job.options, snapshot: job.snapshot, ...(job.ids === undefined ? {} : { ids: job.ids }) });
    return { kind: 'file', scan: { ...scan, keysMayRepeat: keysMayRepeat.bytes } };
  } catch (err) {
    return { kind: 'error', ...(err instanceof FileError ? { path: err.path, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { message: messageOf(err) }) };
  }
}

parentPort?.on('message', (job: ScanJob) => {
  void run(job).then((reply) => parentPort?.postMessage(reply));
});
