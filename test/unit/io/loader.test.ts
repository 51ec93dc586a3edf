import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectDefinitions } from '../../../src/api/definitions.ts';
import { FileError, ValidationError } from '../../../src/errors.ts';
import { TOGETHER_FROM, importTogether } from '../../../src/io/loader.ts';
import { scratchDir } from '../../helpers.ts';
import { syntheticDefinitions, writeDefinitions } from '../../support/synthetic.ts';

/** Every place and message an error names. */
const placesOf = (err: unknown): string => (err instanceof ValidationError ? err.issues.map((i) => `${i.path}: ${i.message}`).join('\n') : err instanceof FileError ? `${err.path}: ${err.message}` : String(err));

/**
 * Many definitions are imported together (one esbuild bundle, one import); what cannot be imported
 * that way is imported alone, so a broken file is still named with its line, and a file that reads
 * `import.meta` still sees its own.
 */
describe('loading many definitions at once', function () {
  this.timeout(120_000);
  let s: ReturnType<typeof scratchDir>;
  let files: string[];
  beforeEach(() => {
    s = scratchDir('loader');
    files = writeDefinitions(join(s.dir, 'defs'), syntheticDefinitions(TOGETHER_FROM + 4), 'windows.loader_test').map((f) => f.slice(s.dir.length + 1));
  });
  afterEach(() => s.cleanup());

  it('imports them together, each module its own, in order, as importing them one by one does', async () => {
    const modules = await importTogether(files.map((f) => join(s.dir, f)));
    assert.ok(modules, 'imported together');
    const names = modules.map((m) => ((m as { default: { name: string } }).default).name);
    assert.deepEqual(names, files.map((f) => f.replace(/^defs\/|\.ts$/g, '')));
    const together = await selectDefinitions(files, s.dir);
    assert.deepEqual(together.definitions.map((d) => [d.source, d.definition.hash]), await Promise.all(files.map(async (f) => {
      const [one] = (await selectDefinitions([f], s.dir)).definitions;
      return [one!.source, one!.definition.hash];
    })));
  });

  it('a file that does not compile among many is named with its line, and nothing is loaded', async () => {
    const broken = join(s.dir, files[5]!);
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('"eventId": ', '"eventId": ) '));
    assert.equal(await importTogether(files.map((f) => join(s.dir, f))), undefined);
    await assert.rejects(selectDefinitions(files, s.dir), (err: unknown) => {
      const text = placesOf(err);
      assert.match(text, new RegExp(`${files[5]!.replace(/[.]/g, '\\.')}.*cannot load definition: line \\d+:\\d+`));
      return true;
    });
  });

  it('a file that throws while it runs is named; one that reads import.meta sees its own file', async () => {
    const meta = join(s.dir, files[2]!);
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('export default defineEvent({', 'const here = new URL(import.meta.url).pathname.split("/").pop();\nexport default defineEvent({').replace(/"description": "A synthetic/, '"description": here + " A synthetic'));
    const loaded = await selectDefinitions(files, s.dir);
    assert.match(loaded.definitions[2]!.definition.description, /^security-4602\.ts A synthetic/, 'import.meta.url of its own file');
    const throwing = join(s.dir, files[7]!);
    writeFileSync(throwing, `throw new Error('boom at load');\n${readFileSync(throwing, 'utf8')}`);
    await assert.rejects(selectDefinitions(files, s.dir), (err: unknown) => {
      const text = placesOf(err);
      assert.match(text, new RegExp(`${files[7]!.replace(/[.]/g, '\\.')}.*boom at load`));
      return true;
    });
  });
});
