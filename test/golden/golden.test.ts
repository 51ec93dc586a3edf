import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { computeOutput } from '../../src/api/mappings.ts';
import { ROOT, UPDATE_GOLDEN, assertGolden } from '../helpers.ts';

/**
 * Generated files compared byte for byte with committed ones. The committed `mappings/` is the
 * golden output of `examples/`; `test/golden/` holds that of `test/fixtures/valid/`.
 * `UPDATE_GOLDEN=1 npm test` rewrites both.
 */
const suites: [string, string[], string][] = [
  ['examples/ → mappings/', [], 'mappings'],
  ['test/fixtures/valid/ → test/golden/', readdirSync(join(ROOT, 'test/fixtures/valid')).filter((f) => f.endsWith('.ts')).sort().map((f) => `test/fixtures/valid/${f}`), 'test/golden/out'],
];

for (const [name, files, out] of suites) {
  describe(`golden files: ${name}`, function () {
    let state: Awaited<ReturnType<typeof computeOutput>>;
    before(async () => {
      state = await computeOutput(files, out, ROOT);
    });
    it('every generated file equals its golden file byte for byte', () => {
      for (const [path, content] of state.plan.files) assertGolden(join(ROOT, out, path), content);
    });
    it('no golden file is left over', () => {
      if (UPDATE_GOLDEN) return;
      assert.deepEqual(state.diff.extra, []);
    });
  });
}
