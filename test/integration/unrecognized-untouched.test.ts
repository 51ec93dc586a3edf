import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import ntlm8001 from '../../examples/ntlm-8001.ts';
import ntlm8002 from '../../examples/ntlm-8002.ts';
import ntlm8003 from '../../examples/ntlm-8003.ts';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { copyProject, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

/**
 * Issue 24 item 1 (the pipeline's part, done in the pipeline redesign): an event no definition of the
 * data stream recognizes keeps its own data as it came — no member's mapping construct (a field
 * alias for an older name, a type) may reject, move or mark it. Property: arbitrary EventData names
 * and values, every member's field names and older names among them, under a foreign provider or a
 * foreign event id; the stored `winlog.event_data` equals the input, and nothing is marked (before
 * the pipeline redesign, an older name such as Sysmon's `User` was moved to evforge.invalid and the
 * event marked pipeline_error).
 */
describe('events that are not ours pass through untouched (property, real node)', function () {
  this.timeout(300_000);
  const NS = 'untouched';
  const DS = `logs-windows.ntlm-${NS}`;
  let node: string;
  let p: ReturnType<typeof copyProject>;

  const members = [ntlm8001, ntlm8002, ntlm8003, ntlm8004];
  const memberNames = [...new Set(members.flatMap((d) => d.fields.flatMap((f) => [f.name, ...('aliases' in f ? f.aliases : [])])))];

  before(async () => {
    node = await sharedNode();
    p = copyProject(NS);
    await fetch(`${node}/_data_stream/${DS}`, { method: 'DELETE' });
    const r = await runCli(p.dir, ['push', '--node', node, '--namespace', NS]);
    assert.equal(r.code, 0, r.all);
  });
  after(() => p.cleanup());

  it('stored event_data equals the input, no mark, for 300 seeded foreign events', async () => {
    const name = fc.oneof(fc.constantFrom(...memberNames), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/));
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '-', '(NULL)', 'NULL', '0x3e4', '720', '4294967296', '18446744073709551616', 'true', 'C:\\Windows\\System32\\lsass.exe', 'S-1-5-18'));
    const foreign = fc.constantFrom(
      { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1 },
      { provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security', event_id: 4624 },
      { provider: 'Microsoft-Windows-NTLM', channel: 'Microsoft-Windows-NTLM/Operational', event_id: 8009 },
      { provider: 'Contoso-Backup', channel: 'Application', event_id: 8002 },
    );
    const event = fc.record({ header: foreign, data: fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 }) });
    const samples = fc.sample(event, { seed: 1, numRuns: 300 }).map((s) => ({ ...s, data: Object.fromEntries(Object.entries(s.data)) }));
    const lines = samples.map((s, i) =>
      JSON.stringify({
        system: { ...s.header, computer: 'FOREIGN-1', event_record_id: 900_000 + i, time_created: '2026-03-12T02:56:00.824258+00:00' },
        event_data: s.data,
      }),
    );
    writeFileSync(join(p.dir, 'foreign.ndjson'), `${lines.join('\n')}\n`);
    const r = await runCli(p.dir, ['replay', '--node', node, '--namespace', NS, 'foreign.ndjson']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /sent 300, indexed 300, already present 0, failed 0/);
    await fetch(`${node}/${DS}/_refresh`, { method: 'POST' });
    const res = (await (await fetch(`${node}/${DS}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: 300, query: { match_all: {} } }) })).json()) as {
      hits: { hits: { _source: Record<string, any> }[] };
    };
    const byRecord = new Map(res.hits.hits.map((h) => [String(h._source['winlog']?.['record_id']), h._source]));
    samples.forEach((s, i) => {
      const doc = byRecord.get(String(900_000 + i));
      assert.ok(doc, `event ${i + 1} stored`);
      assert.deepEqual(doc['winlog']?.['event_data'], s.data, `event ${i + 1}: its data as it came`);
      assert.notEqual(doc['event']?.['kind'], 'pipeline_error', `event ${i + 1} not marked: ${JSON.stringify(doc['error'])}`);
      assert.equal(doc['evforge']?.['invalid'], undefined, `event ${i + 1}: nothing moved aside`);
      assert.equal(doc['evforge']?.['unrecognized'], true);
    });
  });
});
