import { parentPort } from 'node:worker_threads';
import { FileError } from '../../errors.ts';
import { messageOf, scanNdjson } from '../events.ts';
import { scanInput } from './input.ts';
import type { ScanJob, ScanReply } from './parallel-scan.ts';

/** Pass 1 of replay on a thread of its own (see parallel-scan.ts): answers each job it is sent. */
async function run(job: ScanJob): Promise<ScanReply> {
  try {
    if (job.kind === 'stretch') {
      const found = await scanNdjson({ path: job.path, label: job.label, encoded: job.encoded, range: { start: job.start, end: job.end } });
      return found ? { kind: 'stretch', events: found.events, keysMayRepeat: found.keysMayRepeat.bytes } : { kind: 'not-ndjson' };
    }
    const { keysMayRepeat, ...scan } = await scanInput(job.path, job.label, { ...job.options, size: job.size });
    return { kind: 'file', scan: { ...scan, keysMayRepeat: keysMayRepeat.bytes } };
  } catch (err) {
    return { kind: 'error', ...(err instanceof FileError ? { path: err.path, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { message: messageOf(err) }) };
  }
}

parentPort?.on('message', (job: ScanJob) => {
  void run(job).then((reply) => parentPort?.postMessage(reply));
});
