import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, editFile, runCli, setSchemaVersion, writeOtherChannelDefinition } from '../../helpers.ts';

const ADD_FIELD: [string, string] = ["      ecs: ['process.pid'],", "      ecs: ['process.pid', { field: 'ntlm.caller_pid', type: 'keyword' }],"];
const RETYPE_FIELD: [string, string] = ["{ field: 'ntlm.caller_pid', type: 'keyword' }", "{ field: 'ntlm.caller_pid', type: 'long' }"];
const version = (from: string, to: string): [string, string] => [`schemaVersion: '${from}'`, `schemaVersion: '${to}'`];

describe('schema versions, the changelog and compare', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  let def: string;
  const cli = (...argv: string[]) => runCli(p.dir, argv);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  beforeEach(async () => {
    p = copyProject('versions');
    def = join(p.dir, 'examples/ntlm-8002.ts');
    setSchemaVersion(def, '1.0.0'); // a fresh project: its first generated version
    assert.equal((await cli('generate')).code, 0);
  });
  afterEach(() => p.cleanup());

  it('a description edit needs a patch bump: check says so, generate refuses and writes nothing', async () => {
    editFile(def, 'Path of the calling process.', 'Full path of the calling process.');
    const before = readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8');
    const c = await cli('check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /✖ ntlm-8002: the generated artifacts changed \(1 documentation\) but schemaVersion is still 1\.0\.0/);
    assert.match(c.stderr, /hint: set schemaVersion to "1\.0\.1" \(a patch bump\)/);
    const g = await cli('generate');
    assert.equal(g.code, 1);
    assert.match(g.stderr, /Nothing was written to mappings\//);
    assert.equal(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8'), before);
  });

  it('a new field needs a minor bump; with it generate writes a changelog entry, deterministically', async () => {
    editFile(def, ...ADD_FIELD);
    assert.match((await cli('check')).stderr, /set schemaVersion to "1\.1\.0" \(a minor bump\)/);
    editFile(def, ...version('1.0.0', '1.1.0'));
    assert.equal((await cli('generate')).code, 0);
    const changelog = readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8');
    assert.match(changelog, /### 1\.1\.0\n\nCompatible:\n\n- `ntlm\.caller_pid`: new field \(keyword\)\n/);
    assert.match(changelog, /### 1\.0\.0 — initial version/);
    const manifest = readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8');
    const again = await cli('generate');
    assert.match(again.stdout, /0 written/);
    assert.equal(readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8'), changelog);
    assert.equal(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8'), manifest);
    assert.equal((await cli('check')).code, 0);
  });

  it('a type change needs a major bump: a minor one is refused', async () => {
    editFile(def, ...ADD_FIELD);
    editFile(def, ...version('1.0.0', '1.1.0'));
    await cli('generate');
    editFile(def, ...RETYPE_FIELD);
    editFile(def, ...version('1.1.0', '1.2.0'));
    const c = await cli('check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /schemaVersion 1\.1\.0 → 1\.2\.0 is a minor bump, but these changes need a major one/);
    assert.match(c.stderr, /breaking +mapping +ntlm\.caller_pid: type keyword → long — an existing index cannot change a field type/);
    editFile(def, ...version('1.2.0', '2.0.0'));
    assert.equal((await cli('generate')).code, 0);
    assert.match(readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8'), /### 2\.0\.0\n\nBreaking:\n\n- `ntlm\.caller_pid`: type keyword → long — /);
  });

  it('compare --base HEAD~1 labels a type change breaking, in text and JSON', async () => {
    git('init', '-q');
    editFile(def, ...ADD_FIELD);
    editFile(def, ...version('1.0.0', '1.1.0'));
    await cli('generate');
    git('add', '-A');
    git('commit', '-qm', 'v1.1');
    editFile(def, ...RETYPE_FIELD);
    editFile(def, ...version('1.1.0', '2.0.0'));
    await cli('generate');
    git('add', '-A');
    git('commit', '-qm', 'v2');
    const text = await cli('compare', '--base', 'HEAD~1');
    assert.equal(text.code, 0, text.all);
    assert.match(text.stdout, /ntlm-8002: 1\.1\.0 → 2\.0\.0, needs a major bump/);
    assert.match(text.stdout, /breaking +mapping +ntlm\.caller_pid: type keyword → long/);
    const json = await cli('compare', '--base', 'HEAD~1', '--json', '--fail-on', 'breaking');
    assert.equal(json.code, 1, 'breaking changes fail with --fail-on breaking');
    const report = JSON.parse(json.stdout) as { events: { event: string; from: string; to: string; needed: string; changes: { severity: string; path: string; summary: string }[] }[] };
    const e8002 = report.events.find((e) => e.event === 'ntlm-8002')!;
    assert.deepEqual([e8002.from, e8002.to, e8002.needed], ['1.1.0', '2.0.0', 'major']);
    assert.ok(e8002.changes.some((c) => c.severity === 'breaking' && c.path === 'ntlm.caller_pid'));
    const stream = report.events.find((e) => e.event === 'data stream logs-windows.ntlm-*')!;
    assert.ok(stream.changes.some((c) => c.severity === 'breaking' && c.path === 'ntlm.caller_pid'), 'the data stream lists its mapping change too');
    assert.equal(report.events.find((e) => e.event === 'ntlm-8001')!.needed, null, 'an unchanged member needs no bump');
    const same = await cli('compare', '--base', 'HEAD');
    assert.match(same.stdout, /ntlm-8002: 2\.0\.0 → 2\.0\.0, no artifact change/);
  });

  it('a new data stream beside the NTLM one: compare agrees with generate and check, and asks no bump of the NTLM definitions', async () => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'the NTLM channel');
    writeOtherChannelDefinition(join(p.dir, 'examples/sample-4000.ts'));
    const g = await cli('generate');
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, /examples\/sample-4000\.ts → mappings\/windows\.sample\/ /);
    assert.equal((await cli('check')).code, 0, 'check: nothing to bump');
    git('add', '-A');
    git('commit', '-qm', 'a second data stream');
    const json = await cli('compare', '--base', 'HEAD~1', '--json', '--fail-on', 'any');
    const report = JSON.parse(json.stdout) as { events: { event: string; from: string | null; to: string | null; needed: string | null; changes: { severity: string; path: string; summary: string }[] }[] };
    const byName = new Map(report.events.map((e) => [e.event, e]));
    // Both data streams have a docs/fields.md: byte-identical, it is no change (it was compared with the other stream's).
    assert.deepEqual(byName.get('data stream logs-windows.ntlm-*')!.changes, []);
    for (const e of ['ntlm-8001', 'ntlm-8002', 'ntlm-8003', 'ntlm-8004']) {
      assert.deepEqual([byName.get(e)!.needed, byName.get(e)!.changes], [null, []], `${e} needs no bump`);
    }
    assert.deepEqual(byName.get('data stream logs-windows.sample-*')!.changes.map((c) => [c.severity, c.path, c.summary]), [['compatible', 'sample-4000', 'event added to the data stream']]);
    assert.deepEqual([byName.get('sample-4000')!.from, byName.get('sample-4000')!.to, byName.get('sample-4000')!.needed], [null, '1.0.0', null], 'a new definition has no version to bump');
    assert.equal(json.code, 1, 'the one change, the new event, fails --fail-on any');
    const text = await cli('compare', '--base', 'HEAD~1');
    assert.match(text.stdout, /^ntlm-8002: (\S+) → \1, no artifact change$/m);
    assert.match(text.stdout, /^sample-4000: \(new\) → 1\.0\.0$/m);
    assert.match(text.stdout, /^0 breaking, 1 compatible, 0 documentation change\(s\)\.$/m, 'the new event counts once');
    const same = await cli('compare', '--base', 'HEAD', '--json', '--fail-on', 'any');
    assert.equal(same.code, 0, `against its own commit, two data streams compare clean: ${same.stdout}`);
  });

  it('compare --base takes a folder too, and names a bad base', async () => {
    const dir = await cli('compare', '--base', 'mappings');
    assert.equal(dir.code, 0, dir.all);
    assert.match(dir.stdout, /0 breaking, 0 compatible, 0 documentation change/);
    const bad = await cli('compare', '--base', 'no-such-ref');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /✖ .*git (rev-parse|ls-tree) failed|not a git repository/);
  });
});
