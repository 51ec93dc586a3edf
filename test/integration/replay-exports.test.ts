import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from 'evforge';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { scanFiles, sendEvents } from '../../src/api/replay/replay.ts';
import { startCluster, type Cluster as TestCluster } from '../cluster/cluster.ts';
import { startEchoProxy } from '../fakes/echo-proxy.ts';
import { copyProject, ROOT, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

/**
 * Issue 24, on the real node: replay takes any real export, any size. Identity from the event's
 * record (any order, any form, one document), files growing while replayed, XML namespaces and
 * encodings, events larger than the engine accepts, nesting too deep, empty files and events the
 * data stream does not recognize, and messages that carry neither terminal controls nor secrets.
 */
describe('replay takes any real export (issue 24, real node)', function () {
  this.timeout(300_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
  const seed = JSON.parse(readFileSync(join(ROOT, 'examples/events/ntlm-8002.json'), 'utf8')) as { system: Record<string, unknown> } & Record<string, unknown>;
  const xmlSeed = readFileSync(join(ROOT, 'examples/events/windows/ntlm-wevtutil.xml'), 'utf8').split('\n')[1]!;
  /** The seed event of computer 東京-PC01 with record `r`, in the seed's JSON shape. */
  const jsonEvent = (r: number) => ({ ...seed, system: { ...seed.system, computer: '東京-PC01', event_record_id: r } });
  /** The same event as wevtutil writes it. */
  const xmlEvent = (r: number) => xmlSeed.replace(/<EventRecordID>\d+<\/EventRecordID>/, `<EventRecordID>${r}</EventRecordID>`);
  const stream = (ns: string) => `logs-windows.ntlm-${ns}`;
  const cli = (ns: string, ...files: string[]) => runCli(p.dir, ['replay', '--node', node, '--data-stream', stream(ns), ...files]);
  const search = async (ns: string, query: object = { match_all: {} }, size = 100) => {
    await fetch(`${node}/${stream(ns)}/_refresh`, { method: 'POST' });
    const r = await fetch(`${node}/${stream(ns)}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, size, track_total_hits: true }) });
    if (r.status === 404) return { total: 0, docs: [] as Record<string, any>[] };
    const body = (await r.json()) as { hits: { total: { value: number }; hits: { _source: Record<string, any> }[] } };
    return { total: body.hits.total.value, docs: body.hits.hits.map((h) => h._source) };
  };
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(p.dir, name), content);
    return name;
  };
  /** The real CLI in a process of its own: what it prints, however it prints it, and how it exits. */
  const spawnCli = (argv: string[]) =>
    new Promise<{ code: number; all: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'src/cli/bin.mjs'), ...argv], { cwd: p.dir, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, all: `${stdout}\n${stderr}` });
      });
    });
  const STACK = /^\s*at .+:\d+:\d+\)?$|node:internal|Error: /m;

  before(async () => {
    node = await sharedNode();
    p = copyProject('exports');
    const r = await runCli(p.dir, ['push', '--node', node]);
    assert.equal(r.code, 0, r.all);
    for (const ns of ['ids', 'grow', 'changed', 'growcli', 'growxml', 'xmlns', 'ansi', 'deep', 'empty', 'foreign', 'ctl']) await fetch(`${node}/_data_stream/${stream(ns)}`, { method: 'DELETE' });
  });
  after(() => p.cleanup());

  describe('2. identity, not position: re-exports in any order or form store no duplicate', () => {
    const records = Array.from({ length: 30 }, (_, i) => 7000 + i);

    it('reverse order, pretty vs compact JSON, JSON vs XML of the same 30 events: 30 documents', async () => {
      const forward = write('forward.ndjson', `${records.map((r) => JSON.stringify(jsonEvent(r))).join('\n')}\n`);
      const first = await cli('ids', forward);
      assert.equal(first.code, 0, first.all);
      assert.match(first.stdout, /sent 30, indexed 30, already present 0, failed 0/);
      const forms: [string, string][] = [
        ['newest first (Get-WinEvent\'s order)', write('reverse.ndjson', `${[...records].reverse().map((r) => JSON.stringify(jsonEvent(r))).join('\n')}\n`)],
        ['one pretty-printed JSON array', write('pretty.json', JSON.stringify(records.map(jsonEvent), null, 2))],
        ['pretty objects, one after another, newest first', write('pretty-objects.json', [...records].reverse().map((r) => JSON.stringify(jsonEvent(r), null, 4)).join('\n'))],
        ['wevtutil XML', write('same.xml', `<Events>\n${records.map(xmlEvent).join('\n')}\n</Events>\n`)],
        ['XML with an `e:` prefix, newest first', write('prefixed.xml', [...records].reverse().map((r) => xmlEvent(r).replace(/<(\/?)(\w)/g, '<$1e:$2').replace(`xmlns='${NS}'`, `xmlns:e='${NS}'`)).join('\n'))],
      ];
      for (const [what, file] of forms) {
        const r = await cli('ids', file);
        assert.equal(r.code, 0, `${what}: ${r.all}`);
        assert.match(r.stdout, /sent 30, indexed 0, already present 30, failed 0/, `${what}: ${r.all}`);
      }
      assert.equal((await search('ids')).total, 30);
    });
  });

  describe('3. a file growing while it is replayed: the snapshot checked is what is sent', () => {
    const line = (r: number) => JSON.stringify(jsonEvent(r));

    it('lines appended after the check, a half-written line among them, are neither sent nor a crash: reported as not sent (library)', async () => {
      const file = write('live.ndjson', `${Array.from({ length: 100 }, (_, i) => line(20_000 + i)).join('\n')}\n`);
      const scanned = await scanFiles([file], p.dir);
      appendFileSync(join(p.dir, file), `${line(20_100)}\n${line(20_101)}\n{"partial":`);
      const cluster = await Cluster.connect({ node });
      try {
        const r = await sendEvents(cluster, scanned, { dataStream: stream('grow') });
        assert.deepEqual([r.sent, r.indexed, r.failed, r.notSent, r.unaccounted, r.aborted], [100, 100, 0, 0, 0, false]);
        assert.deepEqual(r.files[0]!.notSent, { line: 101, bytes: Buffer.byteLength(`${line(20_100)}\n${line(20_101)}\n{"partial":`), lines: 2, reason: 'grew' });
      } finally {
        await cluster.close();
      }
      assert.equal((await search('grow')).total, 100, 'nothing past the snapshot was sent');
    });

    it('a file rewritten in place or replaced after the check is not sent at all (pass 2 sends only what pass 1 checked)', async () => {
      const text = `${Array.from({ length: 10 }, (_, i) => line(21_000 + i)).join('\n')}\n`;
      const rewritten = write('rewritten.ndjson', text);
      const replaced = write('replaced.ndjson', text);
      const scanned = await scanFiles([rewritten, replaced], p.dir);
      // The same size, other bytes (unchecked: not even JSON); and another file put in its place.
      writeFileSync(join(p.dir, rewritten), text.replace('{', '['));
      writeFileSync(join(p.dir, 'other.ndjson'), text);
      renameSync(join(p.dir, 'other.ndjson'), join(p.dir, replaced));
      const cluster = await Cluster.connect({ node });
      try {
        const r = await sendEvents(cluster, scanned, { dataStream: stream('changed') });
        assert.deepEqual([r.sent, r.notSent, r.indexed, r.failed], [0, 20, 0, 0]);
        for (const f of r.files) assert.deepEqual(f.notSent, { line: 1, bytes: Buffer.byteLength(text), lines: 0, reason: 'unreadable', detail: 'replaced or rewritten after it was checked' });
      } finally {
        await cluster.close();
      }
      assert.equal((await search('changed')).total, 0);
    });

    for (const [format, make] of [
      ['NDJSON', (r: number) => line(r)],
      ['Windows event XML', (r: number) => xmlEvent(r)],
    ] as const) {
      it(`${format}, in the real CLI: appended while it sends (a partial event last), the summary printed, exit 0, no stack trace`, async () => {
        const ns = format === 'NDJSON' ? 'growcli' : 'growxml';
        const count = 20_000;
        const file = `live-${ns}`;
        writeFileSync(join(p.dir, file), `${Array.from({ length: count }, (_, i) => make(30_000 + i)).join('\n')}\n`);
        const child = spawn(process.execPath, [join(ROOT, 'src/cli/bin.mjs'), 'replay', '--node', node, '--data-stream', stream(ns), file], { cwd: p.dir });
        let out = '';
        let appended = false;
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          // "Replaying …" is printed once every file is checked: the snapshot is taken, sending starts.
          if (!appended && out.includes('Replaying')) {
            appended = true;
            appendFileSync(join(p.dir, file), `${make(90_000)}\n${make(90_001)}\n${make(90_002).slice(0, 50)}`);
          }
        });
        const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
        assert.ok(appended);
        assert.doesNotMatch(out, STACK, out);
        assert.equal(code, 0, out);
        assert.match(out, new RegExp(`sent ${count}, indexed ${count}, already present 0, failed 0`));
        assert.match(out, new RegExp(`${file}: grew while replay ran: from line ${count + 1} on, \\d+ bytes \\(2 line breaks\\) written after the check, not checked and not sent`));
        assert.equal((await search(ns, { terms: { 'winlog.record_id': ['90000', '90001', '90002'] } })).total, 0, 'none of the appended events');
        assert.equal((await search(ns)).total, count);
      });
    }
  });

  describe('4. XML as the spec says, and text in the encodings Windows tools write', () => {
    it('namespace-prefixed XML is recognized and normalized, @timestamp the event\'s', async () => {
      const file = write('ns.xml', xmlEvent(40_001).replace(/<(\/?)(\w)/g, '<$1w:$2').replace(`xmlns='${NS}'`, `xmlns:w='${NS}'`));
      const r = await cli('xmlns', file);
      assert.equal(r.code, 0, r.all);
      const [doc] = (await search('xmlns')).docs;
      assert.equal(doc!['event']['kind'], 'event', JSON.stringify(doc));
      assert.equal(doc!['evforge']['event'], 'ntlm-8002');
      assert.equal(doc!['evforge']['unrecognized'], undefined);
      assert.equal(doc!['@timestamp'], '2026-03-12T02:56:00.8242580Z', 'the event\'s time, every digit written');
      assert.equal(doc!['user']['name'], 'Jürgen-Ω');
    });

    it('what Windows PowerShell 5.1 writes (windows-1252): refused, located, without --encoding; exact with --encoding windows-1252', async () => {
      // The seed (ASCII but for the user name) with `Jürgen€` in windows-1252: FC for ü, 80 for €.
      const [head, tail] = JSON.stringify({ ...seed, system: { ...seed.system, event_record_id: 40_002 }, event_data: { ...(seed['event_data'] as object), ClientUserName: '@@' } }).split('@@');
      const file = write('ansi.ndjson', Buffer.concat([Buffer.from(`${head}J`), Buffer.from([0xfc, 0x72, 0x67, 0x65, 0x6e, 0x80]), Buffer.from(`${tail}\n`)]));
      const bad = await cli('ansi', file);
      assert.equal(bad.code, 1, bad.all);
      assert.match(bad.stderr, /✖ ansi\.ndjson:1: invalid UTF-8 at column \d+ \(byte \d+ of the file\): bytes FC 72 67 65/);
      assert.match(bad.stderr, /--encoding windows-1252/);
      assert.equal((await search('ansi')).total, 0, 'nothing was sent');
      const good = await runCli(p.dir, ['replay', '--node', node, '--data-stream', stream('ansi'), '--encoding', 'windows-1252', file]);
      assert.equal(good.code, 0, good.all);
      assert.match(good.stdout, /ansi\.ndjson: JSON events \(windows-1252\), 1 event/);
      const [doc] = (await search('ansi')).docs;
      assert.equal(doc!['user']['name'], 'Jürgen€');
      const unknown = await runCli(p.dir, ['replay', '--node', node, '--data-stream', stream('ansi'), '--encoding', 'ebcdic', file]);
      assert.equal(unknown.code, 2, unknown.all);
      assert.match(unknown.stderr, /--encoding "ebcdic" is not an encoding replay reads/);
    });
  });

  describe('7. nesting too deep: a located error, nothing sent, the engine never sees it', () => {
    it('100 000 levels in JSON and in XML', async () => {
      const deepJson = `{"system":{},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const deepXml = `<Event><EventData>${'<D>'.repeat(100_000)}${'</D>'.repeat(100_000)}</EventData></Event>`;
      for (const [file, content, at] of [
        ['deep.ndjson', `${JSON.stringify(jsonEvent(50_001))}\n${deepJson}\n`, 'deep.ndjson:2'],
        ['deep.xml', `${xmlEvent(50_002)}\n${deepXml}\n`, 'deep.xml:2'],
      ] as const) {
        const r = await spawnCli(['replay', '--node', node, '--data-stream', stream('deep'), write(file, content)]);
        assert.equal(r.code, 1, r.all);
        assert.ok(r.all.includes(`✖ ${at}: nested deeper than 64 levels`), r.all);
        assert.doesNotMatch(r.all, /Maximum call stack|unexpected error/);
        assert.doesNotMatch(r.all, STACK, r.all);
      }
      assert.equal((await search('deep')).total, 0, 'nothing was sent');
    });
  });

  describe('8. empty files, and events the data stream does not recognize', () => {
    it('an empty file into a namespace whose data stream does not exist: 0 events, exit 0, no request to index', async () => {
      const r = await cli('empty', write('empty.ndjson', ''));
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /Replaying 0 events from 1 file/);
      assert.match(r.stdout, /sent 0, indexed 0, already present 0, failed 0/);
      assert.doesNotMatch(r.all, /404|index_not_found/);
      assert.equal((await fetch(`${node}/_data_stream/${stream('empty')}`)).status, 404, 'nothing created');
    });

    it('the summary counts unrecognized events, and warns for a file of which none is recognized', async () => {
      const foreign = (r: number) => ({ ...jsonEvent(r), system: { ...jsonEvent(r).system, provider: 'Microsoft-Windows-Sysmon', event_id: 1, channel: 'Microsoft-Windows-Sysmon/Operational' } });
      const sysmon = write('sysmon.ndjson', `${Array.from({ length: 7 }, (_, i) => JSON.stringify(foreign(60_000 + i))).join('\n')}\n`);
      const mixed = write('mixed.ndjson', `${JSON.stringify(jsonEvent(61_000))}\n${JSON.stringify(foreign(61_001))}\n`);
      const r = await cli('foreign', sysmon, mixed);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /sent 9, indexed 9, already present 0, failed 0/);
      assert.match(r.stdout, /  8 stored unrecognized \(evforge\.unrecognized: true\): no definition of logs-windows\.ntlm-foreign matches their provider, event id and channel/);
      assert.match(r.stdout, /⚠ none of the 7 events of sysmon\.ndjson is recognized by logs-windows\.ntlm-foreign/);
      assert.doesNotMatch(r.stdout, /mixed\.ndjson is recognized|of mixed\.ndjson/, 'one of its events is recognized');
      assert.equal((await search('foreign', { term: { 'evforge.unrecognized': true } })).total, 8);
      // A second run adds nothing, so counts no unrecognized event of its own.
      const again = await cli('foreign', sysmon, mixed);
      assert.match(again.stdout, /sent 9, indexed 0, already present 9, failed 0/);
      assert.doesNotMatch(again.stdout, /stored unrecognized/);
    });
  });

  describe('9. terminal controls and secrets never reach the output', () => {
    it('ANSI escapes from an input file are printed escaped', async () => {
      // JSON.parse quotes the text around an unexpected token in its message: the escapes with it
      // (ESC ( 0 switches a terminal to line drawing, BEL rings, BS steps back over what was written).
      const r = await cli('ctl', write('ctl.ndjson', `{"a":1}\n{"a": \x1b(0red\x07\x08}\n`));
      assert.equal(r.code, 1, r.all);
      assert.ok(!/[\x1b\x07\x08]/.test(r.all), JSON.stringify(r.all));
      assert.match(r.stderr, /✖ ctl\.ndjson:2: invalid JSON: .*\\x1b\(0red\\x07\\x08/);
      const xml = await cli('ctl', write('ctl.xml', '<Event>\n\x1b]0;pwned\x07text\n<Foo/></Event>\n<Bar\x1b[2J/>'));
      assert.equal(xml.code, 1, xml.all);
      assert.ok(!xml.all.includes('\x1b'), JSON.stringify(xml.all));
    });

    const PASSWORD = 'Echo-Pa55w0rd-3f9b';
    const API_KEY = 'RUNIT0tFWTpzZWNyZXQta2V5LWVjaG8tNzc=';
    const secretsIn = (text: string, forms: readonly string[]) => forms.filter((s) => text.includes(s));

    it('a server that echoes the Authorization header and the URL in its errors: no credential in any message (header-echoing proxy FAKE)', async () => {
      const file = write('echo.ndjson', `${JSON.stringify(jsonEvent(70_001))}\n${JSON.stringify(jsonEvent(70_002))}\n`);
      const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
      const forms = [PASSWORD, encodeURIComponent(PASSWORD), basic, API_KEY, `admin:${PASSWORD}`];
      for (const mode of ['request', 'bulk-items'] as const) {
        const proxy = await startEchoProxy(node, mode, (m, path) => m === 'POST' && path === '/_bulk');
        try {
          const withKey = await runCli(p.dir, ['replay', '--node', proxy.url, '--data-stream', stream('echo'), '--api-key', API_KEY, file]);
          const withUrl = await runCli(p.dir, ['replay', '--node', proxy.url.replace('http://', `http://admin:${encodeURIComponent(PASSWORD)}@`), '--data-stream', stream('echo'), file]);
          const withEnv = await runCli(p.dir, ['replay', '--node', proxy.url, '--username', 'admin', '--data-stream', stream('echo'), file], { EVFORGE_PASSWORD: PASSWORD });
          assert.ok(proxy.echoed() >= 3, 'the fake answered');
          for (const r of [withKey, withUrl, withEnv]) {
            assert.notEqual(r.code, 0, r.all);
            assert.match(r.all, /\[redacted\]/, `${mode}: the echo is shown, its credential removed: ${r.all}`);
            assert.deepEqual(secretsIn(r.all, forms), [], `${mode}: ${r.all}`);
          }
        } finally {
          await proxy.close();
        }
      }
    });

    it('the library returns failures without the credential either', async () => {
      const proxy = await startEchoProxy(node, 'bulk-items', (m, path) => m === 'POST' && path === '/_bulk');
      try {
        const r = await replay({ files: ['echo.ndjson'], cwd: p.dir, dataStream: stream('echo'), cluster: { node: proxy.url, apiKey: API_KEY } });
        assert.ok(r.failureRecords.events + r.failed > 0);
        assert.deepEqual(secretsIn(JSON.stringify(r), [API_KEY]), []);
      } finally {
        await proxy.close();
      }
    });
  });

  /**
   * 6. A node started with `http.max_content_length: 1mb` (the launcher's settings): replay reads the
   * limit from the cluster, sends an event nearly that large in a request of its own, and counts
   * one larger than that as failed — the rest go on.
   */
  describe('6. events larger than the engine accepts (a node with http.max_content_length: 1mb)', () => {
    let small: TestCluster;
    before(async function () {
      this.timeout(240_000);
      small = await startCluster({ nodes: 1, settings: { 'http.max_content_length': '1mb' } });
      const r = await runCli(p.dir, ['push', '--node', small.url, '--namespace', 'big']);
      assert.equal(r.code, 0, r.all);
    });
    after(async () => small?.stop());

    it('the oversize event is failed with its file:line and the reason; the others, one of 900 KB among them, are indexed; exit 1', async () => {
      const padded = (r: number, bytes: number) => JSON.stringify({ ...jsonEvent(r), message: 'm'.repeat(bytes) });
      const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify(jsonEvent(80_000 + i)));
      lines.splice(5, 0, padded(80_100, 1_200_000));
      lines.splice(10, 0, padded(80_101, 900_000));
      const file = write('big.ndjson', `${lines.join('\n')}\n`);
      const r = await runCli(p.dir, ['replay', '--node', small.url, '--namespace', 'big', file]);
      assert.equal(r.code, 1, r.all);
      assert.match(r.stdout, /sent 22, indexed 21, already present 0, failed 1/);
      assert.match(r.stdout, /✖ big\.ndjson:6: HTTP 413 event_too_large: the event takes 120\d{4} bytes; the engine accepts requests of at most 1048576 bytes \(http\.max_content_length\); not sent/);
      await fetch(`${small.url}/${stream('big')}/_refresh`, { method: 'POST' });
      const count = (await (await fetch(`${small.url}/${stream('big')}/_count`)).json()) as { count: number };
      assert.equal(count.count, 21);
      const again = await runCli(p.dir, ['replay', '--node', small.url, '--namespace', 'big', file]);
      assert.match(again.stdout, /sent 22, indexed 0, already present 21, failed 1/);
    });
  });
});
