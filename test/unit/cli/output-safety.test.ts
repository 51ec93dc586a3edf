import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../../../src/errors.ts';
import { readExamples, writeExpected } from '../../../src/api/examples.ts';
import { checkOutputFolder } from '../../../src/io/output-folder.ts';
import { renderDefinitions } from '../../../src/api/definitions.ts';
import { copyProject, ROOT, runCli, scratchDir } from '../../helpers.ts';

/**
 * Issue 20 items 1–2: generate and check delete only what evforge wrote (files listed in the output
 * folder's own manifest, inside it), refuse an output folder that is not theirs before any write,
 * and never read or write through a symbolic link (mappings/, example events, goldens).
 */

/** Every file and link under `dir`, with its bytes (a link as its target): what must not change. */
function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (e.isSymbolicLink()) out.push(`${rel} -> link`);
      else if (e.isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else out.push(`${rel} ${readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

describe('generate / check: what they may delete, and where they may write', function () {
  this.timeout(120_000);
  let p: ReturnType<typeof copyProject>;
  beforeEach(() => {
    p = copyProject('outsafety');
  });
  afterEach(() => p.cleanup());

  const refusals: [what: string, out: (dir: string) => string, says: RegExp][] = [
    ['an empty --out (an unset shell variable)', () => '', /✖ --out is empty: evforge will not treat the working folder as its output\n {2}hint: name a folder of its own/],
    ['the file-system root', () => '/', /✖ --out "\/" \(\/\) is the root of the file system/],
    ['the working folder', () => '.', /✖ --out "\." \(.*\) is the working folder or holds it/],
    ['a folder holding the working folder', () => '..', /✖ --out "\.\." \(.*\) is the working folder or holds it/],
    ['a folder with files and no evforge manifest', () => 'site', /✖ --out "site" \(.*site\) is not empty \(NOTES\.md, img\) and holds no evforge manifest\.json.*\n {2}hint: pass an empty or new folder as --out/],
    ['a folder whose manifest.json is not evforge\'s', () => 'other', /✖ --out "other" .* holds a manifest\.json that is not an evforge manifest, beside manifest\.json, x\.txt\n {2}hint: restore the manifest evforge wrote/],
    ['the root of a git repository', () => 'repo', /✖ --out "repo" .* is the root of a git repository/],
    ['a file', () => 'afile', /✖ --out "afile" .* is a file, not a folder/],
    ['a folder under a file', () => 'afile/sub', /✖ --out "afile\/sub" .* cannot be made: .*afile is a file, not a folder/],
    ['a symbolic link to a folder', () => 'linked', /✖ --out "linked": linked is a symbolic link; evforge never writes through a link\n {2}hint: replace the link with a real folder/],
    ['a folder reached through a link', () => 'linked/mappings', /✖ --out "linked\/mappings": linked is a symbolic link/],
  ];

  for (const [what, out, says] of refusals) {
    // `generate --out /` is not run even to see it refused: a regression would write into / itself
    // (checkOutputFolder's own test below covers generate's guard for it).
    for (const command of out('') === '/' ? ['check'] : ['generate', 'check']) {
      it(`${command} refuses ${what} before any write (exit 2), and nothing changes`, async () => {
        mkdirSync(join(p.dir, 'site/img'), { recursive: true });
        writeFileSync(join(p.dir, 'site/NOTES.md'), 'mine\n');
        writeFileSync(join(p.dir, 'site/img/logo.png'), 'png');
        mkdirSync(join(p.dir, 'other'));
        writeFileSync(join(p.dir, 'other/manifest.json'), '{"name": "some other tool"}\n');
        writeFileSync(join(p.dir, 'other/x.txt'), 'x');
        mkdirSync(join(p.dir, 'repo/.git'), { recursive: true });
        writeFileSync(join(p.dir, 'afile'), 'a file');
        const elsewhere = scratchDir('outsafety-target');
        try {
          symlinkSync(elsewhere.dir, join(p.dir, 'linked'));
          const before = snapshot(p.dir);
          const r = await runCli(p.dir, [command, '--out', out(p.dir)]);
          assert.equal(r.code, 2, r.all);
          assert.match(r.stderr, says);
          assert.equal(snapshot(p.dir), before, 'nothing in the project changed');
          assert.deepEqual(readdirSync(elsewhere.dir), [], 'nothing was written through the link');
        } finally {
          elsewhere.cleanup();
        }
      });
    }
  }

  it('the guard generate runs first refuses the file-system root, with exit 2 (a usage error)', () => {
    assert.throws(() => checkOutputFolder('/', p.dir), (err: Error) => err instanceof UsageError && /is the root of the file system/.test(err.message));
    assert.throws(() => checkOutputFolder('/', p.dir, { flag: 'out' }), /^UsageError: out "\/" \(\/\) is the root/);
  });

  it('refuses the home folder, and a folder holding it, even when it holds an evforge manifest', async () => {
    const home = join(p.dir, 'home/user');
    mkdirSync(home, { recursive: true });
    assert.equal((await runCli(p.dir, ['generate', '--out', 'home/user'])).code, 0, 'an evforge folder like any other while it is not HOME');
    const before = snapshot(p.dir);
    for (const out of ['home/user', 'home']) {
      const r = await runCli(p.dir, ['generate', '--out', out], { HOME: home });
      assert.equal(r.code, 2, r.all);
      assert.match(r.stderr, new RegExp(`✖ --out "${out}" \\(.*\\) is your home folder or holds it`));
    }
    assert.equal(snapshot(p.dir), before);
  });

  it('generate removes only files its own manifest lists, names each removal, and keeps files it did not write', async () => {
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    writeFileSync(join(p.dir, 'mappings/windows.ntlm/NOTES.md'), 'my notes\n');
    mkdirSync(join(p.dir, 'mappings/img'));
    writeFileSync(join(p.dir, 'mappings/img/logo.png'), 'png');
    // A definition leaves: its rule files are listed in the manifest, so they are evforge's to remove.
    rmSync(join(p.dir, 'examples/ntlm-8001.ts'));
    const g = await runCli(p.dir, ['generate']);
    assert.equal(g.code, 0, g.all);
    for (const f of ['sigma/win_susp_ntlm_rdp.yml', 'queries/win_susp_ntlm_rdp.json', 'elasticsearch/detection_rule/win_susp_ntlm_rdp.ndjson', 'opensearch/detection_rule/win_susp_ntlm_rdp.yml']) {
      assert.match(g.stdout, new RegExp(`  - mappings/windows\\.ntlm/${f.replace(/[./]/g, '\\$&')} \\(removed: evforge wrote it`));
      assert.ok(!existsSync(join(p.dir, 'mappings/windows.ntlm', f)), `${f} removed`);
    }
    assert.match(g.stdout, /\d+ written, \d+ unchanged, 4 removed in mappings\//);
    assert.equal(readFileSync(join(p.dir, 'mappings/windows.ntlm/NOTES.md'), 'utf8'), 'my notes\n');
    assert.equal(readFileSync(join(p.dir, 'mappings/img/logo.png'), 'utf8'), 'png');
    assert.match(g.stderr, /! 2 files in mappings\/ were not written by evforge \(not in its manifest\), left as they are:\n {2}\? mappings\/img\/logo\.png\n {2}\? mappings\/windows\.ntlm\/NOTES\.md/);
    const c = await runCli(p.dir, ['check']);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /foreign +mappings\/img\/logo\.png \(not written by evforge\)/);
    assert.match(c.stderr, /hint: mappings\/ holds only generated files: move each foreign file elsewhere/);
    rmSync(join(p.dir, 'mappings/img'), { recursive: true });
    rmSync(join(p.dir, 'mappings/windows.ntlm/NOTES.md'));
    assert.equal((await runCli(p.dir, ['check'])).code, 0);
  });

  it('git\'s and the file manager\'s housekeeping files neither make a folder someone else\'s nor count as foreign', async () => {
    mkdirSync(join(p.dir, 'mappings'));
    writeFileSync(join(p.dir, 'mappings/.gitkeep'), '');
    writeFileSync(join(p.dir, 'mappings/.gitattributes'), '** linguist-generated\n');
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    assert.equal((await runCli(p.dir, ['check'])).code, 0);
    assert.equal(readFileSync(join(p.dir, 'mappings/.gitattributes'), 'utf8'), '** linguist-generated\n');
  });

  it('a path the manifest lists outside its folder is never removed', async () => {
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    writeFileSync(join(p.dir, 'precious.txt'), 'keep');
    const manifestPath = join(p.dir, 'mappings/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.datasets['windows.ntlm'].files.push({ path: '../precious.txt', kind: 'field_docs', engine: 'any', name: 'x', owners: ['ntlm-8002'], sha256: '0'.repeat(64) });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const g = await runCli(p.dir, ['generate']);
    assert.equal(g.code, 0, g.all);
    assert.equal(readFileSync(join(p.dir, 'precious.txt'), 'utf8'), 'keep');
  });

  it('a folder of a version-1 manifest is evforge\'s: the files it lists are replaced and removed', async () => {
    cpSync(join(ROOT, 'test/fixtures/mappings-v1'), join(p.dir, 'mappings'), { recursive: true });
    const g = await runCli(p.dir, ['generate']);
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, / - mappings\/ntlm-8002\/docs\/fields\.md \(removed/);
    assert.ok(!existsSync(join(p.dir, 'mappings/ntlm-8002')), 'the old folder is gone once empty');
    assert.equal((await runCli(p.dir, ['check'])).code, 0);
  });

  it('generate --dry-run lists what would be written and removed, and writes nothing', async () => {
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    writeFileSync(join(p.dir, 'mappings/windows.ntlm/docs/fields.md'), 'hand-edited\n');
    rmSync(join(p.dir, 'mappings/CHANGELOG.md'));
    writeFileSync(join(p.dir, 'mappings/stray.txt'), 'x');
    rmSync(join(p.dir, 'examples/ntlm-8004.ts'));
    const before = snapshot(p.dir);
    const d = await runCli(p.dir, ['generate', '--dry-run']);
    assert.equal(d.code, 0, d.all);
    assert.match(d.stdout, /^Dry run: \d+ to write, \d+ unchanged, 4 to remove in mappings\/; nothing was written$/m);
    assert.match(d.stdout, /^ {2}\+ mappings\/CHANGELOG\.md$/m);
    assert.match(d.stdout, /^ {2}~ mappings\/windows\.ntlm\/docs\/fields\.md$/m);
    assert.match(d.stdout, /^ {2}- mappings\/windows\.ntlm\/sigma\/win_susp_ntlm_brute_force\.yml$/m);
    assert.match(d.stderr, /\? mappings\/stray\.txt/);
    assert.equal(snapshot(p.dir), before);
  });

  it('a file where generate writes a folder, or a folder where it writes a file, is named, and nothing is changed', async () => {
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    rmSync(join(p.dir, 'mappings/windows.ntlm/docs'), { recursive: true });
    writeFileSync(join(p.dir, 'mappings/windows.ntlm/docs'), 'my docs\n');
    let before = snapshot(p.dir);
    const file = await runCli(p.dir, ['generate']);
    assert.equal(file.code, 1, file.all);
    assert.match(file.stderr, /✖ mappings\/windows\.ntlm\/docs: is a file where evforge writes a folder\n {2}hint: move it out of the output folder .*nothing was changed/);
    assert.equal(snapshot(p.dir), before);
    rmSync(join(p.dir, 'mappings/windows.ntlm/docs'));
    mkdirSync(join(p.dir, 'mappings/windows.ntlm/docs/fields.md'), { recursive: true });
    writeFileSync(join(p.dir, 'mappings/windows.ntlm/docs/fields.md/mine.txt'), 'x');
    rmSync(join(p.dir, 'mappings/CHANGELOG.md'));
    before = snapshot(p.dir);
    const folder = await runCli(p.dir, ['generate']);
    assert.equal(folder.code, 1, folder.all);
    assert.match(folder.stderr, /✖ mappings\/windows\.ntlm\/docs\/fields\.md: is a folder where evforge writes a file/);
    assert.equal(snapshot(p.dir), before, 'not even the missing changelog was written');
  });

  it('a symbolic link inside mappings/ is refused by generate and check, naming it; nothing is written through it', async () => {
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    const elsewhere = scratchDir('outsafety-linked');
    try {
      renameSync(join(p.dir, 'mappings/windows.ntlm'), join(elsewhere.dir, 'windows.ntlm'));
      symlinkSync(join(elsewhere.dir, 'windows.ntlm'), join(p.dir, 'mappings/windows.ntlm'));
      writeFileSync(join(p.dir, 'examples/ntlm-8002.ts'), readFileSync(join(p.dir, 'examples/ntlm-8002.ts'), 'utf8').replace('PID of the process that called NTLM authentication.', 'Caller PID.'));
      const outside = snapshot(elsewhere.dir);
      for (const command of ['generate', 'check']) {
        const r = await runCli(p.dir, [command]);
        assert.equal(r.code, 1, r.all);
        assert.match(r.stderr, /✖ mappings\/windows\.ntlm: is a symbolic link: evforge never reads or writes through a link in its output folder\n {2}hint: replace the link with what it points to/);
      }
      assert.equal(snapshot(elsewhere.dir), outside, 'nothing was written outside the project');
      // A linked manifest is refused the same way, before anything is read through it.
      rmSync(join(p.dir, 'mappings/windows.ntlm'));
      renameSync(join(p.dir, 'mappings/manifest.json'), join(elsewhere.dir, 'manifest.json'));
      symlinkSync(join(elsewhere.dir, 'manifest.json'), join(p.dir, 'mappings/manifest.json'));
      const r = await runCli(p.dir, ['generate']);
      assert.equal(r.code, 2, r.all);
      assert.match(r.stderr, /✖ mappings\/manifest\.json is a symbolic link; evforge never reads or writes through a link/);
      assert.ok(lstatSync(join(p.dir, 'mappings/manifest.json')).isSymbolicLink(), 'the link is left as it was');
    } finally {
      elsewhere.cleanup();
    }
  });
});

describe('test: example events and goldens are never read or written through a link', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  beforeEach(() => {
    p = copyProject('linksafety');
  });
  afterEach(() => p.cleanup());

  it('--update-expected refuses a golden that is a link, writes no golden at all, and leaves the link\'s target as it was', async () => {
    const target = join(p.dir, 'target.json');
    writeFileSync(target, '{"mine": true}\n');
    const golden = join(p.dir, 'examples/events/ntlm-8002-expected.json');
    rmSync(golden);
    symlinkSync(target, golden);
    const other = join(p.dir, 'examples/events/ntlm-8001-expected.json');
    const otherBefore = readFileSync(other, 'utf8');
    await assert.rejects(
      writeExpected([{ path: other, text: 'new\n' }, { path: golden, text: '{"overwritten": true}\n' }], p.dir),
      (err: Error) => /is a symbolic link: evforge never reads or writes example events or goldens through a link/.test(err.message) && (err as Error & { path: string }).path === 'examples/events/ntlm-8002-expected.json',
    );
    assert.equal(readFileSync(target, 'utf8'), '{"mine": true}\n');
    assert.equal(readFileSync(other, 'utf8'), otherBefore, 'no golden is written while one of them is a link');
  });

  it('reading refuses a linked events folder, a linked event file and a linked golden, each by name', async () => {
    const [dataset] = await renderDefinitions(['examples/ntlm-8002.ts'], p.dir);
    const def = dataset!.dataset.events[0]!;
    const read = () => readExamples(dataset!, def, p.dir, { record: false });
    await read(); // as checked out: fine
    const events = join(p.dir, 'examples/events');
    const moved = join(p.dir, 'elsewhere');
    const cases: [string, () => void, () => void][] = [
      ['examples/events', () => (renameSync(events, moved), symlinkSync(moved, events)), () => (rmSync(events), renameSync(moved, events))],
      ['examples/events/ntlm-8002.json', () => (renameSync(join(events, 'ntlm-8002.json'), moved), symlinkSync(moved, join(events, 'ntlm-8002.json'))), () => (rmSync(join(events, 'ntlm-8002.json')), renameSync(moved, join(events, 'ntlm-8002.json')))],
      ['examples/events/ntlm-8002-expected.json', () => (renameSync(join(events, 'ntlm-8002-expected.json'), moved), symlinkSync(moved, join(events, 'ntlm-8002-expected.json'))), () => (rmSync(join(events, 'ntlm-8002-expected.json')), renameSync(moved, join(events, 'ntlm-8002-expected.json')))],
    ];
    for (const [name, link, unlink] of cases) {
      link();
      await assert.rejects(read(), (err: Error & { path?: string }) => err.path === name && /is a symbolic link/.test(err.message), name);
      unlink();
    }
    await read();
  });
});
