import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { FileError } from '../errors.ts';

const STAGING_PREFIX = '.evforge-staging-';

/** Every file under `dir` as `/`-separated relative paths → bytes. A missing folder is empty. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new FileError(d, `cannot read folder: ${(err as Error).message}`, 'check the path and its permissions');
    }
    for (const e of entries) {
      if (e.name.startsWith(STAGING_PREFIX)) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.set(relative(dir, full).split(sep).join('/'), await readFile(full));
    }
  };
  await walk(dir);
  return out;
}

/**
 * Writes files so that a failure leaves the previous ones intact: everything is first written and
 * fsynced into a staging folder inside `outDir` (same filesystem), and only then renamed into place,
 * one rename per file. Stale files are removed last.
 */
export async function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string>, remove: readonly string[] = []): Promise<void> {
  const staging = join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging, { recursive: true });
    for (const [rel, content] of files) {
      const path = join(staging, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content, 'utf8');
      const fd = openSync(path, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new FileError(outDir, `cannot write generated files: ${(err as Error).message}`, 'nothing was changed; check free space and permissions, then run `evforge generate` again', { cause: err });
  }
  try {
    for (const rel of files.keys()) {
      const to = join(outDir, rel);
      await mkdir(dirname(to), { recursive: true });
      await rename(join(staging, rel), to);
    }
    for (const rel of remove) {
      await rm(join(outDir, rel), { force: true });
      await pruneEmptyDirs(outDir, dirname(join(outDir, rel)));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
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
