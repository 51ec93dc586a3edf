import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { FileError, InternalError } from '../errors.ts';
import { messageOf, valueAt } from '../guards.ts';
import { STAGING_PREFIX } from './output-folder.ts';

/**
 * Every file under `dir` as `/`-separated relative paths → bytes. A missing folder is empty.
 * A symbolic link anywhere under it is refused, naming it: evforge never reads or writes through a
 * link (a linked folder would send generate's writes outside the output folder).
 * Synchronous: thousands of small reads in one thread beat a round trip to the I/O pool each.
 */
export async function readTree(dir: string, shownAs = dir): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (valueAt(err, 'code') === 'ENOENT') return;
      throw new FileError(d, `cannot read folder: ${messageOf(err)}`, 'check the path and its permissions');
    }
    for (const e of entries) {
      if (e.name.startsWith(STAGING_PREFIX)) continue;
      const full = join(d, e.name);
      if (e.isSymbolicLink()) {
        throw new FileError(join(shownAs, relative(dir, full)), 'is a symbolic link: evforge never reads or writes through a link in its output folder', 'replace the link with what it points to (a real file or folder) or remove it, then run again; generate writes every file it owns itself');
      }
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

/**
 * Writes files so that a failure leaves the previous ones intact: everything is first written into
 * a flat staging folder inside `outDir` (same filesystem), and only then renamed into place, one
 * rename per file. Stale files are removed last. No fsync: it guards against a power cut, not a
 * failing run, and would cost a sync per file. Synchronous on purpose: thousands of small files are
 * written faster in one thread than through the I/O pool (bench/RESULTS.md, generator).
 */
export async function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string>, remove: readonly string[] = []): Promise<void> {
  const staging = join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  const entries = [...files];
  try {
    mkdirSync(staging, { recursive: true });
    entries.forEach(([rel, content], i) => {
      if (!isInside(rel)) throw new InternalError(`invalid file name ${JSON.stringify(rel)}`);
      writeFileSync(join(staging, String(i)), content, 'utf8');
    });
    // Engine folders are made before anything is renamed, so no rename fails for want of one:
    // parents first, one mkdir each (a recursive mkdir of a new folder first fails on it, then
    // climbs: twice the system calls for the 14 000 folders of 1 000 definitions).
    for (const dir of foldersFor(outDir, entries.map(([rel]) => rel))) {
      try {
        mkdirSync(dir);
      } catch (err) {
        if (valueAt(err, 'code') !== 'EEXIST') throw err;
        if (!lstatSync(dir).isDirectory()) throw inTheWay(outDir, dir, 'is a file where evforge writes a folder');
      }
    }
    // Nothing in the way of a rename: a folder where a file goes would fail it half way through.
    for (const [rel] of entries) {
      if (lstatSync(join(outDir, rel), { throwIfNoEntry: false })?.isDirectory()) throw inTheWay(outDir, join(outDir, rel), 'is a folder where evforge writes a file');
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (err instanceof FileError) throw err;
    throw new FileError(outDir, `cannot write generated files: ${messageOf(err)}`, 'nothing was changed; check free space and permissions, then run `evforge generate` again', { cause: err });
  }
  try {
    entries.forEach(([rel], i) => renameSync(join(staging, String(i)), join(outDir, rel)));
    for (const rel of remove) {
      if (!isInside(rel)) throw new FileError(outDir, `refused to remove ${JSON.stringify(rel)}: not a path inside the output folder`);
      await rm(join(outDir, rel), { force: true });
      await pruneEmptyDirs(outDir, dirname(join(outDir, rel)));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Something not evforge's at a path it writes: named, and nothing changed. */
function inTheWay(outDir: string, path: string, what: string): FileError {
  return new FileError(join(basename(outDir), relative(outDir, path)), what, 'move it out of the output folder (evforge never removes what it did not write), then run again; nothing was changed');
}

/** A `/`-separated path that stays inside the folder it is relative to. */
const isInside = (rel: string) => rel !== '' && !rel.includes('\0') && !isAbsolute(rel) && !rel.split(/[/\\]/).includes('..');

/** Every folder under `outDir` that holds one of `files`, parents before children. */
function foldersFor(outDir: string, files: readonly string[]): string[] {
  mkdirSync(outDir, { recursive: true });
  const dirs = new Set<string>();
  for (const rel of files) {
    for (let d = dirname(rel); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1)).map((d) => join(outDir, d));
}

async function pruneEmptyDirs(root: string, dir: string): Promise<void> {
  while (dir.startsWith(root) && dir !== root) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
