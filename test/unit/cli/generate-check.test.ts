import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTreeAtomically, readTree } from '../../../src/io/files.ts';
import { copyProject, runCli } from '../../helpers.ts';

const project = () => copyProject('cli');
const run = (cwd: string, ...argv: string[]) => runCli(cwd, argv);

const treeText = async (dir: string) => [...(await readTree(dir)).entries()].map(([p, b]) => `${p}:${b.toString('base64')}`).sort().join('\n');

describe('evforge generate / check', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof project>;
  beforeEach(() => {
    p = project();
  });
  afterEach(() => p.cleanup());

  it('generate writes every artifact and a manifest; check then exits 0', async () => {
    const g = await run(p.dir, 'generate');
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /examples\/ntlm-8001\.ts, examples\/ntlm-8002\.ts, examples\/ntlm-8003\.ts, examples\/ntlm-8004\.ts → mappings\/windows\.ntlm\/ \(21 files; ntlm-8001 \d+\.\d+\.\d+, ntlm-8002 /);
    const manifest = JSON.parse(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8'));
    assert.equal(manifest.manifest_version, 3);
    const dataset = manifest.datasets['windows.ntlm'];
    assert.deepEqual(dataset.members, ['ntlm-8001', 'ntlm-8002', 'ntlm-8003', 'ntlm-8004']);
    assert.equal(dataset.data_stream, 'logs-windows.ntlm-*');
    const files = dataset.files as { path: string; kind: string; engine: string; sha256: string; owners: string[] }[];
    assert.equal(files.length, 21);
    for (const f of files) assert.match(f.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual([...new Set(files.map((f) => f.engine))].sort(), ['any', 'elasticsearch', 'opensearch']);
    const pipeline = files.find((f) => f.kind === 'ingest_pipeline')!;
    assert.deepEqual(pipeline.owners, ['ntlm-8001', 'ntlm-8002', 'ntlm-8003', 'ntlm-8004'], 'shared objects are owned by every member');
    assert.deepEqual(files.find((f) => f.path.endsWith('sigma/win_susp_ntlm_auth.yml'))!.owners, ['ntlm-8002'], 'a rule is owned by its definition');
    assert.equal(manifest.events['ntlm-8004'].dataset, 'windows.ntlm');
    const c = await run(p.dir, 'check');
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /mappings\/ is up to date \(23 files from 4 definitions in 1 data stream\)/);
  });

  it('two generate runs give byte-identical trees, and the second writes nothing', async () => {
    await run(p.dir, 'generate');
    const first = await treeText(join(p.dir, 'mappings'));
    const again = await run(p.dir, 'generate');
    assert.match(again.stdout, /0 written, 23 unchanged, 0 removed/);
    await run(p.dir, 'generate', '--out', 'other');
    assert.equal(await treeText(join(p.dir, 'other')), first);
  });

  it('after a description changes, check exits 1 and names the stale files', async () => {
    await run(p.dir, 'generate');
    const file = join(p.dir, 'examples/ntlm-8002.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('PID of the process that called NTLM authentication.', 'Caller PID.'));
    const c = await run(p.dir, 'check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /✖ ntlm-8002: the generated artifacts changed \(1 documentation\) but schemaVersion is still/);
    assert.match(c.stderr, /stale +mappings\/windows\.ntlm\/docs\/fields\.md/);
    assert.match(c.stderr, /stale +mappings\/windows\.ntlm\/opensearch\/component_template\/logs-windows\.ntlm@mappings\.json/);
    assert.match(c.stderr, /stale +mappings\/manifest\.json/);
    assert.match(c.stderr, /hint: run `npx evforge generate`/);
  });

  it('check names missing files and files evforge did not write; generate repairs the first and keeps the second', async () => {
    await run(p.dir, 'generate');
    writeFileSync(join(p.dir, 'mappings/windows.ntlm/stray.json'), '{}\n');
    const fields = join(p.dir, 'mappings/windows.ntlm/docs/fields.md');
    (await import('node:fs')).rmSync(fields);
    const c = await run(p.dir, 'check');
    assert.equal(c.code, 1);
    assert.match(c.stderr, /missing +mappings\/windows\.ntlm\/docs\/fields\.md/);
    assert.match(c.stderr, /foreign +mappings\/windows\.ntlm\/stray\.json \(not written by evforge\)/);
    await run(p.dir, 'generate');
    assert.equal(readFileSync(join(p.dir, 'mappings/windows.ntlm/stray.json'), 'utf8'), '{}\n', 'a file evforge did not write is kept');
    const again = await run(p.dir, 'check');
    assert.equal(again.code, 1);
    assert.doesNotMatch(again.stderr, /missing/);
    (await import('node:fs')).rmSync(join(p.dir, 'mappings/windows.ntlm/stray.json'));
    assert.equal((await run(p.dir, 'check')).code, 0, 'clean once the foreign file is moved out');
  });

  it('an invalid definition exits 1 and writes nothing', async () => {
    await run(p.dir, 'generate');
    const before = await treeText(join(p.dir, 'mappings'));
    const file = join(p.dir, 'examples/ntlm-8002.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("type: 'UInt32'", "type: 'UInt33'"));
    const g = await run(p.dir, 'generate');
    assert.equal(g.code, 1);
    assert.match(g.stderr, /✖ "UInt33" is not a valid Windows type\n {2}→ at examples\/ntlm-8002\.ts: fields\.CallerPID\.type/);
    assert.equal(await treeText(join(p.dir, 'mappings')), before);
  });

  it('a missing definition file is named, with exit 1', async () => {
    const g = await run(p.dir, 'generate', 'examples/nope.ts');
    assert.equal(g.code, 1);
    assert.match(g.stderr, /✖ examples\/nope\.ts: file not found/);
  });

  it('an unknown flag is a usage error, exit 2', async () => {
    const g = await run(p.dir, 'generate', '--outt', 'x');
    assert.equal(g.code, 2);
    assert.match(g.stderr, /Unknown argument: outt/);
  });

  it('a write that fails half way leaves the previous files intact', async () => {
    await run(p.dir, 'generate');
    const out = join(p.dir, 'mappings');
    const before = await treeText(out);
    const files = new Map([
      ['manifest.json', 'new\n'],
      ['bad\0name.json', 'x'],
    ]);
    await assert.rejects(writeTreeAtomically(out, files), /cannot write generated files/);
    assert.equal(await treeText(out), before);
  });
});
