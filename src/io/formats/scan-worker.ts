import { parentPort, workerData } from 'node:worker_threads';
import { FileError } from '../../errors.ts';
import { messageOf } from '../events.ts';
import { scanInput, type ScanReply, type ScanRequest } from './input.ts';

/**
 * Pass 1 of replay on a thread of its own (see scanInputs): scans the files it is given, one after
 * the other, and posts what it learned, or the first error, located.
 */
async function run(request: ScanRequest): Promise<ScanReply> {
  try {
    const scans = [];
    for (const f of request.files) {
      const { keysMayRepeat, ...scan } = await scanInput(f.path, f.label);
      scans.push({ ...scan, keysMayRepeat: keysMayRepeat.bytes });
    }
    return { scans };
  } catch (err) {
    return { error: err instanceof FileError ? { path: err.path, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { message: messageOf(err) } };
  }
}

const request: ScanRequest = workerData;
parentPort?.postMessage(await run(request));
