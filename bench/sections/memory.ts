/** `npm run bench -- memory`: one section of bench/run.ts. Replay's memory as inputs grow (issue 24). */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, round } from '../lib.ts';
import { HEAP_CAP_MB, ROOT, freshStream, log, notes, rows } from '../context.ts';

/** The many-events row's size: 10 000 000 unless EVFORGE_BENCH_BIG_EVENTS says otherwise (0 leaves it out). */
const BIG = Number(process.env['EVFORGE_BENCH_BIG_EVENTS'] ?? 10_000_000);
const TINY = 1_000_000;
const XML_EVENTS = 200_000;

/** A tiny event (~90 bytes), each different: what makes per-event costs show. */
const tiny = (i: number) => `{"system":{"provider":"P","event_id":${i % 9000},"event_record_id":${i}},"event_data":{"X":"y${i % 97}"}}`;

/** One Windows event XML line, record `i` (~1 KB), as wevtutil writes it but for the line break. */
const xmlEvent = (i: number) =>
  `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-NTLM' Guid='{AC43300D-5FCC-4800-8E99-1BD3F85F0320}'/><EventID>8002</EventID><Version>0</Version><Level>4</Level><Task>2</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2026-03-12T02:56:00.8242580Z'/><EventRecordID>${i}</EventRecordID><Correlation ActivityID='{CC8E79E3-F5C5-4F46-89CF-44829F945FA1}'/><Execution ProcessID='720' ThreadID='12064'/><Channel>Microsoft-Windows-NTLM/Operational</Channel><Computer>LAB-WIN11</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='CallerPID'>720</Data><Data Name='ProcessName'>C:\\Windows\\System32\\lsass.exe</Data><Data Name='ClientLUID'>0x3e4</Data><Data Name='ClientUserName'>user${i % 500}</Data><Data Name='ClientDomainName'>WORKGROUP</Data><Data Name='MechanismOID'>(NULL)</Data></EventData></Event>`;

/** Writes `count` lines of `make(i)` joined by `separator`, in blocks (the file may be bigger than memory). */
function writeEvents(path: string, count: number, make: (i: number) => string, separator: string): number {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < count; start += 50_000) {
      const block: string[] = [];
      for (let i = start; i < Math.min(count, start + 50_000); i++) block.push(make(i));
      writeSync(fd, block.join(separator) + separator);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

/**
 * One replay under NODE_OPTIONS=--max-old-space-size=HEAP_CAP_MB into a data stream whose pipeline
 * drops every event (replay sets the pace), its process sampled every half second: peak RSS so far
 * (VmHWM) and how many events the node has taken. Answers the peak once a fifth had gone through,
 * the peak at the end, and the run's time.
 */
async function measured(node: string, file: string, count: number, dir: string): Promise<{ early: number; end: number; seconds: number; samples: number }> {
  const stream = 'logs-windows.ntlm-benchmem';
  await freshStream(node, stream);
  const taken = async () => {
    const st = await call<{ nodes: Record<string, { ingest: { pipelines: Record<string, { count: number }> } }> }>(node, 'GET', '/_nodes/stats/ingest');
    return Object.values(st.nodes)[0]?.ingest.pipelines['bench-drop']?.count ?? 0;
  };
  const before = await taken();
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'src/cli/bin.mjs'), 'replay', '--node', node, '--data-stream', stream, file], { cwd: dir, env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let code: number | undefined;
  const exited = new Promise<void>((done) => child.on('close', (c) => ((code = c ?? 1), done())));
  const samples: { events: number; hwmMb: number }[] = [];
  while (code === undefined) {
    await Promise.race([exited, sleep(500)]);
    if (code !== undefined) break;
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      const events = (await taken()) - before;
      if (hwm) samples.push({ events, hwmMb: Number(hwm) / 1024 });
    } catch {
      // The process is starting or exiting: no sample this time.
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await call(node, 'DELETE', `/_data_stream/${stream}`).catch(() => undefined);
  if (code !== 0 || !new RegExp(`sent ${count}, indexed ${count}`).test(out)) throw new Error(`replay of ${file} failed (exit ${code}): ${out.slice(-800)}`);
  const early = samples.filter((s) => s.events <= count / 5).at(-1);
  const end = samples.at(-1);
  if (!early || !end) throw new Error(`too few memory samples (${samples.length}) for ${file}`);
  return { early: early.hwmMb, end: Math.max(...samples.map((s) => s.hwmMb)), seconds, samples: samples.length };
}

export async function memory(node: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'evforge-memory-'));
  try {
    await call(node, 'PUT', '/_ingest/pipeline/bench-drop', { description: 'Benchmark: drops every event', processors: [{ drop: {} }] });
    await call(node, 'PUT', '/_index_template/bench-mem', {
      index_patterns: ['logs-windows.ntlm-benchmem*'],
      data_stream: {},
      priority: 1000,
      composed_of: ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings'],
      template: { settings: { index: { default_pipeline: 'bench-drop', number_of_replicas: 0 } } },
    });
    const cases: [what: string, count: number, write: (path: string) => number][] = [
      [`${TINY} tiny events (~90 bytes each, NDJSON)`, TINY, (path) => writeEvents(path, TINY, tiny, '\n')],
      [`${XML_EVENTS} Windows events as XML on one line (no line break in the file)`, XML_EVENTS, (path) => writeEvents(path, XML_EVENTS, xmlEvent, '')],
      ...(BIG > 0 ? [[`${BIG} tiny events (~90 bytes each, NDJSON)`, BIG, (path: string) => writeEvents(path, BIG, tiny, '\n')] as [string, number, (path: string) => number]] : []),
    ];
    for (const [what, count, write] of cases) {
      const file = join(dir, 'events');
      const bytes = write(file);
      const m = await measured(node, file, count, dir);
      rmSync(file, { force: true });
      log(`replay memory, ${what}: ${Math.round(count / m.seconds)} events/s, peak RSS ${Math.round(m.early)} MB at a fifth, ${Math.round(m.end)} MB at the end (${m.samples} samples)`);
      rows.push({
        measure: `evforge replay peak RSS with a ${HEAP_CAP_MB} MB heap, ${what}, ${round(bytes / 2 ** 20, 0)} MB: after a fifth vs at the end (MB)`,
        value: `${Math.round(m.early)} / ${Math.round(m.end)}`,
        ratio: round(m.end / m.early).toString(),
        goal: 'completes; does not grow with the file',
        met: m.end / m.early < 1.25,
      });
    }
    notes.push(`Replay's memory as inputs grow (issue 24): each file replayed once with NODE_OPTIONS=--max-old-space-size=${HEAP_CAP_MB} into a data stream whose pipeline drops every event (replay sets the pace), the process's peak RSS (VmHWM) sampled every 0.5 s with the node's count of events through the pipeline: the peak once a fifth had gone through, and the peak of the whole run. Tiny events show per-event costs (the in-flight window counts events and their bytes as the bulk helper does); the one-line XML shows the reader streams without line breaks.`);
  } finally {
    await call(node, 'DELETE', '/_index_template/bench-mem').catch(() => undefined);
    await call(node, 'DELETE', '/_ingest/pipeline/bench-drop').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
