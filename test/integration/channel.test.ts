import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ntlm8002 from '../../examples/ntlm-8002.ts';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { copyProject, runCli } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

const DS = 'logs-windows.ntlm-default';

type Doc = Record<string, unknown> & {
  event?: Record<string, unknown>;
  evforge?: { event?: string; unrecognized?: boolean; keywords_mask?: string; invalid?: unknown };
  tags?: string[];
  winlog?: Record<string, unknown>;
};

/** The ECS fields each definition's targets may write (top-level groups besides the header's). */
const ECS_GROUPS: Record<string, string[]> = {
  'ntlm-8001': ['process', 'related', 'user', 'winlog.logon'],
  'ntlm-8002': ['process', 'related', 'user', 'winlog.logon'],
  'ntlm-8003': ['process', 'related', 'source', 'user'],
  'ntlm-8004': ['related', 'source', 'user'],
};
const ALL_GROUPS = ['process', 'related', 'source', 'user', 'destination', 'winlog.logon'];
const ACTIONS: Record<string, string> = {
  'ntlm-8001': 'ntlm-client-blocked-audit',
  'ntlm-8002': 'ntlm-server-blocked-audit',
  'ntlm-8003': 'ntlm-domain-blocked-audit',
  'ntlm-8004': 'ntlm-dc-blocked-audit',
};

const has = (doc: Doc, path: string) => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc) !== undefined;

/**
 * The whole NTLM operational channel in one data stream, on the real node: four definitions from two
 * providers, one pipeline that tells them apart, events no definition covers kept and marked, and
 * push refusing to replace what definitions it was not given produced.
 */
