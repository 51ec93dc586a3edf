import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm8002 from '../../../examples/ntlm-8002.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import sec4625 from '../../../examples/security-auditing-4625.ts';
import sec4776 from '../../../examples/security-auditing-4776.ts';
import { logonStatus } from '../../../examples/tables/windows.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { ValidationError } from '../../../src/errors.ts';
import { datasetFields } from '../../../src/generate/fields.ts';
import { readManifest } from '../../../src/manifest/manifest.ts';
import { datasetsOf } from '../../../src/render/dataset.ts';
import { ROOT, copyProject, runCli } from '../../helpers.ts';

/** A version (or any text) as a regular expression matching exactly it. */
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sourced = (input: unknown, source: string) => ({ definition: loadDefinition(input, source), source });
const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return assert.fail('expected a ValidationError');
};

describe('datasets: the definitions of one dataset', () => {
  it('group by dataset into one dataset whose members are sorted by name', () => {
    const { datasets } = datasetsOf([sourced(ntlm8004, 'a.ts'), sourced(ntlm8002, 'b.ts'), sourced(ntlm8001, 'c.ts')]);
    assert.equal(datasets.length, 1);
    assert.equal(datasets[0]!.name, 'windows.ntlm');
    assert.deepEqual(datasets[0]!.events.map((e) => e.name), ['ntlm-8001', 'ntlm-8002', 'ntlm-8004']);
  });

  it('share a table two definitions import, and refuse one name given two contents, naming both definitions', () => {
    assert.doesNotThrow(() => datasetsOf([sourced(sec4625, 'examples/security-auditing-4625.ts'), sourced(sec4776, 'examples/security-auditing-4776.ts')]));
    // The same entries written in another case are the same table.
    const recased = { ...sec4776, tables: (sec4776.tables ?? []).map((t) => (t.name === logonStatus.name ? { ...t, entries: Object.fromEntries(Object.entries(t.entries).map(([k, v]) => [k.toLowerCase(), v])) } : t)) };
    assert.doesNotThrow(() => datasetsOf([sourced(sec4625, 'a.ts'), sourced(recased, 'b.ts')]));
    const changed = { ...sec4776, tables: (sec4776.tables ?? []).map((t) => (t.name === logonStatus.name ? { ...t, entries: { ...t.entries, '0xC000006A': 'wrong password' } } : t)) };
    const issues = issuesOf(() => datasetsOf([sourced(sec4625, 'examples/security-auditing-4625.ts'), sourced(changed, 'examples/security-auditing-4776.ts')]));
    assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_TABLE_CONFLICT', 'examples/security-auditing-4776.ts: tables[1]']]);
    assert.equal(issues[0]!.message, 'table "windows.logon_status" of security-auditing-4776 differs from the table of that name in examples/security-auditing-4625.ts (security-auditing-4625)');
    assert.match(issues[0]!.hint ?? '', /define the table once, in a module both definitions import \(defineTable\)/);
  });

  it('refuse the same field mapped two ways, naming both definitions and fields', () => {
    const one = { ...ntlm8004, name: 'ntlm-9998', eventId: 9998, detections: [], message: 'PID: %1', fields: [{ name: 'CallerPID', type: 'UInt32', description: 'x', ecs: [{ field: 'ntlm.caller', type: 'long' }] }] };
    const other = { ...ntlm8004, name: 'ntlm-9999', eventId: 9999, detections: [], message: 'PID: %1', fields: [{ name: 'Pid', type: 'UnicodeString', description: 'x', ecs: [{ field: 'ntlm.caller', type: 'keyword' }] }] };
    const issues = issuesOf(() => datasetsOf([sourced(one, 'examples/ntlm-9998.ts'), sourced(other, 'examples/ntlm-9999.ts')]));
    assert.deepEqual(issues.map((i) => i.code), ['E_FIELD_CONFLICT']);
    assert.equal(issues[0]!.path, 'examples/ntlm-9999.ts: fields (Pid)');
    assert.equal(
      issues[0]!.message,
      'ntlm.caller is keyword in examples/ntlm-9999.ts (ntlm-9999, field Pid) but long in examples/ntlm-9998.ts (ntlm-9998, field CallerPID); both are in dataset "windows.ntlm", whose one mapping cannot hold both',
    );
    assert.match(issues[0]!.hint!, /map the field alike .* or give one definition another dataset/);
  });

  it('accept an older name that is another event\'s field: older names are renamed per event, never mapped', () => {
    const other = { ...ntlm8004, name: 'ntlm-9998', eventId: 9998, detections: [], message: 'PID: %1', fields: [{ name: 'Calling_process_PID', type: 'UnicodeString', description: 'x' }] };
    const { datasets } = datasetsOf([sourced(ntlm8002, 'a.ts'), sourced(other, 'b.ts')]);
    const fields = datasetFields(datasets[0]!);
    assert.equal(fields.find((f) => f.path === 'winlog.event_data.Calling_process_PID')?.type, 'keyword');
    assert.ok(!fields.some((f) => f.path === 'winlog.event_data.Mechanism_OID'), 'an older name with no field of its own is not in the mapping');
  });

  it('refuse two definitions of one provider and event id, and two rules writing one file', () => {
    const twin = { ...ntlm8002, name: 'ntlm-8002-bis' };
    const issues = issuesOf(() => datasetsOf([sourced(ntlm8002, 'a.ts'), sourced(twin, 'b.ts')]));
    assert.deepEqual(issues.map((i) => i.code), ['E_EVENT_KEY_DUPLICATE', 'E_RULE_NAME_DUPLICATE']);
    assert.match(issues[0]!.message, /Microsoft-Windows-NTLM event 8002 is already defined by a\.ts \(ntlm-8002\) in dataset "windows\.ntlm"/);
  });

  it('refuse two datasets, or two rule files of one dataset, that differ only by case (one name on Windows and macOS)', () => {
    // Both cannot come from valid definitions (the patterns are lowercase): built past validation, the grouping still refuses them.
    const upper = (d: ReturnType<typeof loadDefinition>, dataset: string) => ({ definition: { ...d, dataset }, source: `${dataset}.ts` });
    const a = loadDefinition(ntlm8002, 'a.ts');
    const issues = issuesOf(() => datasetsOf([upper(a, 'windows.ntlm'), upper({ ...loadDefinition(ntlm8004, 'b.ts') }, 'Windows.NTLM')]));
    assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_NAME_NOT_PORTABLE', 'Windows.NTLM.ts: dataset']]);
    assert.equal(issues[0]!.message, 'dataset "Windows.NTLM" differs only by case from "windows.ntlm" (windows.ntlm.ts): one folder of mappings/ on Windows and macOS');
    const rule = a.detections[0]!;
    const shouting = { definition: { ...loadDefinition(ntlm8004, 'b.ts'), detections: [{ ...rule, name: rule.name.toUpperCase() }] }, source: 'b.ts' };
    const ruled = issuesOf(() => datasetsOf([{ definition: a, source: 'a.ts' }, shouting]));
    assert.deepEqual(ruled.map((i) => [i.code, i.path]), [['E_NAME_NOT_PORTABLE', 'b.ts: detections[0].name']]);
    assert.match(ruled[0]!.message, /^rule name "WIN_SUSP_NTLM_AUTH" differs only by case from "win_susp_ntlm_auth" \(a\.ts\) in dataset "windows\.ntlm": one file on Windows and macOS$/);
  });

  it('read a version-1 manifest (one definition per dataset) as a dataset of one', () => {
    const v1: unknown = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/mappings-v1/manifest.json'), 'utf8'));
    const read = readManifest(v1, { datasetOf: (e) => (e === 'ntlm-8002' ? 'windows.ntlm' : undefined) });
    assert.ok(read.ok, JSON.stringify(read));
    const m = read.manifest;
    assert.equal(m.manifest_version, 3);
    assert.deepEqual(m.datasets['windows.ntlm']!.members, ['ntlm-8002']);
    assert.ok(m.datasets['windows.ntlm']!.files.every((f) => f.owners.join() === 'ntlm-8002' && f.path.startsWith('ntlm-8002/')));
    assert.equal(m.events['ntlm-8002']!.schema_version, '1.2.0');
  });
});

