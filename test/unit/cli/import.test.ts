import ntlm8002 from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { selectDefinitions } from '../../../src/api/definitions.ts';
import { loadTypeScript, valueOf } from '../../../src/import/merge.ts';
import { ROOT, copyProject, runCli, scratchDir } from '../../helpers.ts';

const FIXTURES = join(ROOT, 'test/fixtures/windows');
const NTLM_10 = join(FIXTURES, 'manifests/Win10-18990.Microsoft-Windows-NTLM.xml');
const SECURITY_10 = join(FIXTURES, 'manifests/Win10-18990.Microsoft-Windows-Security-Auditing.xml');
const WEP_NTLM = join(FIXTURES, 'wepexplorer/W10-1507.Microsoft-Windows-NTLM.xml');
const WEP_NETLOGON = join(FIXTURES, 'wepexplorer/W10-1507.Microsoft-Windows-Security-Netlogon.xml');

const tree = (dir: string) => (existsSync(dir) ? Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')])) : undefined);

/** The next minor version: what a compatible change asks. */
const minor = (v: string) => { const [a = 0, b = 0] = v.split('.').map(Number); return `${a}.${b + 1}.0`; };

describe('evforge import', function () {
  this.timeout(120_000);
  let s: ReturnType<typeof scratchDir>;
  beforeEach(() => {
    s = scratchDir('import');
  });
  afterEach(() => s.cleanup());
  const rel = (p: string) => relative(s.dir, p);

  it('imports NTLM 8001–8003 from a Windows manifest into a folder that `evforge generate` then takes as it is', async () => {
    const r = await runCli(s.dir, ['import', rel(NTLM_10), '--out', 'defs', '--events', '8001,8002,8003', '--channel', 'Microsoft-Windows-NTLM/Operational', '--dataset', 'windows.ntlm']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /Win10-18990\.Microsoft-Windows-NTLM\.xml: an instrumentation manifest \(Microsoft-Windows-NTLM\)/);
    assert.match(r.stdout, /\+ defs\/ntlm-8001\.ts {2}Microsoft-Windows-NTLM 8001 \(version 0\), ntlm-8001 1\.0\.0/);
    assert.match(r.stdout, /3 definitions added, 0 updated, 0 unchanged in defs\//);
    assert.deepEqual(readdirSync(join(s.dir, 'defs')), ['ntlm-8001.ts', 'ntlm-8002.ts', 'ntlm-8003.ts']);
    const g = await runCli(s.dir, ['generate', 'defs/ntlm-8001.ts', 'defs/ntlm-8002.ts', 'defs/ntlm-8003.ts']);
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, /defs\/ntlm-8001\.ts, defs\/ntlm-8002\.ts, defs\/ntlm-8003\.ts → mappings\/windows\.ntlm\/ \(\d+ files; ntlm-8001 1\.0\.0, ntlm-8002 1\.0\.0, ntlm-8003 1\.0\.0\)/);
    const c = await runCli(s.dir, ['check', 'defs/ntlm-8001.ts', 'defs/ntlm-8002.ts', 'defs/ntlm-8003.ts']);
    assert.equal(c.code, 0, c.all);
  });

  it('writes the same bytes again, and the second run changes nothing', async () => {
    const args = ['import', rel(WEP_NTLM), '--out', 'defs'];
    assert.equal((await runCli(s.dir, args)).code, 0);
    const first = tree(join(s.dir, 'defs'));
    const again = await runCli(s.dir, args);
    assert.equal(again.code, 0, again.all);
    assert.match(again.stdout, /0 definitions added, 0 updated, 4 unchanged in defs\//);
    assert.match(again.stdout, /= defs\/ntlm-8001\.ts {2}Microsoft-Windows-NTLM 8001 \(version 0\), ntlm-8001 1\.0\.0, unchanged/);
    assert.doesNotMatch(again.stdout, /next:/);
    assert.deepEqual(tree(join(s.dir, 'defs')), first);
  });

  it('merges into examples/ and prints each change; `evforge generate` accepts the bump it made', async () => {
    const p = copyProject('import-merge');
    try {
      // The examples name their task as Windows does ("Auditing NTLM"): 8002 given the rebuilt
      // manifest's text instead (a compatible change, bumped), which the import from Windows' dump undoes.
      const [v8002, v8003, v8004] = [ntlm8002.schemaVersion, ntlm8003.schemaVersion, ntlm8004.schemaVersion];
      const file = join(p.dir, 'examples/ntlm-8002.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("name: 'Auditing NTLM'", "name: 'AuditingNTLM'").replace(`schemaVersion: '${v8002}'`, `schemaVersion: '${minor(v8002)}'`));
      const first = await runCli(p.dir, ['generate']);
      assert.equal(first.code, 0, first.all);
      const r = await runCli(p.dir, ['import', relative(p.dir, WEP_NTLM), relative(p.dir, WEP_NETLOGON), '--events', '8002,8004']);
      assert.equal(r.code, 0, r.all);
      assert.ok(r.stdout.includes(`~ examples/ntlm-8002.ts  Microsoft-Windows-NTLM 8002 (version 0), ntlm-8002 ${minor(v8002)} → ${minor(minor(v8002))}\n      compatible    task: {"value":2,"name":"AuditingNTLM"} → {"value":2,"name":"Auditing NTLM"}`), r.stdout);
      assert.ok(r.stdout.includes(`= examples/ntlm-8004.ts  Microsoft-Windows-Security-Netlogon 8004 (version 0), ntlm-8004 ${v8004}, unchanged`), "the existing definition's name, whatever the provider; nothing of Windows' differs");
      assert.match(r.stdout, /0 definitions added, 1 updated, 1 unchanged in examples\//);
      const g = await runCli(p.dir, ['generate']);
      assert.equal(g.code, 0, g.all);
      assert.ok(g.stdout.includes(`ntlm-8002 ${minor(minor(v8002))}, ntlm-8003 ${v8003}, ntlm-8004 ${v8004}`), g.stdout);
    } finally {
      p.cleanup();
    }
  });

  it('bad input: one located error, exit 1, nothing written (the output folder is not even made)', async () => {
    writeFileSync(join(s.dir, 'events.json'), '[{"EventID": 8001}]');
    const r = await runCli(s.dir, ['import', rel(NTLM_10), 'events.json', '--out', 'defs', '--channel', 'X']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '✖ events.json is not XML (it starts with "[{\\"EventID\\": 8001}]")\n  → at events.json:1\n  hint: give an instrumentation manifest (.man, <instrumentationManifest>) or a WEPExplorer dump (<Providers>)');
    assert.equal(existsSync(join(s.dir, 'defs')), false);
    const missing = await runCli(s.dir, ['import', 'nope.man']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^✖ nope\.man: file not found\n {2}hint: give the path of a provider description/);
  });

  it('refuses a bad command line with exit 2 before reading anything', async () => {
    const cases: [string[], RegExp][] = [
      [['import'], /no provider description given/],
      [['import', rel(NTLM_10), '--events', '8001,x'], /--events "8001,x": give event ids from 0 to 65535 separated by commas/],
      [['import', rel(NTLM_10), '--events', '70000'], /--events "70000"/],
      [['import', rel(NTLM_10), '--dataset', 'Windows-NTLM'], /--dataset "Windows-NTLM" is not a valid dataset/],
      [['import', rel(NTLM_10), '--channel', ' '], /--channel is empty/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(s.dir, argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('an event-less import (every event without a channel) says so and exits 1', async () => {
    const r = await runCli(s.dir, ['import', rel(NTLM_10), '--out', 'defs']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /note: skipped 13 events without a channel \(ETW-only, logged to no event log\): 100, 101, 301, 4001, 4002, 4003, 4010, 4011, 4012, 4013, 8001, 8002, … \(13 in all\); pass --channel NAME/);
    assert.match(r.stderr, /✖ no event imported into defs\//);
    assert.equal(existsSync(join(s.dir, 'defs')), false);
  });

  it('the whole Security-Auditing manifest: 416 definitions whose code reads back as the data, and which load', async () => {
    const r = await runCli(s.dir, ['import', rel(SECURITY_10), '--out', 'security', '--channel', 'Security']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /416 definitions added, 0 updated, 0 unchanged in security\//);
    const files = readdirSync(join(s.dir, 'security')).sort();
    assert.equal(files.length, 416);
    // Every file parses as TypeScript and its value is plain data that validates (the import checked
    // the definitions; this checks the printed code says the same).
    const ts = await loadTypeScript();
    for (const f of files) {
      const text = readFileSync(join(s.dir, 'security', f), 'utf8');
      const value = valueOf(ts, f, text);
      assert.ok(value && typeof value === 'object' && 'eventId' in value, `${f} reads back as a definition`);
    }
    // A sample through evforge's own loader (tsx + validation), as `evforge generate` loads them.
    const sample = ['security-auditing-4608.ts', 'security-auditing-4616.ts', 'security-auditing-4624.ts', 'security-auditing-5140.ts', 'security-auditing-6272.ts'];
    const { definitions } = await selectDefinitions(sample.map((f) => `security/${f}`), s.dir);
    assert.deepEqual(definitions.map((d) => [d.definition.eventId, d.definition.version, d.definition.fields.length]), [
      [4608, 0, 0],
      [4616, 1, 10],
      [4624, 2, 27],
      [5140, 1, 11],
      [6272, 2, 27],
    ]);
  });
});
