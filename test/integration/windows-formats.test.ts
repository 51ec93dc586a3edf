import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLossless } from '../../src/io/lossless.ts';
import { copyProject, runCli } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

async function getJson(url: string, body?: unknown): Promise<any> {
  const r = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return parseLossless(await r.text());
}

describe('replay of Windows event XML and evtx_dump JSON into the real node', function () {
  this.timeout(240_000);
  let node: string;
  let project: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(project.dir, argv);
  /** Each export form goes to a data stream of its own (`logs-windows.ntlm-wf<n>`): they hold the same four events. */
  const EACH = 'logs-windows.ntlm-wf*';
  const count = async (stream = 'logs-windows.ntlm-default'): Promise<number> => {
    await fetch(`${node}/${stream}/_refresh`, { method: 'POST' });
    return (await getJson(`${node}/${stream}/_count`)).count;
  };

  before(async () => {
    node = await sharedNode();
    project = copyProject('winxml');
    await resetCluster(node);
    const r = await cli('push', '--node', node);
    assert.equal(r.code, 0, r.all);
  });
  after(() => project.cleanup());

  const files = ['ntlm-wevtutil.xml', 'ntlm-get-winevent.xml', 'ntlm-evtx_dump.xml', 'ntlm-evtx_dump.json', 'ntlm-evtx_dump.jsonl'];

  it('every export form replays: 4 events per file, all indexed, each file named with its detected format', async () => {
    for (const [i, f] of files.entries()) {
      const r = await cli('replay', '--node', node, '--namespace', `wf${i}`, `examples/events/windows/${f}`);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /Replaying 4 events from 1 file/);
      assert.match(r.stdout, f.endsWith('.xml') ? /: Windows event XML, 4 events/ : /: evtx_dump JSON, 4 events/);
      assert.match(r.stdout, /sent 4, indexed 4, already present 0, failed 0/);
    }
    assert.equal(await count(EACH), 20);
  });

  it('the stored 8002 documents are normalized, with the record id\'s 20 digits, non-ASCII text and the microseconds exact', async () => {
    const res = await getJson(`${node}/${EACH}/_search`, { size: 20, query: { term: { 'event.code': '8002' } } });
    const hits = res.hits.hits.map((h: any) => h._source);
    assert.equal(hits.length, 5, 'one 8002 per file');
    for (const d of hits) {
      assert.equal(d.event.code, '8002');
      assert.equal(d.event.kind, 'event', JSON.stringify(d.error));
      assert.equal(d.event.provider, 'Microsoft-Windows-NTLM');
      assert.equal(d.winlog.record_id, '18446744073709551615');
      assert.equal(d.winlog.keywords, undefined, 'no standard keyword set: no names');
      assert.equal(d.evforge.keywords_mask, '0x8000000000000000');
      assert.equal(d.winlog.computer_name, '東京-PC01');
      assert.equal(d.host.name, '東京-PC01');
      assert.equal(d.winlog.channel, 'Microsoft-Windows-NTLM/Operational');
      assert.equal(d.winlog.task, 'Auditing NTLM');
      assert.deepEqual(d.winlog.event_data, { CallerPID: '720', ProcessName: 'C:\\Windows\\System32\\lsass.exe', ClientLUID: '0x3e4', ClientUserName: 'Jürgen-Ω', ClientDomainName: 'WORKGROUP' });
      assert.equal(d.user.name, 'Jürgen-Ω');
      assert.equal(d.process.pid, 720);
      assert.equal(d.process.name, 'lsass.exe');
      // Every fraction digit as the file gave it: XML's 7 (100 ns), evtx_dump JSON's 6.
      assert.match(d['@timestamp'], /^2026-03-12T02:56:00\.8242580?Z$/);
      assert.equal(d.system, undefined, 'the header moved to winlog.*');
    }
    // The record id is searchable as its exact text, and the non-ASCII user name as a term.
    const byRecord = await getJson(`${node}/${EACH}/_count`, { query: { term: { 'winlog.record_id': '18446744073709551615' } } });
    assert.equal(byRecord.count, 5);
    const byUser = await getJson(`${node}/${EACH}/_count`, { query: { term: { 'user.name': 'Jürgen-Ω' } } });
    assert.equal(byUser.count, 5);
    // RenderingInfo's message arrived as the message; the rendered names are kept beside it.
    const rendered = hits.find((d: any) => d.rendering_info);
    assert.match(rendered.message, /Calling process user identity: Jürgen-Ω\n/);
    assert.equal(rendered.rendering_info.task, 'Auditing NTLM');
  });

  it('8001, 8003 and 8004 (8004 from the Netlogon provider) are normalized by their own definitions, values exact', async () => {
    const res = await getJson(`${node}/${EACH}/_search`, { size: 20, query: { terms: { 'event.code': ['8001', '8003', '8004'] } } });
    const docs = res.hits.hits.map((h: any) => h._source);
    assert.equal(docs.length, 15, 'three events from each of the five files');
    const stamps: Record<string, string> = { '8001': '2026-03-12T02:55:58.103456Z', '8003': '2026-03-12T02:56:03.000001Z', '8004': '2026-03-12T02:56:04.5Z' };
    // Trailing zeros of the fraction told apart from the instant (each file gives its own number of digits).
    const sameInstant = (t: string) => t.replace(/(\.\d*?)0+Z$/, '$1Z').replace(/\.Z$/, 'Z');
    const records: Record<string, string> = { '8001': '1103', '8003': '1105', '8004': '1106' };
    for (const d of docs) {
      const id = d.event.code as string;
      assert.equal(d.event.kind, 'event', JSON.stringify(d.error));
      assert.equal(d.evforge.event, `ntlm-${id}`);
      assert.equal(d.winlog.record_id, records[id]);
      assert.equal(sameInstant(d['@timestamp']), stamps[id], 'the same instant, every digit the file gave kept');
      assert.equal(d.evforge.keywords_mask, '0x8000000000000000');
    }
    const by = (id: string) => docs.filter((d: any) => d.event.code === id);
    for (const d of by('8001')) {
      assert.equal(d.winlog.event_data.TargetName, 'TERMSRV/fileserver01.corp.example');
      assert.deepEqual(d.process, { executable: 'C:\\Windows\\System32\\mstsc.exe', name: 'mstsc.exe', pid: 1234 });
    }
    for (const d of by('8003')) {
      assert.equal(d.winlog.event_data.InProc, 'false');
      assert.equal(d.source.domain, 'WS-042');
    }
    for (const d of by('8004')) {
      assert.equal(d.winlog.provider_name, 'Microsoft-Windows-Security-Netlogon');
      assert.equal(d.winlog.provider_guid, '{E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC}');
      assert.equal(d.winlog.event_data.WorkstationName, 'WS-042');
      assert.equal(d.user.name, 'carol');
    }
  });

  it('the five exports of the same four events into one data stream store four documents; a second replay indexes nothing', async () => {
    const all = files.map((f) => `examples/events/windows/${f}`);
    const r = await cli('replay', '--node', node, ...all);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /Replaying 20 events from 5 files/);
    assert.match(r.stdout, /sent 20, indexed 4, already present 16, failed 0/);
    assert.equal(await count(), 4);
    const again = await cli('replay', '--node', node, ...all.reverse());
    assert.match(again.stdout, /sent 20, indexed 0, already present 20, failed 0/);
    assert.equal(await count(), 4);
  });

  it('a malformed XML file among good ones: a located error, and nothing at all is sent', async () => {
    writeFileSync(join(project.dir, 'broken.xml'), '<Event><System><EventID>8002</EventID></System>\n<EventData><Data Name="CallerPID">1</Data></EventDta></Event>\n');
    const before = await count();
    const r = await cli('replay', '--node', node, 'examples/events/ntlm-8002.json', 'broken.xml');
    assert.equal(r.code, 1, r.all);
    assert.match(r.stderr, /✖ broken\.xml:2: malformed XML \(column 54\): unexpected close tag/);
    assert.match(r.stderr, /hint: .*nothing was sent/);
    assert.doesNotMatch(r.all, /at .*\.ts:\d+/, 'no stack trace');
    assert.equal(await count(), before);
  });
});
