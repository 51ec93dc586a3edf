import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ID_BYTES, idText } from '../../event-ids.ts';

/**
 * The `_id` of every JSON event, as pass 1 of replay computes it (it parses each event anyway, on
 * worker threads, while the cluster waits) for pass 2 to read in the same order: ID_BYTES per
 * event in a file of its own, so memory stays flat whatever the number of events, and pass 2
 * neither parses nor hashes an event again. Files live in a folder of the run (`idFolder`),
 * removed when the run ends, and in any case when the process exits.
 */

const FOLDERS = new Set<string>();
let hooked = false;

/** A new folder for one run's id files. */
export function idFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evforge-replay-'));
  FOLDERS.add(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const d of FOLDERS) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Removes a run's folder of id files. */
export function removeIdFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  FOLDERS.delete(dir);
}

/** Appends ids to a file, 64 KB at a time. */
export class IdWriter {
  private readonly buf = Buffer.allocUnsafe(ID_BYTES * 3641);
  private used = 0;
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(digest: Uint8Array): void {
    if (this.used + ID_BYTES > this.buf.length) this.flush();
    this.buf.set(digest.subarray(0, ID_BYTES), this.used);
    this.used += ID_BYTES;
  }

  /** Forgets every id written (a reader starting over). */
  reset(): void {
    this.used = 0;
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    let at = 0;
    while (at < this.used) at += writeSync(this.fd, this.buf, at, this.used - at, null);
    this.used = 0;
  }
}

/** Reads the ids of several files, in order, 64 KB at a time. */
export class IdReader {
  private readonly buf = Buffer.allocUnsafe(ID_BYTES * 3641);
  private size = 0;
  private at = 0;
  private file = -1;
  private fd: number | undefined;

  constructor(private readonly paths: readonly string[]) {}

  /** The next id, or undefined when there is none. */
  take(): string | undefined {
    if (this.at + ID_BYTES > this.size && !this.fill()) return undefined;
    const id = idText(this.buf.subarray(this.at, this.at + ID_BYTES));
    this.at += ID_BYTES;
    return id;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fill(): boolean {
    // Keep a partial id (none, as ids are written whole) at the start.
    this.buf.copy(this.buf, 0, this.at, this.size);
    this.size -= this.at;
    this.at = 0;
    while (this.size < ID_BYTES) {
      if (this.fd === undefined) {
        const next = this.paths[++this.file];
        if (next === undefined) return false;
        this.fd = openSync(next, 'r');
      }
      const read = readSync(this.fd, this.buf, this.size, this.buf.length - this.size, null);
      if (read === 0) this.close();
      this.size += read;
    }
    return true;
  }
}
