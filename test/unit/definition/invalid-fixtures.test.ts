import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '../../../src/cli/output.ts';
import { loadDefinitionFile } from '../../../src/io/loader.ts';
import { ROOT, assertGolden } from '../../helpers.ts';

const DIR = join(ROOT, 'test/fixtures/invalid');
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();

describe('invalid definitions are refused with a message that names the place and the fix', () => {
  it('has at least 30 invalid fixtures', () => {
    assert.ok(fixtures.length >= 30, `only ${fixtures.length} fixtures`);
  });

  for (const file of fixtures) {
    it(`${file.replace(/\.ts$/, '')}: pinned error`, async () => {
      let error: unknown;
      try {
        await loadDefinitionFile(join('test/fixtures/invalid', file), ROOT);
      } catch (err) {
        error = err;
      }
      assert.ok(error, `${file} was accepted`);
      const text = formatError(error, false);
      assert.match(text, /^✖ /, 'starts with ✖');
      assert.doesNotMatch(text, /unexpected error/, 'is a known error, not a crash');
      assertGolden(join(DIR, file.replace(/\.ts$/, '.expected.txt')), `${text}\n`);
    });
  }
});
