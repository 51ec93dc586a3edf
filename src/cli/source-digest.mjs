// The digest of what dist/ is compiled from: every file under src/ plus the tsconfigs, by path and
// content (not mtime: a git checkout touches files without changing them). scripts/build.mjs writes
// it to dist/; src/cli/bin.mjs compares it before running dist, so an edited src/ is never run stale.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const STAMP = 'dist/.source-digest';

export function sourceDigest(root) {
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
    .concat(['tsconfig.json', 'tsconfig.build.json'])
    .sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}