describe('generate with named files against the manifest', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(p.dir, argv);
  beforeEach(async () => {
    p = copyProject('dataset');
    assert.equal((await cli('generate')).code, 0);
  });
  afterEach(() => p.cleanup());

  it('refuses to rewrite a data stream that definitions not named share: exit 1, nothing written, owners and the way out named', async () => {
    const manifest = readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8');
    const r = await cli('generate', 'examples/ntlm-8004.ts');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✖ data stream logs-windows\.ntlm-\* is shared with ntlm-8001 \(examples\/ntlm-8001\.ts\), ntlm-8002 \(examples\/ntlm-8002\.ts\), ntlm-8003 \(examples\/ntlm-8003\.ts\), which were not given/);
    assert.match(r.stderr, /hint: name every definition of the data stream .*, run `npx evforge generate` without files, or pass --take-over/);
    assert.match(r.stderr, /Nothing was written to mappings\//);
    assert.equal(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8'), manifest);
    assert.equal((await cli('check', 'examples/ntlm-8004.ts')).code, 1, 'check says the same');
  });

  it('with every member named, or --take-over, generate proceeds', async () => {
    const all = await cli('generate', 'examples/ntlm-8001.ts', 'examples/ntlm-8002.ts', 'examples/ntlm-8003.ts', 'examples/ntlm-8004.ts');
    assert.equal(all.code, 0, all.all);
    assert.match(all.stdout, /0 written/);
    const t = await cli('generate', 'examples/ntlm-8004.ts', '--take-over');
    assert.equal(t.code, 0, t.all);
    const m = JSON.parse(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8'));
    assert.deepEqual(m.datasets['windows.ntlm'].members, ['ntlm-8004']);
    assert.match(readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8'), new RegExp(`### Removed \`ntlm-8001\`, \`ntlm-8002\`, \`ntlm-8003\`\\n\\nMembers after it: ntlm-8004 ${re(ntlm8004.schemaVersion)}\\.\\n\\nBreaking:\\n\\n- \`ntlm-8001\`: event removed from the data stream — `));
  });

  it('adding an event to the data stream is compatible and needs no bump of the others; removing one is breaking', async () => {
    const def = join(p.dir, 'examples/ntlm-8003.ts');
    const text = readFileSync(def, 'utf8');
    (await import('node:fs')).rmSync(def);
    const removed = await cli('generate');
    assert.equal(removed.code, 0, removed.all);
    const changelog = readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8');
    const members = [ntlm8001, ntlm8002, ntlm8004].map((d) => `${d.name} ${re(d.schemaVersion)}`).join(', ');
    assert.match(changelog, new RegExp(`### Removed \`ntlm-8003\`\\n\\nMembers after it: ${members}\\.\\n\\nBreaking:\\n\\n- \`ntlm-8003\`: event removed from the data stream`));
    writeFileSync(def, text);
    const added = await cli('generate');
    assert.equal(added.code, 0, added.all);
    assert.match(readFileSync(join(p.dir, 'mappings/CHANGELOG.md'), 'utf8'), /### Added `ntlm-8003`\n\nMembers after it: .*\n\nCompatible:\n\n- `ntlm-8003`: event added to the data stream\n/);
    assert.equal((await cli('check')).code, 0);
  });

  it('moving the committed 8002-only mappings (manifest version 1) to the channel is compatible', async () => {
    cpSync(join(ROOT, 'test/fixtures/mappings-v1'), join(p.dir, 'v1'), { recursive: true });
    const r = await cli('compare', '--base', 'v1', '--json', '--fail-on', 'breaking');
    assert.equal(r.code, 0, r.all);
    const report = JSON.parse(r.stdout) as { events: { event: string; changes: { severity: string; path: string }[] }[] };
    const stream = report.events.find((e) => e.event === 'data stream logs-windows.ntlm-*')!;
    assert.deepEqual(stream.changes.filter((c) => c.path.startsWith('ntlm-')).map((c) => [c.severity, c.path]), [['compatible', 'ntlm-8001'], ['compatible', 'ntlm-8003'], ['compatible', 'ntlm-8004']]);
    assert.ok(stream.changes.some((c) => c.path === 'source.domain'), 'the new events\' fields join the mapping');
    assert.deepEqual(report.events.flatMap((e) => e.changes).filter((c) => c.severity === 'breaking'), []);
  });
});

