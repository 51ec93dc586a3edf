import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, copyProject, editFile, runCli, scratchDir } from '../../helpers.ts';

// The CLI a user runs is src/cli/bin.mjs → dist/ (compiled by `npm run build`, which npm ci runs);
// the rest of the suite runs src/ through tsx. These tests run the bin as a user does.
const BIN = join(ROOT, 'src/cli/bin.mjs');

function bin(cwd: string, args: readonly string[], binPath = BIN) {
  const r = spawnSync(process.execPath, [binPath, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir, relative, with its content. */
function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(files.map((e) => join(e.parentPath, e.name)).sort().map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
}

describe('the compiled CLI (dist/)', function () {
  this.timeout(60_000);

  it('runs, built from the current sources (else: run `npm run build`)', () => {
    const r = bin(ROOT, ['--version']);
    assert.equal(r.stderr, '', r.stderr);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('generates the same files as evforge run from source, its definitions importing the compiled package', async () => {
    const a = copyProject('dist-gen');
    const b = copyProject('src-gen');
    try {
      const compiled = bin(a.dir, ['generate']);
      assert.equal(compiled.code, 0, compiled.stderr);
      const source = await runCli(b.dir, ['generate']);
      assert.equal(source.code, 0, source.all);
      assert.equal(compiled.stdout.trim(), source.stdout.trim());
      const out = tree(join(a.dir, 'mappings'));
      assert.ok(out.size >= 10, `only ${out.size} files`);
      assert.deepEqual(out, tree(join(b.dir, 'mappings')));
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('refuses invalid definitions with the same messages as from source (its schema validators are precompiled)', async () => {
    const files = readdirSync(join(ROOT, 'test/fixtures/invalid')).filter((f) => f.endsWith('.ts')).sort().map((f) => `test/fixtures/invalid/${f}`);
    const s = scratchDir('dist-invalid');
    try {
      const args = ['check', '--out', relative(ROOT, s.dir), ...files];
      const compiled = bin(ROOT, args);
      const source = await runCli(ROOT, args);
      assert.equal(compiled.code, 1);
      assert.equal(source.code, 1);
      assert.equal(compiled.stderr.trim(), source.stderr.trim());
      assert.ok((compiled.stderr.match(/^✖ /gm) ?? []).length >= files.length, compiled.stderr);
      assert.doesNotMatch(compiled.stderr, /unexpected error|\n\s+at /);
    } finally {
      s.cleanup();
    }
  });

  it('reads manifests of every version with the validators the build compiled (no schema compiled at start-up), saying what source says', async () => {
    const p = copyProject('dist-manifest');
    // Prints every CommonJS module the process loads (the validators and ajv are CommonJS).
    const trace = join(p.dir, 'trace.cjs');
    writeFileSync(trace, "const M = require('node:module'); const load = M._load; M._load = function (r, parent, main) { const m = load.apply(this, arguments); try { process.stderr.write('LOADED ' + M._resolveFilename(r, parent, main) + '\\n'); } catch {} return m; };\n");
    try {
      cpSync(join(ROOT, 'test/fixtures/mappings-v1'), join(p.dir, 'mappings'), { recursive: true });
      const traced = spawnSync(process.execPath, ['-r', trace, BIN, 'check'], { cwd: p.dir, encoding: 'utf8' });
      const loaded = traced.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
      assert.ok(loaded.some((f) => f.endsWith('/dist/validators/manifest-v1.cjs')), 'the version-1 manifest was read with the build\'s validator');
      assert.deepEqual(loaded.filter((f) => /node_modules\/ajv\/dist\/(ajv|core|compile\/index)\.js$/.test(f)), [], 'ajv compiled nothing');
      const message = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => !l.startsWith('LOADED ')).join('\n').trim();
      assert.equal(message(traced), message(await runCli(p.dir, ['check'])), 'a version-1 folder: the same check');
      const m = JSON.parse(readFileSync(join(ROOT, 'mappings/manifest.json'), 'utf8'));
      m.events['ntlm-8002'].schema_version = '1.2';
      m.datasets['windows.ntlm'].files[0].kind = 'stylesheet';
      writeFileSync(join(p.dir, 'mappings/manifest.json'), JSON.stringify(m));
      const compiled = bin(p.dir, ['check']);
      const source = await runCli(p.dir, ['check']);
      assert.equal(compiled.code, 1);
      assert.equal(compiled.stderr.trim(), source.stderr.trim());
      assert.match(compiled.stderr, /→ at mappings\/manifest\.json: datasets\["windows\.ntlm"\]\.files\[0\]\.kind/);
    } finally {
      p.cleanup();
    }
  });

  it('refuses a dist/ built from other sources, and a missing one, naming the fix', () => {
    // A copy of the package: its bin, its sources, its build.
    const s = scratchDir('dist-stale');
    try {
      for (const p of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', 'dist']) cpSync(join(ROOT, p), join(s.dir, p), { recursive: true });
      const copyBin = join(s.dir, 'src/cli/bin.mjs');
      assert.equal(bin(s.dir, ['--version'], copyBin).code, 0, 'the fresh copy runs');
      editFile(join(s.dir, 'src/errors.ts'), 'export', '// edited\nexport');
      const stale = bin(s.dir, ['--version'], copyBin);
      assert.equal(stale.code, 2);
      assert.equal(stale.stdout, '');
      assert.equal(stale.stderr, '✖ dist/ is out of date: src/ changed since it was built\n  hint: run `npm run build`\n');
      rmSync(join(s.dir, 'dist'), { recursive: true });
      const missing = bin(s.dir, ['--version'], copyBin);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^✖ evforge is not built \(dist\/ is missing\)\n {2}hint: run `npm run build`/);
    } finally {
      s.cleanup();
    }
  });

  it('builds the stamp from what it compiled: an added source file makes dist/ stale too', () => {
    const s = scratchDir('dist-added');
    try {
      for (const p of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', 'dist']) cpSync(join(ROOT, p), join(s.dir, p), { recursive: true });
      mkdirSync(join(s.dir, 'src/extra'));
      writeFileSync(join(s.dir, 'src/extra/new.ts'), 'export const x = 1;\n');
      const r = bin(s.dir, ['--version'], join(s.dir, 'src/cli/bin.mjs'));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /dist\/ is out of date/);
    } finally {
      s.cleanup();
    }
  });
});
