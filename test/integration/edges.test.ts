import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import fc from 'fast-check';
import { startFaultProxy } from '../fakes/fault-proxy.ts';
import { copyProject, ROOT, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

/**
 * Issue 12, on the real node: numbers beyond what the engine keeps, duplicate keys, and replay ids
 * that do not depend on how the file is named. Then a seeded property: hostile events mixed with
 * valid ones, each stored exactly once, every raw value's text kept, valid neighbours untouched.
 */
describe('nothing altered or lost at the edges (real node)', function () {
  this.timeout(180_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  const seed = JSON.stringify(JSON.parse(readFileSync(new URL('../../examples/events/ntlm-8002.json', import.meta.url), 'utf8')));
  const winlogbeat = JSON.stringify(JSON.parse(readFileSync(new URL('../../examples/events/ntlm-8002-winlogbeat.json', import.meta.url), 'utf8')));
  const withRecord = (text: string, id: string) => text.replace('"event_record_id":1104', `"event_record_id":${id}`).replace(/"record_id":"?\d+"?/, `"record_id":${id}`);

  type Doc = Record<string, Record<string, unknown> | undefined>;
  const search = async (ns: string, size = 100) => {
    await fetch(`${node}/logs-windows.ntlm-${ns}/_refresh`, { method: 'POST' });
    const r = await fetch(`${node}/logs-windows.ntlm-${ns}/_search?size=${size}&track_total_hits=true`);
    const body = (await r.json()) as { hits: { total: { value: number }; hits: { _id: string; _source: Doc }[] } };
    return body.hits;
  };
  const replay = (ns: string, files: string[], cwd = p.dir) => runCli(cwd, ['replay', '--node', node, '--data-stream', `logs-windows.ntlm-${ns}`, ...files]);

  before(async () => {
    node = await sharedNode();
    p = copyProject('edges');
    for (const ns of ['big', 'dup', 'ids', 'prop']) {
      await fetch(`${node}/_data_stream/logs-windows.ntlm-${ns}`, { method: 'DELETE' });
      const r = await runCli(p.dir, ['push', '--node', node, '--namespace', ns]);
      assert.equal(r.code, 0, r.all);
    }
  });
  after(() => p.cleanup());

  it('1–2. integers beyond 64 bits (both shapes) are normalized and exact; 1e400, long decimals, underflows and -0 keep their text', async () => {
    const odd = ['1e400', '9007199254740993.5', '4.9e-325', '-0', '-9223372036854775809', '1.50', '1E2', '-0.0'];
    const lines = [
      withRecord(seed, '18446744073709551615'),
      // Another computer's: the same record id in the same log of the same computer would be the same event.
      withRecord(winlogbeat, '18446744073709551615').replace('"computer_name":"LAB-WIN11"', '"computer_name":"LAB-WIN12"'),
      withRecord(seed, '1105').replace('"message":', `"odd":[${odd.join(',')}],"message":`),
    ];
    writeFileSync(join(p.dir, 'big.ndjson'), lines.join('\n'));
    const r = await replay('big', ['big.ndjson']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /sent 3, indexed 3, already present 0, failed 0/);
    const hits = (await search('big')).hits.map((h) => h._source);
    assert.equal(hits.length, 3);
    for (const d of hits) {
      assert.equal(d['event']!['kind'], 'event', JSON.stringify(d['error']));
      assert.equal(d['@timestamp'], '2026-03-12T02:56:00.824258Z', 'the event time, not the ingest time');
      assert.equal(d['process']!['pid'], 720);
    }
    assert.deepEqual(hits.map((d) => (d['winlog'] as { record_id: unknown }).record_id).sort(), ['1105', '18446744073709551615', '18446744073709551615']);
    const withOdd = hits.find((d) => d['odd'] !== undefined)!;
    assert.deepEqual(withOdd['odd'], odd, 'the exact original text of each number');
  });

  it('3. a duplicate key spoils nothing: its neighbours are normalized, it is kept and marked, the earlier value aside', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => withRecord(seed, String(2000 + i)));
    lines[7] = lines[7]!.replace('"CallerPID":', '"CallerPID":"first","CallerPID":');
    writeFileSync(join(p.dir, 'dup.ndjson'), lines.join('\n'));
    const r = await replay('dup', ['dup.ndjson']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /sent 20, indexed 20, already present 0, failed 0/);
    assert.match(r.stdout, /1 with a repeated key/);
    assert.match(r.stdout, /dup\.ndjson:8: .*duplicate key: event_data\.CallerPID/);
    const hits = (await search('dup')).hits.map((h) => h._source);
    assert.equal(hits.length, 20);
    const marked = hits.filter((d) => d['event']!['kind'] === 'pipeline_error');
    assert.equal(marked.length, 1, 'only the event with the duplicate is marked');
    assert.deepEqual((marked[0]!['evforge'] as { invalid: unknown }).invalid, { 'event_data.CallerPID': 'first' });
    assert.match(String((marked[0]!['error'] as { message: string[] }).message), /duplicate key event_data\.CallerPID/);
    assert.equal(marked[0]!['process']!['pid'], 720, 'the last value is normalized');
    for (const d of hits) assert.equal(d['process']!['pid'], 720);
  });

  it('4. replay ids do not depend on the path as typed: another folder, another name or a copy index nothing twice', async () => {
    mkdirSync(join(p.dir, 'r1'));
    const lines = Array.from({ length: 5 }, (_, i) => withRecord(seed, String(3000 + i)));
    lines.push(lines[0]!); // the same event twice in one file: one event (its record, computer, channel, provider)
    writeFileSync(join(p.dir, 'r1', 'x.ndjson'), lines.join('\n'));
    copyFileSync(join(p.dir, 'r1', 'x.ndjson'), join(p.dir, 'copy.ndjson'));
    const first = await replay('ids', ['x.ndjson'], join(p.dir, 'r1'));
    assert.match(first.stdout, /sent 6, indexed 5, already present 1, failed 0/);
    for (const [cwd, file] of [[p.dir, 'r1/x.ndjson'], [p.dir, join(p.dir, 'r1', 'x.ndjson')], [p.dir, 'copy.ndjson']] as const) {
      const again = await replay('ids', [file], cwd);
      assert.match(again.stdout, /sent 6, indexed 0, already present 6, failed 0/, `${file}: ${again.all}`);
    }
    assert.equal((await search('ids')).total.value, 5);
  });

  /** The real CLI in its own process: output that bypasses evforge's Output (console.log) is caught too. */
  const spawnCli = (argv: string[]) =>
    new Promise<{ code: number; all: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'src/cli/bin.mjs'), ...argv], { cwd: p.dir, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, all: `${stdout}\n${stderr}` });
      });
    });
  const STACK = /^\s*at .+:\d+:\d+\)?$|ignoring error after response|node:internal/m;

  it('5. a bad namespace is refused before any request; a push failing part-way says what it left, and a re-run converges', async () => {
    const proxy = await startFaultProxy(node);
    try {
      for (const ns of ['BAD NS', 'UPPER', 'a*b', '../x', 'a,b', '']) {
        const r = await runCli(p.dir, ['push', '--node', proxy.url, '--namespace', ns]);
        assert.equal(r.code, 2, r.all);
      }
      assert.equal(proxy.requests.length, 0, 'not one request was sent');

      await fetch(`${node}/_data_stream/logs-windows.ntlm-partial`, { method: 'DELETE' });
      await fetch(`${node}/_ingest/pipeline/logs-windows.ntlm`, { method: 'DELETE' });
      proxy.setFault({ kind: 'status', status: 403, body: { error: { type: 'security_exception', reason: 'no permissions for [indices:admin/data_stream/create]' }, status: 403 }, match: (m, path) => m === 'PUT' && path.startsWith('/_data_stream/') });
      const r = await runCli(p.dir, ['push', '--node', proxy.url, '--namespace', 'partial']);
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /✖ push stopped part-way: 1 of 2 changes written/);
      assert.match(r.stderr, /written \(left in place, complete\): ingest pipeline logs-windows\.ntlm/);
      assert.match(r.stderr, /not written: data stream logs-windows\.ntlm-partial/);
      assert.match(r.stderr, /HTTP 403 security_exception/);
      proxy.setFault(undefined);
      const again = await runCli(p.dir, ['push', '--node', proxy.url, '--namespace', 'partial']);
      assert.equal(again.code, 0, again.all);
      assert.match(again.stdout, /Applied 1 change/, 'only what was left');
      assert.equal((await runCli(p.dir, ['diff', '--node', node, '--namespace', 'partial'])).code, 0, 'converged');
    } finally {
      await proxy.close();
    }
  });

  it('8. a connection reset mid-response during replay prints no stack trace (the real CLI process)', async () => {
    const proxy = await startFaultProxy(node);
    try {
      writeFileSync(join(p.dir, 'reset.ndjson'), Array.from({ length: 10 }, (_, i) => withRecord(seed, String(4000 + i))).join('\n'));
      proxy.setFault({ kind: 'reset-mid-response', match: (_m, path) => path === '/_bulk', times: 1 });
      const r = await spawnCli(['replay', '--node', proxy.url, '--data-stream', 'logs-windows.ntlm-ids', 'reset.ndjson']);
      assert.equal(proxy.broken(), 1);
      assert.doesNotMatch(r.all, STACK, r.all);
      assert.equal(r.code, 0, r.all);
      assert.match(r.all, /sent 10, indexed 10, already present 0, failed 0/);
    } finally {
      await proxy.close();
    }
  });

  it('9. https to a plain-http port is called a protocol mismatch, not an untrusted certificate', async () => {
    const r = await runCli(p.dir, ['diff', '--node', node.replace('http://', 'https://')]);
    assert.equal(r.code, 3, r.all);
    assert.match(r.stderr, /protocol mismatch: https:\/\/127\.0\.0\.1:\d+ does not speak TLS/);
    assert.match(r.stderr, /hint: use http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(r.all, /certificate not trusted/);
  });

  it('property: hostile events among valid ones are each stored once, their raw text kept, valid neighbours normalized (seeded)', async () => {
    // Hostile values: numbers the engine alters, duplicate keys, odd strings, nesting.
    const number = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.constantFrom('1e400', '-1e400', '4.9e-325', '-0', '-0.0', '9007199254740993.5', '1.5', '0.1', '1E2', '123456789012345678901234567890.5'),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
    );
    const text = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s));
    const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, number, text, fc.array(tie('v'), { maxLength: 3 }).map((a) => `[${a.join(',')}]`)),
    })).v;
    const key = fc.constantFrom('CallerPID', 'a', 'x', 'ProcessName', 'big');
    const extra = fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }).map((kv) => kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(','));
    const event = fc.record({ hostile: fc.boolean(), extra, where: fc.constantFrom('top', 'event_data') });

    const samples = fc.sample(fc.array(event, { minLength: 30, maxLength: 30 }), { seed: 12, numRuns: 1 })[0]!;
    const lines = samples.map((s, i) => {
      const base = withRecord(seed, String(5000 + i));
      if (!s.hostile) return base;
      return s.where === 'top' ? base.replace('{"system"', `{${s.extra},"system"`) : base.replace('"event_data":{', `"event_data":{${s.extra},`);
    });
    writeFileSync(join(p.dir, 'prop.ndjson'), lines.join('\n'));
    const r = await replay('prop', ['prop.ndjson']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, /sent 30, indexed 30, already present 0, failed 0/);
    const hits = await search('prop');
    assert.equal(hits.total.value, 30, 'each event stored exactly once');
    const byRecord = new Map(hits.hits.map((h) => [(h._source['winlog'] as { record_id: string }).record_id, h._source]));
    samples.forEach((s, i) => {
      const d = byRecord.get(String(5000 + i));
      assert.ok(d, `event ${i + 1} stored`);
      if (!s.hostile) {
        assert.equal(d['event']!['kind'], 'event', `valid event ${i + 1} is normalized whatever its neighbours`);
        assert.equal(d['process']!['pid'], 720);
        return;
      }
      // Every number of the original is in the stored document with its exact text: as a string
      // (anything but an integer within 64 bits), or as those digits. A duplicate's earlier value
      // is in evforge.invalid, so it is found too.
      const stored = JSON.stringify(d);
      const numbers = [...s.extra.matchAll(/(?<=[:,[])-?\d[\d.eE+-]*/g)].map((m) => m[0]);
      for (const digits of numbers) {
        const exact = /^-?\d+$/.test(digits) && digits !== '-0' && BigInt(digits) >= -(2n ** 63n) && BigInt(digits) < 2n ** 63n;
        if (exact && Math.abs(Number(digits)) <= Number.MAX_SAFE_INTEGER) assert.ok(stored.includes(digits), `event ${i + 1}: ${digits} not found in ${stored.slice(0, 400)}`);
        else if (!exact) assert.ok(stored.includes(`"${digits}"`), `event ${i + 1}: "${digits}" not found as text in ${stored.slice(0, 400)}`);
      }
    });
  });
});
