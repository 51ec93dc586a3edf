import assert from 'node:assert/strict';
import { loadDefinitionFile } from '../../../src/io/loader.ts';
import { ROOT } from '../../helpers.ts';
import { EVENTLOG_MAN, FEATURES_MAN, NETLOGON_10, NTLM_10, SECURITY_10, WEP_NETLOGON, WEP_NTLM, definitionOf, fieldList, fixture, plan, text } from './helpers.ts';

const CHANNEL = 'Microsoft-Windows-NTLM/Operational';

describe('evforge import reads what Windows says about its events', () => {
  describe('an instrumentation manifest rebuilt from Windows 10 18990 (no channels, no messages)', () => {
    it('gives NTLM 8001–8003 exactly the fields of examples/ (names, order, types)', async () => {
      const p = await plan([fixture(NTLM_10)], { channel: CHANNEL, dataset: 'windows.ntlm', events: [8001, 8002, 8003] });
      for (const id of [8001, 8002, 8003]) {
        const { definition } = await loadDefinitionFile(`examples/ntlm-${id}.ts`, ROOT);
        assert.deepEqual(fieldList(definitionOf(p, id)), definition.fields.map((f) => `${f.name}:${f.type}`), `event ${id}`);
      }
      assert.deepEqual([...p.files.keys()], ['ntlm-8001.ts', 'ntlm-8002.ts', 'ntlm-8003.ts']);
    });

    it('reads the header: provider GUID upper-cased, level, task from the string table, standard opcode, 0 keywords', async () => {
      const p = await plan([fixture(NTLM_10)], { channel: CHANNEL, events: [8001, 4002] });
      const d = definitionOf(p, 8001);
      assert.deepEqual(d.provider, { name: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' });
      assert.equal(d.level, 4);
      assert.deepEqual(d.task, { value: 2, name: 'AuditingNTLM' });
      assert.deepEqual(d.opcode, { value: 0, name: 'Info' });
      assert.equal(d.keywords, '0x0000000000000000');
      assert.equal(definitionOf(p, 4002).level, 3, 'win:Warning');
      assert.equal(d.dataset, 'windows.ntlm_operational', 'the default dataset is the channel');
    });

    it('shares one template among several events (BlockingNTLMArgs: 4001, 4013 and 8001)', async () => {
      const p = await plan([fixture(NTLM_10)], { channel: CHANNEL, events: [4001, 4013, 8001] });
      const lists = [4001, 4013, 8001].map((id) => fieldList(definitionOf(p, id)));
      assert.equal(lists[0]?.length, 9);
      assert.deepEqual(lists[1], lists[0]);
      assert.deepEqual(lists[2], lists[0]);
    });

    it('without a channel in the source, skips every event with a note naming --channel', async () => {
      const p = await plan([fixture(NETLOGON_10)]);
      assert.equal(p.definitions.length, 0);
      assert.equal(p.files.size, 0);
      assert.deepEqual(p.notes, ['skipped 11 events without a channel (ETW-only, logged to no event log): 4004, 4005, 4006, 8004, 8005, 8006, 9000, 9001, 9002, 9003, 9004; pass --channel NAME to import them into that channel']);
    });

    it('with no message string, writes one line per field and says in the doc comment that the text is not Windows\'', async () => {
      const p = await plan([fixture(NTLM_10)], { channel: CHANNEL, events: [8002] });
      assert.equal(definitionOf(p, 8002).message, 'CallerPID: %1\nProcessName: %2\nClientLUID: %3\nClientUserName: %4\nClientDomainName: %5\nMechanismOID: %6');
      const file = p.files.get('ntlm-8002.ts') ?? '';
      assert.match(file, /^import \{ defineEvent \} from 'evforge';\n\n\/\*\*\n \* Microsoft-Windows-NTLM event 8002 \(version 0\), imported by `evforge import` from\n \* Win10-18990\.Microsoft-Windows-NTLM\.xml, an instrumentation manifest\.\n/);
      assert.match(file, / \* The source names no channel for it: `channel` is the one --channel gave\.\n/);
      assert.match(file, / \* The source carries no message string: `message` lists the fields \(evforge's text, not Windows'\)\.\n/);
    });

    it('maps every in-type of the Security-Auditing manifest, and a template-less event to a definition without fields', async () => {
      const p = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4608, 4624, 4616, 4662, 5152] });
      assert.deepEqual(definitionOf(p, 4608).fields, [], '4608 "Windows is starting up" has no data');
      const types = new Set<string>([4624, 4616, 4662, 5152].flatMap((id) => definitionOf(p, id).fields.map((f) => f.type)));
      for (const t of ['SID', 'UnicodeString', 'HexInt64', 'HexInt32', 'Pointer', 'GUID', 'UInt32', 'FILETIME', 'UInt64']) assert.ok(types.has(t), `${t} in ${[...types].join(', ')}`);
    });
  });

  describe('a WEPExplorer dump of Windows 10 1507 (channels, rendered names, messages)', () => {
    it('reads channel, level and task by their display text, and the message without the dump\'s leading line break', async () => {
      const p = await plan([fixture(WEP_NTLM), fixture(WEP_NETLOGON)]);
      const d = definitionOf(p, 8001);
      assert.equal(d.channel, CHANNEL);
      assert.equal(d.level, 4, '"Information" → win:Informational');
      assert.deepEqual(d.task, { value: 2, name: 'Auditing NTLM' }, 'the task as Windows renders it');
      assert.match(d.message, /^NTLM client blocked audit: Audit outgoing NTLM authentication traffic that would be blocked\.\nTarget server: %1\n/);
      assert.match(d.message, /list the target server %1 as an exception to use NTLM authentication\.$/);
      assert.equal(d.title, 'NTLM client blocked audit');
      assert.equal(definitionOf(p, 100).channel, 'Microsoft-Windows-Authentication/ProtectedUserFailures-DomainController');
      assert.deepEqual(definitionOf(p, 100).task, { value: 0, name: 'None' }, 'no <Task>');
      assert.equal(definitionOf(p, 9000).level, 2);
      assert.equal(definitionOf(p, 8004).provider.guid, '{E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC}');
    });

    it('gives the same fields as the rebuilt manifest, with descriptions from the message labels', async () => {
      const wep = await plan([fixture(WEP_NTLM)], { events: [8001, 8003] });
      const man = await plan([fixture(NTLM_10)], { channel: CHANNEL, events: [8001, 8003] });
      for (const id of [8001, 8003]) assert.deepEqual(fieldList(definitionOf(wep, id)), fieldList(definitionOf(man, id)));
      assert.deepEqual(
        definitionOf(wep, 8001).fields.map((f) => f.description),
        ['Target server.', 'Supplied user.', 'Supplied domain.', 'PID of client process.', 'Name of client process.', 'LUID of client process.', 'User identity of client process.', 'Domain name of user identity of client process.', 'Mechanism OID.'],
      );
      assert.equal(definitionOf(wep, 8003).fields[6]?.description, 'InProc.');
    });

    it('keeps tabs of a message as written, and labels after them', async () => {
      const p = await plan([fixture(WEP_NTLM)], { events: [100] });
      const d = definitionOf(p, 100);
      assert.match(d.message, /\nAccount Name:\t%1\nDevice Name:\t%2\nError Code:\t%3$/);
      assert.deepEqual(d.fields.map((f) => f.description), ['Account Name.', 'Device Name.', 'Error Code.']);
      assert.equal(d.fields[2]?.type, 'HexInt32');
    });
  });

  describe('a manifest with channels and a <localization> string table', () => {
    it('resolves $(string.…) in the en-US table (not another culture), importChannel by chid, task-scoped and provider opcodes, keyword masks', async () => {
      const p = await plan([fixture(FEATURES_MAN)]);
      const one = definitionOf(p, 1);
      assert.equal(one.message, 'Session %1 connected to %2.\n\nHandle:\t%3\nCounter:\t%4', '%n and %t written as the line break and tab they stand for');
      assert.equal(one.channel, 'Evforge-Test-Templates/Operational');
      assert.deepEqual(one.task, { value: 7, name: 'Connect' });
      assert.deepEqual(one.opcode, { value: 11, name: 'Handshake' }, "the task's own opcode");
      assert.equal(one.keywords, '0x0000000000000041', 'Session 0x1 | Network 0x40');
      assert.deepEqual(definitionOf(p, 2).opcode, { value: 10, name: 'Retry' }, "the provider's opcode");
      assert.deepEqual(definitionOf(p, 3).opcode, { value: 1, name: 'Start' }, 'win:Start');
    });

    it('types a value by what arrives: an integer with a Hex out-type is hex text, a UInt32 shown as IPv4 is text', async () => {
      const p = await plan([fixture(FEATURES_MAN)], { events: [1] });
      assert.deepEqual(fieldList(definitionOf(p, 1)), ['SessionId:HexInt32', 'RemoteAddress:UnicodeString', 'Handle:Pointer', 'Counter:HexInt64']);
    });

    it('marks a count as a list and leaves a length alone (binary, fixed-length string)', async () => {
      const p = await plan([fixture(FEATURES_MAN)], { events: [3] });
      const d = definitionOf(p, 3);
      assert.deepEqual(fieldList(d), ['PayloadLength:UInt32', 'Payload:Binary', 'Tag:AnsiString', 'Servers:UnicodeString', 'When:FILETIME', 'Started:SYSTEMTIME', 'Ratio:Double', 'Small:Int8']);
      assert.deepEqual(d.fields.filter((f) => f.array).map((f) => f.name), ['Servers']);
      assert.match(p.files.get('evforge-test-templates-3.ts') ?? '', /name: 'Servers',\n {6}type: 'UnicodeString',\n {6}description: 'Data item Servers of the template\.',\n {6}array: true,\n/);
    });

    it('keeps %%nnnn parameter inserts as written', async () => {
      const p = await plan([fixture(FEATURES_MAN)], { events: [2] });
      assert.equal(definitionOf(p, 2).message, 'Session %1 retries %2 (%%1833).');
      assert.match(p.files.get('evforge-test-templates-2.ts') ?? '', /message: 'Session %1 retries %2 \(%%1833\)\.',/);
    });

    it('skips the event without a channel, and imports it into the channel --channel names', async () => {
      const without = await plan([fixture(FEATURES_MAN)]);
      assert.ok(!without.byId.has(5));
      assert.match(without.notes.join('\n'), /skipped 1 event without a channel \(ETW-only, logged to no event log\): 5; pass --channel NAME/);
      const withChannel = await plan([fixture(FEATURES_MAN)], { channel: 'Evforge-Test-Templates/Debug', dataset: 'windows.test' });
      assert.equal(definitionOf(withChannel, 5).channel, 'Evforge-Test-Templates/Debug');
      assert.equal(definitionOf(withChannel, 1).channel, 'Evforge-Test-Templates/Operational', 'a channel the source gives is kept');
      assert.equal(definitionOf(withChannel, 6).channel, 'Evforge-Test-Templates/Analytic');
      assert.deepEqual(withChannel.notes, []);
    });
  });

  describe('UserData payloads', () => {
    it('names the fields after the fragment\'s elements and records its element and namespace (1102 "The audit log was cleared")', async () => {
      const p = await plan([fixture(EVENTLOG_MAN)]);
      const d = definitionOf(p, 1102);
      assert.deepEqual(d.userData, { element: 'LogFileCleared', namespace: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' });
      assert.deepEqual(fieldList(d), ['SubjectUserSid:SID', 'SubjectUserName:UnicodeString', 'SubjectDomainName:UnicodeString', 'SubjectLogonId:HexInt64']);
      assert.deepEqual(d.fields.map((f) => f.description), ['Security ID (Subject).', 'Account Name (Subject).', 'Domain Name (Subject).', 'Logon ID (Subject).']);
      assert.equal(d.channel, 'Security');
      assert.equal(d.keywords, '0x0020000000000000', 'win:AuditSuccess');
      assert.equal(d.title, 'The audit log was cleared');
      assert.deepEqual(definitionOf(p, 104).fields.map((f) => f.name), ['SubjectUserName', 'SubjectDomainName', 'Channel', 'BackupPath']);
      assert.equal(definitionOf(p, 104).channel, 'System');
    });

    it('takes a field\'s name from the element that shows its %n, not from the data item', async () => {
      const man = `<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events"><instrumentation><events>
<provider name="Contoso-Backup" guid="{11111111-2222-3333-4444-555555555555}"><channels><importChannel chid="app" name="Application"/></channels>
<templates><template tid="t"><data name="p1" inType="win:UnicodeString"/><data name="p2" inType="win:UInt32"/>
<UserData><BackupDone xmlns="urn:contoso"><Target>%1</Target><Files>%2</Files></BackupDone></UserData></template></templates>
<events><event value="7" channel="app" template="t"/></events></provider></events></instrumentation></instrumentationManifest>`;
      const p = await plan([text('contoso.man', man)]);
      assert.deepEqual(fieldList(definitionOf(p, 7)), ['Target:UnicodeString', 'Files:UInt32']);
      assert.deepEqual(definitionOf(p, 7).userData, { element: 'BackupDone', namespace: 'urn:contoso' });
    });
  });
});