describe('one data stream for the NTLM channel (real node)', function () {
  this.timeout(240_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(p.dir, argv);

  before(async () => {
    node = await sharedNode();
    await resetCluster(node);
    p = copyProject('channel');
  });
  after(() => p.cleanup());

  it('the 8002-only workflow still works: one definition pushed alone makes the data stream, owned by it', async () => {
    const r = await cli('push', 'examples/ntlm-8002.ts', '--node', node);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /✔ created data stream logs-windows\.ntlm-default/);
    const pipeline = (await (await fetch(`${node}/_ingest/pipeline/logs-windows.ntlm`)).json()) as Record<string, { description: string }>;
    assert.ok(pipeline['logs-windows.ntlm']!.description.endsWith(`(evforge; events: ntlm-8002@${ntlm8002.schemaVersion})`), 'OpenSearch pipelines record their owners in the description');
  });

  it('pushing the whole channel over it is a compatible change: owners and fields grow, the data stream keeps its write index', async () => {
    const d = await cli('diff', '--node', node);
    assert.equal(d.code, 1);
    assert.match(d.stdout, /owners: ntlm-8002 → ntlm-8001, ntlm-8002, ntlm-8003, ntlm-8004\n/);
    assert.match(d.stdout, /compatible: the mapping of \.ds-logs-windows\.ntlm-default-000001 is updated in place/);
    const r = await cli('push', '--node', node);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /✔ updated ingest pipeline logs-windows\.ntlm/);
    assert.match(r.stdout, /mapping of \.ds-logs-windows\.ntlm-default-000001 updated in place/);
    assert.equal((await cli('diff', '--node', node)).code, 0, 'converged');
  });

  it('push and test pass for all four events and all three rules', async () => {
    const r = await cli('test', '--node', node);
    assert.equal(r.code, 0, r.all);
    for (const e of ['ntlm-8001', 'ntlm-8002', 'ntlm-8003', 'ntlm-8004']) assert.match(r.stdout, new RegExp(`pipeline logs-windows\\.ntlm: ${e}\\n  ✔`));
    for (const rule of ['Potential Remote Desktop Connection to Non-Domain Host', 'NTLM Logon', 'NTLM Brute Force']) assert.match(r.stdout, new RegExp(`rule ${rule}\\n`));
    assert.doesNotMatch(r.stdout, /✖/);
    assert.match(r.stdout, /25 passed, 0 failed/);
  });

  it('pushing one definition whose objects belong to the channel is refused, nothing written; --take-over replaces them', async () => {
    const before = await (await fetch(`${node}/_component_template/logs-windows.ntlm@mappings`)).text();
    const r = await cli('push', 'examples/ntlm-8004.ts', '--node', node);
    assert.equal(r.code, 1, r.all);
    assert.match(r.stderr, /✖ refused: ingest pipeline logs-windows\.ntlm, component template logs-windows\.ntlm@settings, component template logs-windows\.ntlm@mappings, index template logs-windows\.ntlm were produced by ntlm-8001, ntlm-8002, ntlm-8003, which were not given; nothing was written/);
    assert.match(r.stderr, /hint: push every definition of the data stream together .* or pass --take-over/);
    assert.equal(await (await fetch(`${node}/_component_template/logs-windows.ntlm@mappings`)).text(), before, 'nothing written');
    const d = await cli('diff', 'examples/ntlm-8004.ts', '--node', node, '--json');
    const plan = JSON.parse(d.stdout) as { objects: { kind: string; owners?: { before: string[]; after: string[]; foreign: string[] } }[] };
    assert.deepEqual(plan.objects.find((o) => o.kind === 'ingest_pipeline')!.owners, { before: ['ntlm-8001', 'ntlm-8002', 'ntlm-8003', 'ntlm-8004'], after: ['ntlm-8004'], foreign: ['ntlm-8001', 'ntlm-8002', 'ntlm-8003'] });

    const t = await cli('push', 'examples/ntlm-8004.ts', '--node', node, '--take-over');
    assert.equal(t.code, 0, t.all);
    const pipeline = (await (await fetch(`${node}/_ingest/pipeline/logs-windows.ntlm`)).json()) as Record<string, { description: string }>;
    assert.ok(pipeline['logs-windows.ntlm']!.description.endsWith(`(evforge; events: ntlm-8004@${ntlm8004.schemaVersion})`));
    // Back to the whole channel: the channel's definitions own it again.
    const back = await cli('push', '--node', node);
    assert.equal(back.code, 0, back.all);
    assert.equal((await cli('diff', '--node', node)).code, 0);
  });

  it('a record id beyond 2^63 sent straight to the pipeline (not through replay) comes out exact and normalized, in both shapes', async () => {
    const cluster = await Cluster.connect({ node });
    try {
      const seed = readFileSync(join(p.dir, 'examples/events/ntlm-8002.json'), 'utf8').replace('"event_record_id": 1104', '"event_record_id": 18446744073709551615');
      const beat = readFileSync(join(p.dir, 'examples/events/ntlm-8002-winlogbeat.json'), 'utf8').replace('"record_id": "1104"', '"record_id": 18446744073709551615');
      assert.notEqual(seed, readFileSync(join(p.dir, 'examples/events/ntlm-8002.json'), 'utf8'));
      assert.notEqual(beat, readFileSync(join(p.dir, 'examples/events/ntlm-8002-winlogbeat.json'), 'utf8'));
      const results = await cluster.simulate('logs-windows.ntlm', [seed, beat].map((t) => JSON.stringify(JSON.parse(t.replace('18446744073709551615', '"BIG"'))).replace('"BIG"', '18446744073709551615')));
      for (const r of results) {
        const doc = r.source as Doc;
        assert.equal(r.error, undefined);
        assert.equal(doc.event!['kind'], 'event', JSON.stringify(doc['error']));
        assert.equal(doc.winlog!['record_id'], '18446744073709551615');
        // The definition's name, and the keyword mask where the shape carried one (the raw shape; JSON.parse above rounded its digits, as JavaScript does).
        assert.equal(doc.evforge!['event'], 'ntlm-8002');
        assert.equal(doc.evforge!['invalid'], undefined);
      }
    } finally {
      await cluster.close();
    }
  });

  it('a mixed replay of all four events, both shapes and unrecognized ones fills the one data stream, each event normalized by its own definition only', async () => {
    const files = ['ntlm-8001.json', 'ntlm-8001-winlogbeat.json', 'ntlm-8001-cifs.json', 'ntlm-8002.json', 'ntlm-8002-winlogbeat.json', 'ntlm-8002-legacy-names.json', 'ntlm-8003.json', 'ntlm-8003-winlogbeat.json', 'ntlm-8003-legacy-names.json', 'ntlm-8004.json', 'ntlm-8004-winlogbeat.json', 'ntlm-8004-ordinary.json'];
    const seeds = files.map((f) => ({ def: f.slice(0, 9), event: JSON.parse(readFileSync(join(p.dir, 'examples/events', f), 'utf8')) as Doc }));
    const ntlm = seeds.find((s) => s.def === 'ntlm-8002')!.event;
    const netlogon = seeds.find((s) => s.def === 'ntlm-8004')!.event;
    const withSystem = (e: Doc, patch: Record<string, unknown>) => ({ ...e, system: { ...(e['system'] as object), ...patch } });
    // Not covered by any definition: another id of the channel from each provider, the right id from
    // another provider in another log, and the right id and provider in another channel.
    const unrecognized: Doc[] = [
      withSystem(netlogon, { event_id: 8005 }),
      withSystem(ntlm, { event_id: 4001 }),
      withSystem(ntlm, { provider: 'Contoso-Backup', guid: '11111111-2222-3333-4444-555555555555', channel: 'Application' }),
      withSystem(ntlm, { channel: 'Microsoft-Windows-NTLM/Debug' }),
    ];
    const lines: string[] = [];
    const expected: (string | null)[] = [];
    let record = 500_000;
    for (let round = 0; round < 80; round++) {
      for (const s of seeds) {
        record++;
        const e = s.event['system'] ? withSystem(s.event, { event_record_id: record }) : { ...s.event, winlog: { ...s.event.winlog, record_id: String(record) } };
        lines.push(JSON.stringify(e));
        expected.push(s.def);
      }
      for (const u of unrecognized) {
        record++;
        lines.push(JSON.stringify(withSystem(u, { event_record_id: record })));
        expected.push(null);
      }
    }
    assert.ok(lines.length >= 1000);
    writeFileSync(join(p.dir, 'mixed.ndjson'), `${lines.join('\n')}\n`);
    const countBefore = ((await (await fetch(`${node}/${DS}/_count`)).json()) as { count: number }).count;
    const r = await cli('replay', '--node', node, 'mixed.ndjson');
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, new RegExp(`sent ${lines.length}, indexed ${lines.length}, already present 0, failed 0`));
    await fetch(`${node}/${DS}/_refresh`, { method: 'POST' });
    const query = { size: 2000, query: { terms: { 'winlog.record_id': lines.map((_, i) => String(500_001 + i)) } } };
    const res = (await (await fetch(`${node}/${DS}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) })).json()) as { hits: { hits: { _source: Doc }[] } };
    assert.equal(((await (await fetch(`${node}/${DS}/_count`)).json()) as { count: number }).count - countBefore, lines.length, '0 lost');
    const byRecord = new Map(res.hits.hits.map((h) => [Number(h._source.winlog!['record_id']), h._source]));
    assert.equal(byRecord.size, lines.length);
    let recognized = 0;
    let marked = 0;
    expected.forEach((def, i) => {
      const doc = byRecord.get(500_001 + i)!;
      const where = `record ${500_001 + i} (${def ?? 'unrecognized'})`;
      assert.equal(doc.event!['kind'], 'event', `${where}: ${JSON.stringify(doc['error'])}`);
      assert.equal(doc.event!['dataset'], 'windows.ntlm');
      assert.ok(doc['@timestamp'], where);
      if (def) {
        recognized++;
        assert.equal(doc.evforge!['event'], def, where);
        assert.equal(doc.evforge!['invalid'], undefined, where);
        assert.equal(doc.event!['action'], ACTIONS[def], where);
        assert.equal(doc.tags, undefined, where);
        for (const g of ALL_GROUPS.filter((x) => !ECS_GROUPS[def]!.includes(x))) assert.ok(!has(doc, g), `${where} has ${g} from another definition`);
        assert.ok(has(doc, 'user.name') || def === 'ntlm-8002', where);
      } else {
        marked++;
        assert.equal(doc.evforge!['unrecognized'], true, where);
        assert.equal(doc.evforge!['event'], undefined, where);
        assert.deepEqual(doc.tags, ['evforge_unrecognized'], where);
        for (const k of ['action', 'category', 'type']) assert.equal(doc.event![k], undefined, `${where}: event.${k}`);
        for (const g of ALL_GROUPS) assert.ok(!has(doc, g), `${where} has ${g}`);
        assert.equal(doc['message'], '', `${where}: no other event's message`);
        assert.equal(doc['log'] && (doc['log'] as Record<string, unknown>)['level'], 'information', `${where}: the header is still normalized`);
        assert.equal(doc.event!['code'], String((JSON.parse(lines[i]!) as { system: { event_id: number } }).system.event_id));
      }
    });
    assert.equal(recognized, 80 * 12);
    assert.equal(marked, 80 * 4);
  });
});
