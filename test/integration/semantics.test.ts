import assert from 'node:assert/strict';
import { makeDataset } from '../../src/definition/dataset.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { defineEvent, defineTable } from '../../src/definition/types.ts';
import { buildPipeline } from '../../src/generate/pipeline.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { loadPainless } from '../../src/api/templates.ts';
import { sharedNode } from './node.ts';

/**
 * Issue 23 on the real node: outcome, lookups, conversions, one form per field whatever the input
 * shape, empty values and UserData, through the generated pipeline of a small data stream of two
 * test definitions (the Security example's goldens cover the real events; these cover the edges).
 */
const status = defineTable('test.status', { '0xC000006A': 'bad password', '0xC0000234': 'account locked' });
const tasks = defineTable('test.tasks', { '12544': 'Logon', '12546': 'Account Lockout' });
const PROVIDER = 'Contoso-Audit';
const CHANNEL = 'Security';

const audit = defineEvent({
  name: 'contoso-7001',
  schemaVersion: '1.0.0',
  title: 'Contoso audit',
  description: 'A test event with every new construct.',
  provider: { name: PROVIDER, guid: '{11111111-2222-3333-4444-555555555555}' },
  channel: CHANNEL,
  eventId: 7001,
  version: 0,
  level: 0,
  task: { value: 12544, name: 'Logon' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8020000000000000',
  message: 'Status %1 for %2',
  dataset: 'semantics.test',
  ecs: { category: ['authentication'], type: ['start'], action: 'contoso-logon' },
  taskNames: 'test.tasks',
  outcome: { field: 'Status', success: ['0x0'] },
  tables: [status, tasks],
  fields: [
    { name: 'Status', type: 'HexInt32', description: 's', ecs: [{ field: 'event.reason', lookup: 'test.status' }] },
    { name: 'UserName', type: 'UnicodeString', description: 'u', nullTokens: ['-', ''], ecs: ['user.name'] },
    { name: 'Domain', type: 'UnicodeString', description: 'd', ecs: ['user.domain'] },
    { name: 'ProcessId', type: 'Pointer', description: 'p', ecs: ['process.pid'] },
    { name: 'IpPort', type: 'UnicodeString', description: 'port', ecs: [{ field: 'source.port', derive: 'integer' }] },
    { name: 'IpAddress', type: 'UnicodeString', description: 'ip', nullTokens: ['-'], ecs: ['source.ip'] },
    { name: 'Accounts', type: 'UnicodeString', description: 'list', array: true, ecs: ['related.user', { field: 'contoso.accounts_upper', type: 'keyword', derive: 'uppercase' }] },
    { name: 'Pids', type: 'UInt32', description: 'list', array: true, ecs: [{ field: 'contoso.pids', type: 'long' }] },
  ],
});

const cleared = defineEvent({
  name: 'contoso-7002',
  schemaVersion: '1.0.0',
  title: 'Contoso log cleared',
  description: 'A test event whose data is UserData.',
  provider: { name: PROVIDER, guid: '{11111111-2222-3333-4444-555555555555}' },
  channel: CHANNEL,
  eventId: 7002,
  version: 0,
  level: 4,
  task: { value: 104, name: 'Log clear' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x4020000000000000',
  message: 'Cleared by %1',
  dataset: 'semantics.test',
  userData: { element: 'Cleared', namespace: 'urn:contoso:cleared' },
  fields: [{ name: 'SubjectUserName', type: 'UnicodeString', description: 'who', ecs: ['user.name'] }],
});

type Doc = Record<string, any>;

describe('issue 23 semantics through the generated pipeline (real node)', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  const name = 'evforge-semantics-test';
  const run = async (...events: (object | string)[]): Promise<Doc[]> => {
    const out = await cluster.simulate(name, events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))));
    return out.map((r) => {
      assert.ok(r.source, JSON.stringify(r.error));
      return r.source as Doc;
    });
  };
  const raw = (id: number, data: Record<string, unknown>, system: Record<string, unknown> = {}) => ({
    system: { provider: PROVIDER, event_id: id, channel: CHANNEL, time_created: '2026-03-12T02:56:00.5+00:00', ...system },
    event_data: data,
  });

  before(async () => {
    cluster = await Cluster.connect({ node: await sharedNode() });
    const dataset = makeDataset('semantics.test', [loadDefinition(audit), loadDefinition(cleared)]);
    await cluster.client.putPipeline(name, { ...buildPipeline(dataset, 'opensearch', loadPainless()) });
  });
  after(async () => {
    await cluster?.client.deletePipeline(name);
    await cluster?.close();
  });

  it('derives event.outcome from the audit keywords in every form, for recognized events and others', async () => {
    const other = { provider: 'Somebody-Else', event_id: 1 };
    const docs = await run(
      raw(1, {}, { ...other, keywords: '0x8020000000000000' }),
      raw(1, {}, { ...other, keywords: String(0x0010000000000000n) }),
      '{"system":{"provider":"Somebody-Else","event_id":1,"keywords":9232379236109516800},"event_data":{}}',
      raw(1, {}, { ...other, keywords: 4503599627370496 }),
      { winlog: { provider_name: 'Somebody-Else', event_id: '1', keywords: ['Audit Failure'] } },
      { winlog: { provider_name: 'Somebody-Else', event_id: '1', keywords: 'Audit Success' } },
      raw(1, {}, { ...other, keywords: '0x8000000000000000' }),
    );
    assert.deepEqual(docs.map((d) => d.event.outcome), ['success', 'failure', 'success', 'failure', 'failure', 'success', undefined]);
    assert.deepEqual(docs.map((d) => d.winlog.keywords), [['Audit Success'], ['Audit Failure'], ['Audit Success'], ['Audit Failure'], ['Audit Failure'], ['Audit Success'], undefined], 'one form: the names');
    assert.deepEqual(docs.map((d) => d.evforge?.keywords_mask), ['0x8020000000000000', '0x10000000000000', '0x8020000000000000', '0x10000000000000', undefined, undefined, '0x8000000000000000'], 'the mask kept where it came');
    for (const d of docs) assert.equal(d.evforge?.unrecognized, true);
    for (const d of docs) assert.equal(d.event.kind, 'event', JSON.stringify(d.error));
  });

  it('keeps a keyword mask beyond 64 bits aside and marks the event, losing nothing', async () => {
    const [d] = await run(raw(1, {}, { provider: 'Somebody-Else', keywords: '0x1ffffffffffffffff' }));
    assert.equal(d!.winlog.keywords, undefined);
    assert.equal(d!.evforge.invalid['winlog.keywords'], '0x1ffffffffffffffff');
    assert.equal(d!.event.kind, 'pipeline_error');
    assert.match(d!.error.message.join(' '), /winlog\.keywords is not a 64-bit keyword mask/);
  });

  it('lets the definition\'s outcome win over the keywords and over a collector\'s outcome, and keeps the keywords\' when the field is empty', async () => {
    const [failed, ok, beat, empty] = await run(
      raw(7001, { Status: '0xc000006a' }, { keywords: '0x8020000000000000' }),
      raw(7001, { Status: '0x0' }, { keywords: '0x8010000000000000' }),
      { event: { outcome: 'success', action: 'Logon' }, winlog: { provider_name: PROVIDER, event_id: '7001', channel: CHANNEL, task: 'Logon', keywords: ['Audit Success'], event_data: { Status: '0XC000006A' } } },
      raw(7001, { Status: '' }, { keywords: '0x8010000000000000' }),
    );
    assert.equal(failed!.event.outcome, 'failure');
    assert.equal(ok!.event.outcome, 'success');
    assert.equal(beat!.event.outcome, 'failure', 'Status 0XC000006A is not 0x0, whatever Winlogbeat said');
    assert.equal(beat!.event.action, 'contoso-logon', "the definition's action, not Winlogbeat's");
    assert.equal(empty!.event.outcome, 'failure', 'no Status: the keywords decide');
  });

  it('looks values up in the tables: hex in any case, a value the table lacks writes nothing', async () => {
    const [a, b, c] = await run(raw(7001, { Status: '0xc000006a' }), raw(7001, { Status: '0xC0000234' }), raw(7001, { Status: '0xc0000001' }));
    assert.equal(a!.event.reason, 'bad password');
    assert.equal(b!.event.reason, 'account locked');
    assert.equal(c!.event.reason, undefined);
    assert.equal(c!.event.kind, 'event', 'a miss is no error');
  });

  it('names the task the event came with from the task table, whatever the shape', async () => {
    const [own, other, beat] = await run(raw(7001, {}, { task: 12544 }), raw(7001, {}, { task: '12546' }), { winlog: { provider_name: PROVIDER, event_id: '7001', task: 'Account Lockout' } });
    assert.deepEqual([own!.winlog.task, other!.winlog.task, beat!.winlog.task], ['Logon', 'Account Lockout', 'Account Lockout']);
  });

  it('converts hex and numeric text into numbers, and keeps aside what does not convert', async () => {
    const [good, bad] = await run(
      raw(7001, { ProcessId: '0x2d4', IpPort: '52114', IpAddress: '192.0.2.10' }),
      raw(7001, { ProcessId: '0xffffffffffffffff', IpPort: '52x14', IpAddress: 'fe80::1%12' }),
    );
    assert.equal(good!.process.pid, 724);
    assert.equal(good!.source.port, 52114);
    assert.equal(good!.source.ip, '192.0.2.10');
    assert.equal(good!.event.kind, 'event', JSON.stringify(good!.error));
    assert.equal(bad!.process, undefined);
    assert.equal(bad!.source, undefined);
    assert.deepEqual(bad!.evforge.invalid, { 'process.pid': '0xffffffffffffffff', 'source.port': '52x14', 'source.ip': 'fe80::1%12' });
    assert.deepEqual(bad!.winlog.event_data, { ProcessId: '0xffffffffffffffff', IpPort: '52x14', IpAddress: 'fe80::1%12' }, 'the raw values stay');
    assert.equal(bad!.event.kind, 'pipeline_error');
    assert.match(bad!.error.message.join('\n'), /ProcessId could not be written to process\.pid: ProcessId is outside the Pointer range 0…9223372036854775807/);
  });

  it('converts each value of a list field, keeping aside only the ones that do not convert', async () => {
    const [d] = await run(raw(7001, { Accounts: ['alice', '', 'bob'], Pids: ['4', 'x', 8] }));
    assert.deepEqual(d!.related.user, ['alice', 'bob'], 'no empty value');
    assert.deepEqual(d!.contoso.accounts_upper, ['ALICE', 'BOB']);
    assert.deepEqual(d!.contoso.pids, [4, 8]);
    assert.equal(d!.evforge.invalid['contoso.pids'], 'x');
    assert.deepEqual(d!.winlog.event_data.Pids, ['4', 'x', '8']);
  });

  it('never writes an empty value to an ECS field; "" as a null token leaves the event data too', async () => {
    const [d] = await run(raw(7001, { UserName: '', Domain: '', IpAddress: '-' }, { computer: '' }));
    assert.equal(d!.user, undefined);
    assert.equal(d!.source, undefined);
    assert.equal(d!.host, undefined, 'no host.name from an empty computer name');
    assert.deepEqual(d!.winlog.event_data, { Domain: '' }, 'Domain keeps what the event said; the null tokens are dropped');
  });

  it('reads a UserData event from the raw shape and from Winlogbeat\'s alike', async () => {
    const xmlShape = { system: { provider: PROVIDER, event_id: '7002', channel: CHANNEL }, user_data: { Cleared: { '#attributes': { xmlns: 'urn:contoso:cleared' }, SubjectUserName: 'dadmin' } } };
    const beat = { winlog: { provider_name: PROVIDER, event_id: '7002', channel: CHANNEL, user_data: { SubjectUserName: 'dadmin', xml_name: 'Cleared' } } };
    const wrong = { system: { provider: PROVIDER, event_id: '7002', channel: CHANNEL }, user_data: { Other: { SubjectUserName: 'x' } } };
    const [a, b, c] = await run(xmlShape, beat, wrong);
    for (const d of [a!, b!]) {
      assert.deepEqual(d.winlog.user_data, { SubjectUserName: 'dadmin', xml_name: 'Cleared' });
      assert.equal(d.user.name, 'dadmin');
      assert.equal(d.message, 'Cleared by dadmin');
      assert.equal(d.user_data, undefined);
    }
    assert.equal(c!.user, undefined, 'another element is not the definition\'s data');
    assert.deepEqual(c!.winlog.user_data, { SubjectUserName: 'x', xml_name: 'Other' });
    assert.match(c!.error.message.join(' '), /user data is <Other>, not <Cleared>/);
  });

  it('writes the header in one form: numbers as numbers, GUIDs in braces', async () => {
    const [d, bad] = await run(
      raw(1, {}, { provider: 'Somebody-Else', version: '2', level: '4', execution: { process_id: '716', thread_id: '760' }, guid: '54849625-5478-4994-A5BA-3E3B0328C30D' }),
      raw(1, {}, { provider: 'Somebody-Else', level: 'Information' }),
    );
    assert.deepEqual([d!.winlog.version, d!.winlog.level, d!.winlog.process.pid, d!.winlog.process.thread.id], [2, 4, 716, 760]);
    assert.equal(d!.winlog.provider_guid, '{54849625-5478-4994-A5BA-3E3B0328C30D}');
    assert.equal(d!.log.level, 'information');
    assert.equal(bad!.winlog.level, undefined);
    assert.equal(bad!.evforge.invalid['winlog.level'], 'Information');
  });
});
