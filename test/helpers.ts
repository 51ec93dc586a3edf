import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** Compares text with a golden file byte for byte; `UPDATE_GOLDEN=1 npm test` rewrites it. */
export function assertGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
  }
  assert.equal(actual, expected, `${path} differs from its golden file (UPDATE_GOLDEN=1 npm test rewrites it)`);
}

/**
 * A scratch folder inside the repo (gitignored), so definitions written there still resolve
 * `import … from 'evforge'` through the package's self-reference.
 */
export function scratchDir(prefix: string): { dir: string; cleanup(): void } {
  const base = join(ROOT, '.evforge', 'tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
