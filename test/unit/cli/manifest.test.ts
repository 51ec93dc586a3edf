import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copyProject, runCli } from '../../helpers.ts';
import { inV2Words } from '../../support/manifest-words.ts';

/** Every file under dir with its bytes: what must not change. */
function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(files.map((e) => join(e.parentPath, e.name)).sort().map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
}

/** The folder's manifest with one file entry's `engine` spelled `target`, as a hand edit would leave it. */
function breakManifest(path: string): void {
  const m = JSON.parse(readFileSync(path, 'utf8'));
  const file = m.datasets['windows.ntlm'].files[0];
  file.target = file.engine;
  delete file.engine;
  writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
}

describe('generate, check and compare with a manifest of another version, or a broken one', function () {
  this.timeout(90_000);
  let p: ReturnType<typeof copyProject>;
  let manifestPath: string;
  const cli = (...argv: string[]) => runCli(p.dir, argv);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  beforeEach(async () => {
    p = copyProject('manifest');
    manifestPath = join(p.dir, 'mappings/manifest.json');
    const g = await cli('generate');
    assert.equal(g.code, 0, g.all);
  });
  afterEach(() => p.cleanup());

  it('a folder an older evforge wrote (version 2): check names only manifest.json; generate rewrites it alone, as version 3, and nothing else', async () => {
    const v3 = readFileSync(manifestPath, 'utf8');
    writeFileSync(manifestPath, `${JSON.stringify(inV2Words(JSON.parse(v3)), null, 2)}\n`);
    const before = tree(join(p.dir, 'mappings'));
    const c = await cli('check');
    assert.equal(c.code, 1);
    assert.deepEqual(c.stderr.split('\n').filter((l) => /^ {2}(stale|missing|extra|foreign) /.test(l)), ['  stale    mappings/manifest.json']);
    const g = await cli('generate');
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, /^1 written, \d+ unchanged, 0 removed in mappings\/$/m);
    assert.equal(g.stderr, '', 'an older version is upgraded silently: nothing was wrong with it');
    const after = tree(join(p.dir, 'mappings'));
    assert.equal(after.get('manifest.json'), v3, 'the version-3 manifest generate writes for a new folder');
    for (const [path, text] of before) if (path !== 'manifest.json') assert.equal(after.get(path), text, `${path} is unchanged`);
    assert.equal((await cli('check')).code, 0);
  });

  it('a manifest newer than this evforge: generate and check refuse it, naming the upgrade, and write nothing', async () => {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...m, manifest_version: 4, datasets: 'a shape evforge 4 knows' }));
    const before = tree(join(p.dir, 'mappings'));
    for (const command of ['generate', 'check']) {
      const r = await cli(command);
      assert.equal(r.code, 1, r.all);
      assert.match(r.stderr, /✖ is 4: a newer evforge wrote it, and this one reads manifest versions 1 to 3; nothing was read or written\n {2}→ at mappings\/manifest\.json: manifest_version\n {2}hint: upgrade evforge/);
    }
    assert.deepEqual(tree(join(p.dir, 'mappings')), before);
  });

  it('a broken manifest, and no commit holding its histories: generate refuses, located, and writes nothing; check fails naming it', async () => {
    breakManifest(manifestPath);
    const before = tree(join(p.dir, 'mappings'));
    const g = await cli('generate');
    assert.equal(g.code, 1, g.all);
    assert.match(g.stderr, /^✖ mappings\/manifest\.json cannot be read \(2 problems\): no valid manifest holds its histories, so evforge does not rewrite it$/m);
    assert.match(g.stderr, /✖ is not a key of a version-3 manifest \(its keys here: path, kind, engine, name, owners, sha256\); version 3 calls "target" "engine"\n {4}→ at mappings\/manifest\.json: datasets\["windows\.ntlm"\]\.files\[0\]\.target/);
    assert.match(g.stderr, /hint: the manifest is generated: restore the one evforge wrote \(e\.g\. `git checkout -- mappings\/manifest\.json`\), or correct what is named/);
    assert.match(g.stderr, /Nothing was written to mappings\//);
    assert.deepEqual(tree(join(p.dir, 'mappings')), before);
    const c = await cli('check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /✖ mappings\/manifest\.json cannot be read \(2 problems\): no valid manifest holds its histories, so generate will not rewrite it/);
    assert.doesNotMatch(c.stderr, /hint: run `npx evforge generate`/, 'generate would refuse: the hint is to restore it');
  });

  it('a broken manifest with a valid one committed: check fails naming it; generate rewrites it from the commit\'s histories and says so', async () => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'generated');
    const committed = readFileSync(manifestPath, 'utf8');
    breakManifest(manifestPath);
    const c = await cli('check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /^✖ mappings\/manifest\.json cannot be read \(2 problems\)$/m);
    assert.match(c.stderr, /hint: run `npx evforge generate`: it rewrites it, its histories taken from HEAD:mappings\/manifest\.json/);
    const g = await cli('generate');
    assert.equal(g.code, 0, g.all);
    assert.match(g.stderr, /^! mappings\/manifest\.json could not be read \(2 problems\): rewritten from the definitions, its histories taken from HEAD:mappings\/manifest\.json$/m);
    assert.match(g.stdout, /^1 written/m);
    assert.equal(readFileSync(manifestPath, 'utf8'), committed);
    assert.equal((await cli('check')).code, 0);
  });

  it('a broken manifest in the last commit, a valid one in the folder: generate and check warn, and take the histories from the folder', async () => {
    const valid = readFileSync(manifestPath, 'utf8');
    git('init', '-q');
    breakManifest(manifestPath);
    git('add', '-A');
    git('commit', '-qm', 'a broken manifest committed');
    writeFileSync(manifestPath, valid);
    for (const command of ['check', 'generate']) {
      const r = await cli(command);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stderr, /^! HEAD:mappings\/manifest\.json cannot be read \(2 problems\): versions are checked against mappings\/manifest\.json instead$/m);
      assert.match(r.stderr, /→ at HEAD:mappings\/manifest\.json: datasets\["windows\.ntlm"\]\.files\[0\]\.target/);
    }
    assert.equal(readFileSync(manifestPath, 'utf8'), valid);
  });

  it('compare --base a folder whose manifest is broken names the problem, located', async () => {
    const base = join(p.dir, 'base');
    cpSync(join(p.dir, 'mappings'), base, { recursive: true });
    breakManifest(join(base, 'manifest.json'));
    const r = await cli('compare', '--base', 'base');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✖ is not a key of a version-3 manifest .*\n {2}→ at .*base\/manifest\.json: datasets\["windows\.ntlm"\]\.files\[0\]\.target\n {2}hint: compare with a commit or folder holding a manifest evforge wrote/);
  });
});
