import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectDefinitions } from '../../../src/api/definitions.ts';
import { FileError, ValidationError } from '../../../src/errors.ts';
import { TOGETHER_FROM, defaultExport, importTogether } from '../../../src/io/loader.ts';
import { ROOT, scratchDir } from '../../helpers.ts';
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

/**
 * `npm init` writes a package.json without `"type": "module"`: tsx then runs a project's TypeScript
 * as CommonJS, and a module's default export arrives one level down (under `__esModule`). The
 * configuration and the definitions load the same either way.
 */
describe('a project whose package.json does not say "type": "module"', function () {
  this.timeout(120_000);
  let s: ReturnType<typeof scratchDir>;
  beforeEach(() => {
    s = scratchDir('commonjs');
    writeFileSync(join(s.dir, 'package.json'), JSON.stringify({ name: 'my-channel', version: '1.0.0' }));
    // evforge installed in the project, as `npm install evforge` leaves it.
    mkdirSync(join(s.dir, 'node_modules'));
    symlinkSync(ROOT, join(s.dir, 'node_modules', 'evforge'), 'dir');
    writeFileSync(join(s.dir, 'evforge.config.ts'), "import { defineConfig } from 'evforge';\nexport default defineConfig({ definitions: ['defs'] });\n");
  });
  afterEach(() => s.cleanup());

  for (const count of [1, TOGETHER_FROM + 1]) {
    it(`evforge generate (the CLI a user runs) loads its configuration and ${count === 1 ? 'one definition' : `${count} definitions (imported together)`}`, () => {
      writeDefinitions(join(s.dir, 'defs'), syntheticDefinitions(count), 'windows.cjs_test');
      const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/bin.mjs'), 'generate'], { cwd: s.dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`→ mappings/windows\\.cjs_test/ \\(\\d+ files; ${count === 1 ? '' : `${count} definitions`}`));
      assert.ok(existsSync(join(s.dir, 'mappings', 'manifest.json')));
    });
  }

  it('unwraps a CommonJS default export, and leaves an ES module one as it is', () => {
    const def = { name: 'x' };
    assert.equal(defaultExport({ default: { __esModule: true, default: def } }), def);
    assert.equal(defaultExport({ default: def }), def);
    assert.equal(defaultExport({ named: def }), undefined);
  });
});
