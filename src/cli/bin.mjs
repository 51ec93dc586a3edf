#!/usr/bin/env node
// Entry point: runs evforge compiled (dist/, built by `npm run build`, which npm ci runs as `prepare`).
// Only your definitions go through a TypeScript loader (tsx, see src/io/loader.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fail = (message, hint) => {
  process.stderr.write(`✖ ${message}\n  hint: ${hint}\n`);
  process.exit(2);
};
if (!existsSync(`${root}dist/cli/main.js`)) fail('evforge is not built (dist/ is missing)', 'run `npm run build` (npm ci runs it)');
// In a checkout (src/ beside dist/), refuse to run a dist/ compiled from other sources than src/.
if (existsSync(`${root}src/index.ts`)) {
  const { STAMP, sourceDigest } = await import('./source-digest.mjs');
  const built = existsSync(root + STAMP) ? readFileSync(root + STAMP, 'utf8').trim() : '';
  if (built !== sourceDigest(root)) fail('dist/ is out of date: src/ changed since it was built', 'run `npm run build`');
}
const { main } = await import('../../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
