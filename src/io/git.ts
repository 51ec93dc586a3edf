import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FileError } from '../errors.ts';
import { valueAt } from '../guards.ts';

const run = promisify(execFile);

async function git(cwd: string, args: string[], maxBuffer = 64 << 20): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    if (valueAt(err, 'code') === 'ENOENT') throw new FileError(cwd, 'git is not installed', 'install git, or pass --base a directory');
    const stderr = valueAt(err, 'stderr');
    throw new FileError(cwd, `git ${args[0]} failed: ${(typeof stderr === 'string' ? stderr : String(err)).trim().split('\n')[0]}`, 'check that --base names a commit, branch or tag of this repository');
  }
}

/**
 * Every file under `dir` (relative to the working folder) as it was at `ref`, read with
 * `git ls-tree` and `git cat-file --batch` (one process, whatever the number of files).
 */
export async function filesAtRef(cwd: string, ref: string, dir: string): Promise<Map<string, string> | undefined> {
  const prefix = (await git(cwd, ['rev-parse', '--show-prefix'])).trim();
  const commit = (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  const base = `${prefix}${dir.replace(/\/+$/, '')}/`;
  const listing = await git(cwd, ['ls-tree', '-r', '-z', commit, '--', base]);
  const entries = listing.split('\0').filter(Boolean).map((line) => {
    // `<mode> <type> <sha>\t<path>`
    const [meta = '', path = ''] = line.split('\t');
    return { sha: meta.split(' ')[2] ?? '', path };
  });
  if (entries.length === 0) return undefined;
  const out = new Map<string, string>();
  const contents = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile('git', ['cat-file', '--batch'], { cwd, encoding: 'buffer', maxBuffer: 256 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(entries.map((e) => e.sha).join('\n') + '\n');
  });
  let at = 0;
  for (const e of entries) {
    const nl = contents.indexOf(10, at);
    const size = Number(contents.subarray(at, nl).toString('utf8').split(' ')[2]);
    out.set(e.path.slice(base.length), contents.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return out;
}
