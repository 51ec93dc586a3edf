import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ntlm8001 from '../../examples/ntlm-8001.ts';
import ntlm8003 from '../../examples/ntlm-8003.ts';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { objectVersion } from '../../src/generate/naming.ts';
import { copyProject, editFile, runCli, setSchemaVersion } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

const DS = 'logs-windows.ntlm-default';

describe('rolling mapping changes out to a live data stream (real node)', function () {
  this.timeout(180_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(p.dir, argv);
  const json = async (path: string, init?: RequestInit) => (await fetch(`${node}${path}`, init)).json() as Promise<Record<string, unknown>>;
  const backing = async () => ((await json(`/_data_stream/${DS}`)) as { data_streams: { indices: { index_name: string }[] }[] }).data_streams[0]!.indices.map((i) => i.index_name);
  const fieldType = async (index: string) => {
    const m = (await json(`/${index}/_mapping`)) as Record<string, { mappings: { properties: { ntlm?: { properties: { caller_pid: { type: string } } } } } }>;
    return m[index]!.mappings.properties.ntlm?.properties.caller_pid.type;
  };

  before(async () => {
    node = await sharedNode();
    await resetCluster(node);
    p = copyProject('rollout');
    setSchemaVersion(join(p.dir, 'examples/ntlm-8002.ts'), '1.0.0');
    assert.equal((await cli('generate')).code, 0);
    assert.equal((await cli('push', '--node', node)).code, 0);
    assert.equal((await cli('replay', '--node', node, 'examples/events/ntlm-8002.json')).code, 0);
  });
  after(() => p.cleanup());

  it('a new field is put on the write index in place: same write index, new documents carry it', async () => {
    const def = join(p.dir, 'examples/ntlm-8002.ts');
    editFile(def, "      ecs: ['process.pid'],", "      ecs: ['process.pid', { field: 'ntlm.caller_pid', type: 'keyword' }],");
    editFile(def, "schemaVersion: '1.0.0'", "schemaVersion: '1.1.0'");
    assert.equal((await cli('generate')).code, 0);
    const d = await cli('diff', '--node', node);
    assert.match(d.stdout, /compatible: the mapping of \.ds-logs-windows\.ntlm-default-000001 is updated in place/);
    const before = await backing();
    const r = await cli('push', '--node', node);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /✔ updated data stream logs-windows\.ntlm-default: mapping of \.ds-logs-windows\.ntlm-default-000001 updated in place/);
    assert.deepEqual(await backing(), before, 'no rollover');
    assert.equal(await fieldType(before[0]!), 'keyword');
    // Another event than the one replayed first (replay ids are the event's record: the example's Winlogbeat twin would be already present).
    const winlogbeat = readFileSync(join(p.dir, 'examples/events/ntlm-8002-winlogbeat.json'), 'utf8');
    assert.match(winlogbeat, /"record_id": "1104"/);
    writeFileSync(join(p.dir, 'newer.json'), winlogbeat.replace('"record_id": "1104"', '"record_id": "1201"'));
    assert.equal((await cli('replay', '--node', node, 'newer.json')).code, 0);
    const hits = (await json(`/${DS}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { term: { 'ntlm.caller_pid': '720' } } }) })) as { hits: { total: { value: number } } };
    assert.equal(hits.hits.total.value, 1, 'the new document is searchable by the new field');
    assert.equal((await cli('diff', '--node', node)).code, 0);
  });

  it('a type change is refused without --allow-breaking, and nothing is written', async () => {
    const def = join(p.dir, 'examples/ntlm-8002.ts');
    editFile(def, "{ field: 'ntlm.caller_pid', type: 'keyword' }", "{ field: 'ntlm.caller_pid', type: 'long' }");
    editFile(def, "schemaVersion: '1.1.0'", "schemaVersion: '2.0.0'");
    assert.equal((await cli('generate')).code, 0);
    const r = await cli('push', '--node', node);
    assert.equal(r.code, 1, r.all);
    assert.match(r.stdout, /breaking: refused without --allow-breaking/);
    assert.match(r.stdout, /ntlm\.caller_pid \[opensearch\]: type keyword → long/);
    assert.match(r.stderr, /✖ refused: breaking mapping change for data stream logs-windows\.ntlm-default; nothing was written/);
    const plan = JSON.parse((await cli('diff', '--node', node, '--json')).stdout) as { in_sync: boolean; objects: { kind: string; rollout?: { mode: string; changes: { severity: string; path: string; summary: string }[] } }[] };
    assert.equal(plan.in_sync, false);
    const ds = plan.objects.find((o) => o.kind === 'data_stream')!;
    assert.equal(ds.rollout!.mode, 'refused');
    assert.deepEqual(ds.rollout!.changes.map((c) => [c.severity, c.path, c.summary]), [['breaking', 'ntlm.caller_pid', 'type keyword → long']]);
    const ct = (await json('/_component_template/logs-windows.ntlm@mappings')) as { component_templates: { component_template: { version: number } }[] };
    // The data stream's objects carry the sum of its four events' versions: ntlm-8002 at 1.1.0 and the others as examples/ has them.
    const others = [ntlm8001, ntlm8003, ntlm8004].reduce((n, d) => n + objectVersion(d.schemaVersion), 0);
    assert.equal(ct.component_templates[0]!.component_template.version, objectVersion('1.1.0') + others, 'templates untouched');
  });

  it('with --allow-breaking the data stream rolls over: old index keeps the old mapping, both stay searchable', async () => {
    const r = await cli('push', '--node', node, '--allow-breaking');
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /rolled over: new write index \.ds-logs-windows\.ntlm-default-000002, \.ds-logs-windows\.ntlm-default-000001 keeps its mapping/);
    const [old, neu] = await backing();
    assert.equal(await fieldType(old!), 'keyword');
    assert.equal(await fieldType(neu!), 'long');
    assert.equal((await cli('replay', '--node', node, 'examples/events/ntlm-8002-legacy-names.json')).code, 0);
    await fetch(`${node}/${DS}/_refresh`, { method: 'POST' });
    const all = (await json(`/${DS}/_search?size=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { term: { 'event.code': '8002' } } }) })) as { hits: { hits: { _index: string }[] } };
    assert.deepEqual([...new Set(all.hits.hits.map((h) => h._index))].sort(), [old, neu]);
    assert.equal((await cli('diff', '--node', node)).code, 0, 'converged');
  });
});
