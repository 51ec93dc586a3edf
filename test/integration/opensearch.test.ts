import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ntlm8001 from '../../examples/ntlm-8001.ts';
import ntlm from '../../examples/ntlm-8002.ts';
import ntlm8003 from '../../examples/ntlm-8003.ts';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { makeDataset } from '../../src/definition/dataset.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { buildMappingsComponent } from '../../src/generate/templates.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { parseLossless } from '../../src/io/lossless.ts';
import { ROOT, copyProject, editFile, runCli } from '../helpers.ts';
import { startCountingProxy } from '../fakes/counting-proxy.ts';
import { resetCluster, sharedNode } from './node.ts';

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  return parseLossless(await r.text());
}

describe('against a real OpenSearch node', function () {
  this.timeout(240_000);
  let node: string;
  let project: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(project.dir, argv);

  before(async () => {
    node = await sharedNode();
    project = copyProject('os');
  });
  after(() => project.cleanup());

  describe('push and diff', () => {
    before(() => resetCluster(node));

    it('diff on an empty cluster plans every object and exits 1', async () => {
      const r = await cli('diff', '--node', node);
      assert.equal(r.code, 1, r.all);
      assert.match(r.stdout, /Plan: 5 to create, 0 to update, 0 unchanged\./);
    });

    it('push from empty creates the settings component first (create-only: the gate of concurrent pushes), then pipeline → mappings component → template → data stream', async () => {
      const r = await cli('push', '--node', node);
      assert.equal(r.code, 0, r.all);
      const created = [...r.stdout.matchAll(/✔ created (.+)/g)].map((m) => m[1]);
      assert.deepEqual(created, [
        'component template logs-windows.ntlm@settings',
        'ingest pipeline logs-windows.ntlm',
        'component template logs-windows.ntlm@mappings',
        'index template logs-windows.ntlm',
        'data stream logs-windows.ntlm-default',
      ]);
    });

    it('a second push makes no write request and says "No changes detected"', async () => {
      const proxy = await startCountingProxy(node);
      try {
        const r = await cli('push', '--node', proxy.url);
        assert.equal(r.code, 0, r.all);
        assert.match(r.stdout, /No changes detected\./);
        assert.equal(proxy.writes(), 0, `writes: ${JSON.stringify(proxy.requests.filter((q) => q.method !== 'GET'))}`);
        assert.ok(proxy.requests.length >= 5, 'it did read the cluster');
      } finally {
        await proxy.close();
      }
    });

    it('diff exits 0 when the cluster matches', async () => {
      const r = await cli('diff', '--node', node);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /No changes detected/);
    });

    it('a changed definition plans exactly that update, with a readable diff', async () => {
      const def = join(project.dir, 'examples/ntlm-8002.ts');
      const before = readFileSync(def, 'utf8');
      try {
        editFile(def, "nullTokens: ['(NULL)']", "nullTokens: ['(NULL)', 'NULL']");
        const d = await cli('diff', '--node', node);
        assert.equal(d.code, 1, d.all);
        assert.match(d.stdout, /~ update +ingest pipeline +logs-windows\.ntlm/);
        assert.match(d.stdout, /Plan: 0 to create, 1 to update, 4 unchanged\./);
        assert.match(d.stdout, /^ *\+ +- "NULL"$/m, 'the diff shows the new token, in its line of the event\'s spec');
        const dry = await cli('push', '--node', node, '--dry-run');
        assert.match(dry.stdout, /Dry run: nothing was written\./);
        assert.equal((await cli('diff', '--node', node)).code, 1, 'dry run wrote nothing');
        const p = await cli('push', '--node', node);
        assert.match(p.stdout, /✔ updated ingest pipeline logs-windows\.ntlm/);
        assert.equal((await cli('diff', '--node', node)).code, 0);
      } finally {
        writeFileSync(def, before);
        await cli('push', '--node', node);
      }
    });

    it('push with no --node explains how to start the local cluster (exit 2)', async () => {
      const r = await cli('push');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no cluster given: pass --node URL/);
      assert.match(r.stderr, /npm run cluster -- start/);
    });

    it('an unreachable node is a cluster error (exit 3) naming the URL, with the start hint', async () => {
      const r = await cli('diff', '--node', 'http://127.0.0.1:1');
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /cannot connect to http:\/\/127\.0\.0\.1:1/);
    });
  });

  describe('the pipeline on real events', () => {
    before(async () => {
      await resetCluster(node);
      assert.equal((await cli('push', '--node', node)).code, 0);
    });

    it('the seed event gets the ECS fields of DESIGN.md §4 and keeps @timestamp to the microsecond', async () => {
      const cluster = await Cluster.connect({ node });
      try {
        const seed = readFileSync(join(ROOT, 'examples/events/ntlm-8002.json'), 'utf8');
        const [r] = await cluster.simulate('logs-windows.ntlm', [seed]);
        const doc = r!.source as Record<string, Record<string, unknown>>;
        assert.equal(doc['@timestamp'] as unknown, '2026-03-12T02:56:00.824258Z');
        assert.deepEqual(doc['process'], { pid: 720, executable: 'C:\\Windows\\System32\\lsass.exe', name: 'lsass.exe' });
        assert.deepEqual(doc['user'], { name: 'LAB-WIN11$', domain: 'WORKGROUP' });
        assert.equal((doc['winlog']!['logon'] as Record<string, unknown>)['id'], '0x3e4');
        assert.equal(doc['event']!['code'], '8002');
        assert.equal(doc['event']!['provider'], 'Microsoft-Windows-NTLM');
        assert.equal(doc['winlog']!['channel'], 'Microsoft-Windows-NTLM/Operational');
        assert.equal(doc['winlog']!['record_id'], '1104');
        assert.equal(doc['winlog']!['provider_guid'], '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}', 'in braces, as Windows writes it');
        assert.equal(doc['evforge']!['keywords_mask'], '0x8000000000000000', 'the 64-bit mask stays exact');
        assert.equal(doc['host']!['name'], 'LAB-WIN11');
        assert.equal(doc['log']!['level'], 'information');
        assert.ok(!('MechanismOID' in (doc['winlog']!['event_data'] as object)), '(NULL) is dropped');
        assert.match(String(doc['message']), /^NTLM server blocked audit: .*\nCalling process PID: 720\n/);
        assert.equal(doc['event']!['kind'], 'event');
      } finally {
        await cluster.close();
      }
    });

    it('a value that cannot be normalized marks the event and keeps it', async () => {
      const cluster = await Cluster.connect({ node });
      try {
        const bad = JSON.stringify({ system: { provider: 'Microsoft-Windows-NTLM', event_id: 8002, channel: 'Microsoft-Windows-NTLM/Operational', time_created: '2026-03-12T02:56:00Z' }, event_data: { CallerPID: 'not-a-pid', ProcessName: 'C:\\x.exe' }, message: '' });
        const huge = bad.replace('"not-a-pid"', '4294967296');
        const [a, b] = await cluster.simulate('logs-windows.ntlm', [bad, huge]);
        for (const r of [a!, b!]) {
          const doc = r.source as Record<string, Record<string, unknown>>;
          assert.equal(doc['event']!['kind'], 'pipeline_error');
          assert.match(String((doc['error']!['message'] as string[])[0]), /CallerPID could not be written to process\.pid/);
          assert.ok(!('pid' in (doc['process'] ?? {})), 'no wrong process.pid');
          assert.equal((doc['process'] as Record<string, unknown>)['name'], 'x.exe', 'the rest is still normalized');
        }
      } finally {
        await cluster.close();
      }
    });

    it('evforge test passes: goldens, mapping fit, and the NTLM Logon rule returns exactly the positives', async () => {
      const r = await cli('test', '--node', node);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /✔ ntlm-8002\.json +\s+= ntlm-8002-expected\.json/);
      for (const name of ['seed event (system shape)', 'Winlogbeat shape', 'older field names']) assert.match(r.stdout, new RegExp(`✔ \\+ ${name.replace(/[()]/g, '\\$&')} +must match: dsl ✔ lucene ✔`));
      assert.match(r.stdout, /✔ - event 8002 of another provider in the Application log +must not match: dsl ✔ lucene ✔/);
      assert.match(r.stdout, /25 passed, 0 failed/);
    });

    it('evforge test fails, naming the field, when the output differs from its golden', async () => {
      const expected = join(project.dir, 'examples/events/ntlm-8002-expected.json');
      const before = readFileSync(expected, 'utf8');
      try {
        editFile(expected, '"name": "lsass.exe"', '"name": "LSASS.EXE"');
        const r = await cli('test', '--node', node);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /✖ ntlm-8002\.json +process\.name: expected "LSASS\.EXE", got "lsass\.exe"/);
      } finally {
        writeFileSync(expected, before);
      }
    });

    it('indexing lands in the data stream with the template\'s mapping, and no field left to dynamic mapping', async () => {
      const r = await cli('replay', '--node', node, 'examples/events/ntlm-8002.json', 'examples/events/ntlm-8002-winlogbeat.json', 'examples/events/ntlm-8002-legacy-names.json');
      assert.equal(r.code, 0, r.all);
      const mapping = (await getJson(`${node}/logs-windows.ntlm-default/_mapping`)) as Record<string, { mappings: { properties: Record<string, unknown> } }>;
      const backing = Object.keys(mapping);
      assert.equal(backing.length, 1);
      assert.match(backing[0]!, /^\.ds-logs-windows\.ntlm-default-0+1$/);
      const actual = mapping[backing[0]!]!.mappings.properties;
      const channel = makeDataset('windows.ntlm', [ntlm8001, ntlm, ntlm8003, ntlm8004].map((d) => loadDefinition(d)));
      const expected = buildMappingsComponent(channel, 'opensearch').template!.mappings!.properties!;
      // The engine echoes the template's properties; a field the pipeline wrote but the template lacks would appear here.
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)));
    });

    it('replay counts every document: sent = indexed + failed, and the count is in the data stream', async () => {
      const file = join(project.dir, 'events.ndjson');
      const seed = JSON.parse(readFileSync(join(ROOT, 'examples/events/ntlm-8002-winlogbeat.json'), 'utf8'));
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) lines.push(JSON.stringify({ ...seed, winlog: { ...seed.winlog, record_id: String(10_000 + i) } }));
      lines.push('{"@timestamp":"2026-03-12T00:00:00Z","winlog":{"event_data":"not an object"},"message":"bad"}');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const before = ((await getJson(`${node}/logs-windows.ntlm-default/_count`)) as { count: number }).count;
      const r = await cli('replay', '--node', node, 'events.ndjson');
      assert.match(r.stdout, /sent 1001, indexed 100\d, already present 0, failed [01]/);
      const [, sent, indexed, present, failed] = /sent (\d+), indexed (\d+), already present (\d+), failed (\d+)/.exec(r.stdout)!.map(Number);
      assert.equal(sent, indexed! + present! + failed!);
      const after = ((await getJson(`${node}/logs-windows.ntlm-default/_count`)) as { count: number }).count;
      assert.equal(after - before, indexed);
      if (failed) assert.match(r.stdout, /✖ events\.ndjson:1001: HTTP 400 mapper_parsing_exception/);
      const again = await cli('replay', '--node', node, 'events.ndjson');
      assert.match(again.stdout, new RegExp(`sent 1001, indexed 0, already present ${indexed}, failed ${failed}`), 'a re-run indexes nothing twice');
    });

    it('replay refuses a bad line before sending anything', async () => {
      const file = join(project.dir, 'broken.ndjson');
      writeFileSync(file, '{"message":"ok","@timestamp":"2026-01-01T00:00:00Z"}\n{"message": oops}\n');
      const before = ((await getJson(`${node}/logs-windows.ntlm-default/_count`)) as { count: number }).count;
      const r = await cli('replay', '--node', node, 'broken.ndjson');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /✖ broken\.ndjson:2: invalid JSON/);
      await fetch(`${node}/logs-windows.ntlm-default/_refresh`, { method: 'POST' });
      assert.equal(((await getJson(`${node}/logs-windows.ntlm-default/_count`)) as { count: number }).count, before);
    });
  });
});
