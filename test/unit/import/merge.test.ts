import assert from 'node:assert/strict';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExistingFile } from '../../../src/import/index.ts';
import { ROOT } from '../../helpers.ts';
import { NTLM_10, SECURITY_10, SECURITY_7, WEP_NTLM, definitionOf, fixture, issuesOf, plan } from './helpers.ts';

/** The example definitions, as the import finds them in an output folder. */
const examples = (): ExistingFile[] =>
  readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => ({ path: f, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }));

/** A file's text without its `message: [ … ].join('\n'),` block. */
const withoutMessage = (text: string) => text.replace(/\n {2}message: \[\n[\s\S]*?\n {2}\]\.join\('\\n'\),/, '\n  message: …');

describe('re-import merges into the definitions that exist', () => {
  it('a dump with Windows\' messages updates 8001\'s message and task, keeping every other byte (detections, comments, ECS targets, descriptions)', async () => {
    // 8001 as it was before it had Windows' text: one closing sentence of its own, and the rebuilt manifest's task name.
    const before = examples().map((f) => (f.path === 'ntlm-8001.ts' ? { ...f, text: f.text.replace(/( {4}'Mechanism OID: %9',\n {4}'',\n)[\s\S]*?( {2}\]\.join)/, "$1    'An older closing sentence.',\n$2").replace("name: 'Auditing NTLM'", "name: 'AuditingNTLM'") } : f));
    assert.match(before.find((f) => f.path === 'ntlm-8001.ts')?.text ?? '', /'An older closing sentence\.',\n {2}\]\.join/);
    const p = await plan([fixture(WEP_NTLM)], { events: [8001, 8002, 8003] }, before);
    const old = before.find((f) => f.path === 'ntlm-8001.ts')?.text ?? '';
    const now = p.files.get('ntlm-8001.ts') ?? '';
    assert.notEqual(now, old);
    assert.equal(
      withoutMessage(now).replace("name: 'Auditing NTLM'", "name: 'AuditingNTLM'").replace(/schemaVersion: '[\d.]+'/, "schemaVersion: 'X'"),
      withoutMessage(old).replace(/schemaVersion: '[\d.]+'/, "schemaVersion: 'X'"),
      'outside the message, only the task name and the schema version moved',
    );
    assert.match(now, /'If you want only the target server %1 to accept NTLM authentication requests from this computer, set the security policy/);
    assert.match(now, /The "Potential Remote Desktop Connection to Non-Domain Host" detection is SigmaHQ rule/, 'the doc comment is kept');
    const d = p.definitions.find((x) => x.eventId === 8001);
    assert.equal(d?.status, 'updated');
    const [major = 0, minorPart = 0] = ntlm8001.schemaVersion.split('.').map(Number);
    assert.deepEqual(d?.schemaVersion, { from: ntlm8001.schemaVersion, to: `${major}.${minorPart + 1}.0` }, 'a compatible change: minor');
    assert.deepEqual(d?.changes.map((c) => c.severity), ['compatible', 'compatible']);
    assert.match(d?.changes.map((c) => c.what).join('\n') ?? '', /task: \{"value":2,"name":"AuditingNTLM"\} → \{"value":2,"name":"Auditing NTLM"\}\nmessage: changed to the source's text/);
    assert.equal(d?.definition?.detections?.[0]?.id, 'ce5678bb-b9aa-4fb5-be4b-e57f686256ad', 'the merged file still validates, detections included');
  });

  it('a source without messages or channels changes nothing in examples/: its message, channel and channel keyword bit are kept', async () => {
    const p = await plan([fixture(NTLM_10)], { events: [8001, 8002, 8003] }, examples());
    assert.deepEqual(p.definitions.map((d) => [d.path, d.status, d.changes.length]), [
      ['ntlm-8001.ts', 'unchanged', 0],
      ['ntlm-8002.ts', 'unchanged', 0],
      ['ntlm-8003.ts', 'unchanged', 0],
    ]);
    assert.equal(p.files.size, 0, 'nothing to write');
    assert.deepEqual(p.notes, [], 'the channel comes from the existing definition: nothing is skipped');
  });

  it('finds the file that defines the event by provider and id, whatever its name', async () => {
    const renamed = examples().map((f) => (f.path === 'ntlm-8003.ts' ? { ...f, path: 'server-in-domain.ts' } : f));
    const p = await plan([fixture(WEP_NTLM)], { events: [8003] }, renamed);
    // Found, and unchanged (the example already says what Windows says); not added as ntlm-8003.ts.
    assert.deepEqual(p.definitions.map((d) => [d.path, d.status]), [['server-in-domain.ts', 'unchanged']]);
    const older = renamed.map((f) => (f.path === 'server-in-domain.ts' ? { ...f, text: f.text.replace("name: 'Auditing NTLM'", "name: 'AuditingNTLM'") } : f));
    assert.deepEqual([...(await plan([fixture(WEP_NTLM)], { events: [8003] }, older)).files.keys()], ['server-in-domain.ts']);
  });

  describe('a newer build over a definition a person edited (Security 4624, Windows 7 → 10)', () => {
    const edit = (text: string) =>
      text
        .replace("  fields: [\n", '  fields: [\n    // kept: a comment of mine\n')
        .replace(/(name: 'TargetUserName',\n {6}type: 'UnicodeString',\n {6}description: )'[^']*',/, "$1'The account that logged on.',\n      aliases: ['Target_user_name'],\n      nullTokens: ['-'],\n      ecs: ['user.name'],")
        .replace("dataset: 'windows.security',", "dataset: 'windows.security',\n  ecs: { category: ['authentication'], type: ['start'] },");

    it('adds v1 and v2\'s fields with since, raises version, keeps the person\'s additions, and bumps minor', async () => {
      const seven = await plan([fixture(SECURITY_7)], { channel: 'Security', events: [4624] });
      const mine = edit(seven.files.get('security-auditing-4624.ts') ?? '');
      assert.match(mine, /aliases: \['Target_user_name'\]/, 'the edit applied');
      const ten = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4624] }, [{ path: 'security-auditing-4624.ts', text: mine }]);
      const now = ten.files.get('security-auditing-4624.ts') ?? '';
      for (const kept of ['// kept: a comment of mine', "description: 'The account that logged on.'", "aliases: ['Target_user_name']", "nullTokens: ['-']", "ecs: ['user.name']", "ecs: { category: ['authentication'], type: ['start'] }"]) {
        assert.ok(now.includes(kept), `kept: ${kept}`);
      }
      assert.match(now, /name: 'ImpersonationLevel',\n {6}type: 'UnicodeString',\n {6}description: 'Data item ImpersonationLevel of the template\.',\n {6}since: 1,\n {4}\}/);
      assert.match(now, /\n {2}version: 2,\n/);
      const d = ten.definitions[0];
      assert.deepEqual(d?.schemaVersion, { from: '1.0.0', to: '1.1.0' });
      assert.deepEqual(d?.changes.filter((c) => c.what.startsWith('field')).map((c) => c.what), [
        'field ImpersonationLevel added (UnicodeString, since version 1)',
        'field RestrictedAdminMode added (UnicodeString, since version 2)',
        'field TargetOutboundUserName added (UnicodeString, since version 2)',
        'field TargetOutboundDomainName added (UnicodeString, since version 2)',
        'field VirtualAccount added (UnicodeString, since version 2)',
        'field TargetLinkedLogonId added (HexInt64, since version 2)',
        'field ElevatedToken added (UnicodeString, since version 2)',
      ]);
      assert.equal(d?.definition?.fields.find((f) => f.name === 'TargetUserName')?.ecs?.[0], 'user.name');
      // Importing the same again changes nothing.
      const again = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4624] }, [{ path: 'security-auditing-4624.ts', text: now }]);
      assert.equal(again.files.size, 0);
      assert.equal(again.definitions[0]?.status, 'unchanged');
    });

    it('an older build over a newer definition removes fields: breaking, a major bump', async () => {
      const ten = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4624] });
      const seven = await plan([fixture(SECURITY_7)], { channel: 'Security', events: [4624] }, [{ path: 'security-auditing-4624.ts', text: ten.files.get('security-auditing-4624.ts') ?? '' }]);
      const d = seven.definitions[0];
      assert.deepEqual(d?.schemaVersion, { from: '1.0.0', to: '2.0.0' });
      assert.equal(d?.changes.filter((c) => c.severity === 'breaking').length, 7);
      assert.match(d?.changes.find((c) => c.severity === 'breaking')?.what ?? '', /^field ImpersonationLevel removed/);
      assert.equal(d?.definition?.version, 0);
      assert.equal(d?.definition?.fields.length, 20);
      assert.ok(d?.changes.some((c) => c.what === "message: evforge's list of the fields redone (the source has no message)"), 'the field list message follows the fields');
      assert.doesNotMatch(d?.definition?.message ?? '', /%2[1-7]/);
    });

    it('a message the source cannot replace is refused when an insert would name another field (5058: two fields inserted at %5 in version 1)', async () => {
      const seven = await plan([fixture(SECURITY_7)], { channel: 'Security', events: [5058] });
      const mine = (seven.files.get('security-auditing-5058.ts') ?? '').replace(/ {2}message: \[\n[\s\S]*?\]\.join\('\\n'\),/, "  message: 'Key file operation.\\nProvider Name: %5\\nReturn Code: %11',");
      assert.match(mine, /Return Code: %11/);
      const issues = await issuesOf(() => plan([fixture(SECURITY_10)], { channel: 'Security', events: [5058] }, [{ path: 'security-auditing-5058.ts', text: mine }]));
      assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_IMPORT_MESSAGE_INSERTS', 'security-auditing-5058.ts:22']]);
      assert.match(issues[0]?.message ?? '', /its %5 \(ProviderName → ClientProcessId\), %11 \(ReturnCode → KeyFilePath\) would name another field/);
    });

    it('a retyped field is breaking (4928 Options: UInt32 in Windows 7 → UInt64 in version 1)', async () => {
      const seven = await plan([fixture(SECURITY_7)], { channel: 'Security', events: [4928] });
      const ten = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4928] }, [{ path: 'security-auditing-4928.ts', text: seven.files.get('security-auditing-4928.ts') ?? '' }]);
      const d = ten.definitions[0];
      assert.deepEqual(d?.schemaVersion, { from: '1.0.0', to: '2.0.0' });
      assert.deepEqual(d?.changes.map((c) => `${c.severity} ${c.what}`), [
        'compatible version: 0 → 1',
        'breaking field Options type: "UInt32" → "UInt64"',
        'compatible field Options earlierTypes: (none) → [{"type":"UInt32","until":0}]',
      ]);
      assert.match(ten.files.get('security-auditing-4928.ts') ?? '', /name: 'Options',\n {6}type: 'UInt64',\n {6}description: 'Data item Options of the template\.',\n {6}earlierTypes: \[\{ type: 'UInt32', until: 0 \}\],\n/);
    });
  });

  describe('what it cannot merge, it refuses at the place, and plans nothing', () => {
    it('a field list that is code, not a literal', async () => {
      const code = `import { defineEvent } from 'evforge';\nimport base from './ntlm-8001.ts';\n\nexport default defineEvent({\n  ...base,\n  name: 'ntlm-8001',\n  schemaVersion: '1.0.0',\n  provider: { name: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' },\n  eventId: 8001,\n  fields: base.fields,\n});\n`;
      const issues = await issuesOf(() => plan([fixture(WEP_NTLM)], { events: [8001], outLabel: 'defs' }, [{ path: 'rdp.ts', text: code }]));
      assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_IMPORT_MERGE', 'rdp.ts:10']]);
      assert.match(issues[0]?.message ?? '', /cannot merge event 8001 into rdp\.ts: its "fields" is not plain data/);
    });

    it('two files that define the same event', async () => {
      const twice = [...examples(), { path: 'copy-of-8002.ts', text: readFileSync(join(ROOT, 'examples/ntlm-8002.ts'), 'utf8') }];
      const issues = await issuesOf(() => plan([fixture(WEP_NTLM)], { events: [8002], outLabel: 'examples' }, twice));
      assert.deepEqual(issues.map((i) => i.code), ['E_IMPORT_AMBIGUOUS']);
      assert.match(issues[0]?.message ?? '', /examples\/ntlm-8002\.ts and examples\/copy-of-8002\.ts both define event 8002 of Microsoft-Windows-NTLM|examples\/copy-of-8002\.ts and examples\/ntlm-8002\.ts both define event 8002/);
    });

    it('a file of the new definition\'s name that defines another event', async () => {
      const other = readFileSync(join(ROOT, 'examples/ntlm-8002.ts'), 'utf8');
      const issues = await issuesOf(() => plan([fixture(WEP_NTLM)], { events: [8001], outLabel: 'defs' }, [{ path: 'ntlm-8001.ts', text: other }]));
      assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_IMPORT_CLASH', 'defs/ntlm-8001.ts']]);
      assert.match(issues[0]?.message ?? '', /defs\/ntlm-8001\.ts exists and defines Microsoft-Windows-NTLM 8002, not event 8001 of Microsoft-Windows-NTLM/);
    });
  });

  it('re-importing what it wrote is a no-op, byte for byte (determinism)', async () => {
    const first = await plan([fixture(WEP_NTLM)]);
    const again = await plan([fixture(WEP_NTLM)], {}, [...first.files].map(([path, text]) => ({ path, text })));
    assert.equal(again.files.size, 0);
    assert.ok(again.definitions.every((d) => d.status === 'unchanged'));
    const fresh = await plan([fixture(WEP_NTLM)]);
    assert.deepEqual([...fresh.files], [...first.files]);
    assert.equal(definitionOf(first, 8002).schemaVersion, '1.0.0');
  });
});
