import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError } from '../../../src/errors.ts';
import { readInput, scanInput, type InputFormat } from '../../../src/io/formats/input.ts';
import { ROOT } from '../../helpers.ts';

const dir = join(ROOT, 'examples/events/windows');

async function convert(path: string, label = path): Promise<{ format: InputFormat; events: { origin: string; value: Record<string, any> }[] }> {
  const scan = await scanInput(path, label);
  const events = [];
  for await (const e of readInput(path, label, scan)) events.push({ origin: e.origin, value: JSON.parse(e.text) });
  assert.equal(events.length, scan.count, 'pass 2 yields what pass 1 counted');
  return { format: scan.format, events };
}

/** Every leaf of a converted event: all are strings, whatever the input wrote. */
function leaves(v: unknown, out: unknown[] = []): unknown[] {
  if (v !== null && typeof v === 'object') for (const x of Object.values(v)) leaves(x, out);
  else out.push(v);
  return out;
}

const NTLM = { provider: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' };
const NETLOGON = { provider: 'Microsoft-Windows-Security-Netlogon', guid: '{E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC}' };
/** What every fixture holds, written from the formats' documentation (DESIGN.md §4). */
const EXPECTED_DATA = [
  { id: '8001', ...NTLM, record: '1103', data: { TargetName: 'TERMSRV/fileserver01.corp.example', UserName: 'alice', DomainName: 'CORP', CallerPID: '1234', ProcessName: 'C:\\Windows\\System32\\mstsc.exe', ClientLUID: '0x5f3e2', ClientUserName: 'alice', ClientDomainName: 'CORP', MechanismOID: '(NULL)' } },
  { id: '8002', ...NTLM, record: '18446744073709551615', data: { CallerPID: '720', ProcessName: 'C:\\Windows\\System32\\lsass.exe', ClientLUID: '0x3e4', ClientUserName: 'Jürgen-Ω', ClientDomainName: 'WORKGROUP', MechanismOID: '(NULL)' } },
  { id: '8003', ...NTLM, record: '1105', data: { UserName: 'bob', DomainName: 'CORP', Workstation: 'WS-042', CallerPID: '4', ProcessName: '', LogonType: '3', InProc: 'false', MechanismOID: '(NULL)' } },
  { id: '8004', ...NETLOGON, record: '1106', data: { SChannelName: 'WS-042', UserName: 'carol', DomainName: 'NULL', WorkstationName: 'WS-042', SChannelType: '2' } },
];

describe('Windows event XML and evtx_dump JSON → the system + event_data shape', () => {
  const fixtures: [string, InputFormat, number[]][] = [
    ['ntlm-wevtutil.xml', 'windows-xml', [1, 2, 3, 4]],
    ['ntlm-get-winevent.xml', 'windows-xml', [3, 50, 95, 140]],
    ['ntlm-evtx_dump.xml', 'windows-xml', [3, 39, 72, 108]],
    ['ntlm-evtx_dump.json', 'evtx-json', [2, 59, 113, 165]],
    ['ntlm-evtx_dump.jsonl', 'evtx-json', [1, 2, 3, 4]],
  ];
  for (const [file, format, lines] of fixtures) {
    it(`${file}: detected as ${format}, the four NTLM events with every value exact, as text`, async () => {
      const { format: got, events } = await convert(join(dir, file), file);
      assert.equal(got, format);
      assert.deepEqual(events.map((e) => e.origin), lines.map((l) => `${file}:${l}`));
      for (const [i, want] of EXPECTED_DATA.entries()) {
        const { system, event_data } = events[i]!.value;
        assert.equal(system.event_id, want.id);
        assert.equal(system.provider, want.provider);
        assert.equal(system.guid, want.guid);
        assert.equal(system.event_record_id, want.record);
        assert.equal(system.channel, 'Microsoft-Windows-NTLM/Operational');
        assert.equal(system.keywords, '0x8000000000000000');
        assert.equal(system.task, '2');
        assert.deepEqual(event_data, want.data);
      }
      assert.equal(events[1]!.value.system.computer, '東京-PC01');
      for (const e of events) for (const leaf of leaves(e.value)) assert.equal(typeof leaf, 'string');
    });
  }

  it('wevtutil XML → exactly the seed shape (the 8002 event, whole)', async () => {
    const { events } = await convert(join(dir, 'ntlm-wevtutil.xml'));
    assert.deepEqual(events[1]!.value, {
      system: {
        provider: 'Microsoft-Windows-NTLM',
        guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}',
        event_id: '8002',
        version: '0',
        level: '4',
        task: '2',
        opcode: '0',
        keywords: '0x8000000000000000',
        time_created: '2026-03-12T02:56:00.8242580Z',
        event_record_id: '18446744073709551615',
        correlation: { ActivityID: '{CC8E79E3-F5C5-4F46-89CF-44829F945FA1}' },
        execution: { process_id: '720', thread_id: '12064' },
        channel: 'Microsoft-Windows-NTLM/Operational',
        computer: '東京-PC01',
        security: { user_id: 'S-1-5-18' },
      },
      event_data: EXPECTED_DATA[1]!.data,
    });
  });

  it('evtx_dump XML, JSON and JSONL of the same records convert to the same events', async () => {
    const texts = await Promise.all(['ntlm-evtx_dump.xml', 'ntlm-evtx_dump.json', 'ntlm-evtx_dump.jsonl'].map(async (f) => (await convert(join(dir, f))).events.map((e) => e.value)));
    assert.deepEqual(texts[1], texts[0]);
    assert.deepEqual(texts[2], texts[0]);
    assert.equal(texts[0]![1]!.system.time_created, '2026-03-12T02:56:00.824258Z');
  });

  it('RenderingInfo: Message → message, the rendered level → log.level, every rendered name kept in rendering_info', async () => {
    const { events } = await convert(join(dir, 'ntlm-get-winevent.xml'));
    const e = events[1]!.value;
    assert.match(e.message, /^NTLM server blocked audit: .*\nCalling process user identity: Jürgen-Ω\n/s);
    assert.deepEqual(e.log, { level: 'information' });
    assert.deepEqual(e.rendering_info, { culture: 'en-US', level: 'Information', task: 'Auditing NTLM', opcode: 'Info', channel: 'Microsoft-Windows-NTLM/Operational', provider: 'Microsoft-Windows-NTLM', keywords: [] });
  });

  describe('nothing is lost', () => {
    let tmp: string;
    before(() => (tmp = mkdtempSync(join(tmpdir(), 'evforge-xml-'))));
    after(() => rmSync(tmp, { recursive: true, force: true }));
    const write = (name: string, text: string | Buffer): string => {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    };

    it('Data without Name, repeated names, Binary, Qualifiers, unknown System parts, UserData, CDATA and entities', async () => {
      const xml = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System><Provider Name="Service Control Manager" EventSourceName="Service Control Manager"/><EventID Qualifiers="16384">7036</EventID>
    <TimeCreated SystemTime="2026-01-01T00:00:00.1234567Z"/><Execution ProcessID="4" ThreadID="8" ProcessorID="1" KernelTime="5"/><Future Flag="x">y</Future></System>
  <EventData><Data>Windows Update</Data><Data>running</Data><Data Name="X">a &amp; &lt;b&gt; &#x3A9;</Data><Data Name="X"><![CDATA[<raw>]]></Data><Data Name="Space">  two  </Data><Binary>0A00</Binary></EventData>
</Event>
<Event><System><EventID>4</EventID></System><UserData><LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>Jürgen-Ω</SubjectUserName><Item>1</Item><Item>2</Item></LogFileCleared></UserData><ProcessingErrorData><ErrorCode>15005</ErrorCode></ProcessingErrorData></Event>`;
      const { events } = await convert(write('mixed.xml', xml));
      assert.deepEqual(events[0]!.value, {
        system: {
          provider: 'Service Control Manager',
          event_source_name: 'Service Control Manager',
          event_id: '7036',
          qualifiers: '16384',
          time_created: '2026-01-01T00:00:00.1234567Z',
          execution: { process_id: '4', thread_id: '8', processor_id: '1', kernel_time: '5' },
          extra: { Future: { '#attributes': { Flag: 'x' }, '#text': 'y' } },
        },
        event_data: { param1: 'Windows Update', param2: 'running', X: ['a & <b> Ω', '<raw>'], Space: '  two  ', Binary: '0A00' },
      });
      assert.deepEqual(events[1]!.value, {
        system: { event_id: '4' },
        user_data: { LogFileCleared: { '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, SubjectUserName: 'Jürgen-Ω', Item: ['1', '2'] } },
        processing_error_data: { ErrorCode: '15005' },
      });
    });

    it('evtx_dump JSON: numbers beyond 2^53 and 2^64 keep their digits; unnamed Data, booleans, nulls, --separate-json-attributes', async () => {
      const json = `Record 1
{"Event":{"System":{"Provider":{"#attributes":{"Name":"P"}},"EventID":{"#attributes":{"Qualifiers":16384},"#text":6009},"EventRecordID":18446744073709551615,"Keywords":"0x8000000000000000","Correlation":null,"Execution":{"#attributes":{"ProcessID":9007199254740993,"ThreadID":0}}},"EventData":{"Data":{"#text":["10.00.","",123456789012345678901234567890]},"Flag":true,"Binary":null,"Ratio":1.50}}}
Record 2
{"Event_attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"Event":{"System":{"Provider_attributes":{"Name":"Q"},"EventID_attributes":{"Qualifiers":0},"EventID":1,"TimeCreated_attributes":{"SystemTime":"2021-11-19T16:52:33.833733500Z"}},"EventData":{"Data":"only"}}}
`;
      const { format, events } = await convert(write('evtx.json', json));
      assert.equal(format, 'evtx-json');
      assert.deepEqual(events[0]!.value, {
        system: { provider: 'P', event_id: '6009', qualifiers: '16384', event_record_id: '18446744073709551615', keywords: '0x8000000000000000', execution: { process_id: '9007199254740993', thread_id: '0' } },
        event_data: { param1: '10.00.', param2: '', param3: '123456789012345678901234567890', Flag: 'true', Binary: '', Ratio: '1.50' },
      });
      assert.deepEqual(events[1]!.value, { system: { provider: 'Q', qualifiers: '0', event_id: '1', time_created: '2021-11-19T16:52:33.833733500Z' }, event_data: { param1: 'only' } });
      assert.deepEqual(events.map((e) => e.origin.replace(/.*:/, '')), ['2', '4']);
    });

    it('a "Record N" line inside an element is data, not a separator', async () => {
      const { events } = await convert(write('rec.xml', 'Record 1\n<Event><System><EventID>1</EventID></System><EventData><Data Name="M">a\nRecord 2\nb</Data></EventData></Event>\n'));
      assert.equal(events[0]!.value.event_data.M, 'a\nRecord 2\nb');
    });

    it('UTF-16LE with a byte-order mark (Windows PowerShell\'s `>`) reads like UTF-8', async () => {
      const xml = '<Events>\r\n<Event><System><Computer>東京-PC01</Computer></System><EventData><Data Name="U">Jürgen-Ω</Data></EventData></Event>\r\n</Events>\r\n';
      const { events } = await convert(write('utf16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')])));
      assert.deepEqual(events[0]!.value, { system: { computer: '東京-PC01' }, event_data: { U: 'Jürgen-Ω' } });
      assert.equal(events[0]!.origin.replace(/.*:/, ''), '2');
    });
  });

  describe('malformed input: a located error that says what to fix', () => {
    let tmp: string;
    before(() => (tmp = mkdtempSync(join(tmpdir(), 'evforge-xml-bad-'))));
    after(() => rmSync(tmp, { recursive: true, force: true }));
    const cases: [string, string, RegExp, RegExp][] = [
      ['mismatched tag', '<Event><System>\n<EventID>1</EventId></System></Event>', /^bad\.xml:2$/, /malformed XML \(column \d+\): unexpected close tag/],
      ['bare ampersand', '<Event>\n<EventData><Data Name="a">x & y</Data></EventData></Event>', /^bad\.xml:2$/, /malformed XML/],
      ['truncated file', '<Event><System><EventID>1</EventID></System>\n<EventData>', /^bad\.xml:\d+$/, /unclosed tag/],
      ['not an event', '<Event><System/></Event>\n<Foo/>', /^bad\.xml:2$/, /<Foo> where an <Event> element was expected/],
      ['garbage between events', '<Event/>\nhello\n<Event/>', /^bad\.xml:2$/, /text outside any <Event> element: "hello"/],
      ['bad evtx JSON', 'Record 1\n{"Event": {"System": {}}}\nRecord 2\n{"Event": {"System": {"EventID": 1,}}}\n', /^bad\.xml:4$/, /invalid JSON/],
      ['seed JSON inside evtx JSON', '{"Event": {"System": {}}}\n{"system": {"event_id": 8002}}\n', /^bad\.xml:2$/, /not an evtx_dump event/],
    ];
    for (const [name, text, where, what] of cases) {
      it(name, async () => {
        const p = join(tmp, 'bad.xml');
        writeFileSync(p, text);
        await assert.rejects(scanInput(p, 'bad.xml'), (err: unknown) => {
          assert.ok(err instanceof FileError, String(err));
          assert.match(err.path, where);
          assert.match(err.message, what);
          assert.match(err.hint ?? '', /nothing was sent/);
          return true;
        });
      });
    }
  });

  it('JSON in the seed\'s or Winlogbeat\'s shape still goes to the JSON reader, untouched', async () => {
    const scan = await scanInput(join(ROOT, 'examples/events/ntlm-8002-winlogbeat.json'));
    assert.equal(scan.format, 'json');
  });
});
