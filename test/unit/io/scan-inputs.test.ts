import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError } from '../../../src/errors.ts';
import { RankSet } from '../../../src/io/formats/events.ts';
import { scanInput } from '../../../src/io/formats/input.ts';
import { scanInputs } from '../../../src/io/formats/parallel-scan.ts';

/**
 * Replay's first pass over big inputs runs on a worker thread: it must learn exactly what the pass
 * on the main thread learns, and fail the same way, located.
 */
describe('scanning event files for replay', function () {
  this.timeout(60_000);
  let dir: string;
  const event = (i: number) => JSON.stringify({ system: { event_id: 8002, event_record_id: i }, event_data: { ProcessName: 'C:\\Windows\\System32\\lsass.exe', pad: 'x'.repeat(900) }, message: '' });
  // 10 000 events of ~1 KB: above the 8 MB from which a worker thread scans.
  const lines = Array.from({ length: 10_000 }, (_, i) => event(i));
  // A repeated key in each half (the halves are scanned by two threads, when there are two CPUs).
  for (const r of [4321, 9876]) lines[r] = lines[r]!.replace('"message":""', '"message":"","message":"again"');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'evforge-scan-'));
    writeFileSync(join(dir, 'big.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'small.ndjson'), `${lines.slice(0, 10).join('\n')}\n`);
    writeFileSync(join(dir, 'bad.ndjson'), `${lines.join('\n')}\n{"broken":}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('learns on a worker thread what it learns on the main thread: count, one event per line, which events may repeat a key', async () => {
    const big = { path: join(dir, 'big.ndjson'), label: 'big.ndjson' };
    const small = { path: join(dir, 'small.ndjson'), label: 'small.ndjson' };
    const [onWorker, second] = await scanInputs([big, small]);
    const here = await scanInput(big.path, big.label);
    assert.ok(onWorker && second);
    assert.equal(onWorker.count, 10_000);
    assert.equal(second.count, 10);
    assert.deepEqual({ ...onWorker, keysMayRepeat: [...onWorker.keysMayRepeat.bytes] }, { ...here, keysMayRepeat: [...here.keysMayRepeat.bytes] });
    assert.deepEqual([4320, 4321, 4322, 9875, 9876, 9877].map((r) => onWorker.keysMayRepeat.has(r)), [false, true, false, false, true, false]);
  });

  it('fails on a worker thread as on the main thread: a FileError at the bad line', async () => {
    const bad = { path: join(dir, 'bad.ndjson'), label: 'bad.ndjson' };
    await assert.rejects(scanInputs([bad]), (err: unknown) => err instanceof FileError && err.path === 'bad.ndjson:10001' && /invalid JSON/.test(err.message) && /nothing was sent/.test(err.hint ?? ''));
    const big = { path: join(dir, 'big.ndjson'), label: 'big.ndjson' };
    const missing = { path: join(dir, 'missing.ndjson'), label: 'missing.ndjson' };
    await assert.rejects(scanInputs([big, missing]), (err: unknown) => err instanceof FileError && err.path === 'missing.ndjson' && err.message === 'file not found');
    // The first file's error, as scanning one after the other would give, though the second's is known first.
    await assert.rejects(scanInputs([bad, missing]), (err: unknown) => err instanceof FileError && err.path === 'bad.ndjson:10001');
  });

  it('keeps one bit per event in a RankSet', () => {
    const set = new RankSet();
    for (const r of [0, 7, 8, 1_000_003]) set.add(r);
    assert.deepEqual([0, 1, 7, 8, 9, 1_000_002, 1_000_003, 5_000_000].map((r) => set.has(r)), [true, false, true, true, false, false, true, false]);
    assert.ok(set.bytes.length <= 2 * (1_000_003 / 8 + 1));
    assert.ok(RankSet.of(set.bytes).has(1_000_003));
  });
});
