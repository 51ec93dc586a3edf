import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay, type ReplayResult } from 'evforge';
import { FileError, UsageError } from '../../src/errors.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { copyProject, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

/** `replay` from the library (issue 13): the CLI's work, as a result instead of output, on the real node. */
describe('replay from the library API (real node)', function () {
  this.timeout(120_000);
  const stream = 'logs-windows.ntlm-libapi';
  let node: string;
  let p: ReturnType<typeof copyProject>;
  const seed = JSON.stringify(JSON.parse(readFileSync(new URL('../../examples/events/ntlm-8002.json', import.meta.url), 'utf8')));
  const count = async () => {
    await fetch(`${node}/${stream}/_refresh`, { method: 'POST' });
    return ((await (await fetch(`${node}/${stream}/_count`)).json()) as { count: number }).count;
  };
  /** Runs `task`, failing if it writes anything to stdout or stderr. */
  const silently = async <T>(task: () => Promise<T>): Promise<T> => {
    const written: string[] = [];
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = process.stderr.write = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    try {
      return await task();
    } finally {
      [process.stdout.write, process.stderr.write] = [out, err];
      assert.deepEqual(written, [], 'replay printed nothing');
    }
  };

  before(async () => {
    node = await sharedNode();
    p = copyProject('libapi');
    await fetch(`${node}/_data_stream/${stream}`, { method: 'DELETE' });
    const r = await runCli(p.dir, ['push', '--node', node, '--namespace', 'libapi']);
    assert.equal(r.code, 0, r.all);
    const lines = [
      seed.replace('"event_record_id":1104', '"event_record_id":18446744073709551615'),
      seed.replace('"event_record_id":1104', '"event_record_id":1'),
      seed.replace('"message":', '"message":"first","message":'),
    ];
    writeFileSync(join(p.dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(join(p.dir, 'bad.ndjson'), `${seed}\n{"broken":}\n`);
  });
  after(() => p.cleanup());

  it('sends every event and returns the counts, the repairs and no failure, printing nothing', async () => {
    const r: ReplayResult = await silently(() => replay({ files: ['events.ndjson'], cwd: p.dir, dataStream: stream, cluster: { node } }));
    assert.deepEqual(
      { sent: r.sent, notSent: r.notSent, indexed: r.indexed, alreadyPresent: r.alreadyPresent, failed: r.failed, unaccounted: r.unaccounted, aborted: r.aborted, failures: r.failures, unrecognized: r.unrecognized, warnings: r.warnings },
      { sent: 3, notSent: 0, indexed: 3, alreadyPresent: 0, failed: 0, unaccounted: 0, aborted: false, failures: [], unrecognized: 0, warnings: [] },
    );
    // Every event of the file was read back: the data stream holds it, recognized.
    assert.deepEqual(r.files, [{ label: 'events.ndjson', format: 'json', encoding: 'utf-8', events: 3, recognized: { sampled: 3, recognized: 3 } }]);
    assert.ok(r.maxEventBytes > 90 * 2 ** 20 && r.maxEventBytes < 100 * 2 ** 20, `the engine's 100 MB less the request's other bytes: ${r.maxEventBytes}`);
    assert.equal(r.limitFromCluster, true, 'read from the cluster');
    // The seed's keywords (2^63) in all three, and a record id of 2^64 − 1 in the first.
    assert.equal(r.numbersAsText.events, 3);
    assert.deepEqual(r.numbersAsText.examples, ['events.ndjson:1: sent as text: system.keywords, system.event_record_id', 'events.ndjson:2: sent as text: system.keywords']);
    assert.deepEqual(r.repeatedKeys, { events: 1, examples: ['events.ndjson:3: duplicate key: message'] });
    assert.equal(await count(), 3);
  });

  it('meets its own documents on a second run, with a cluster the caller connected (and left open)', async () => {
    const cluster = await Cluster.connect({ node });
    try {
      const r = await replay({ files: [join(p.dir, 'events.ndjson')], dataStream: stream, cluster, batchBytes: 1024, concurrency: 1 });
      assert.deepEqual([r.sent, r.indexed, r.alreadyPresent, r.failed], [3, 0, 3, 0]);
      assert.ok(await cluster.resolvedIndexSettings(stream), 'the cluster is still open');
    } finally {
      await cluster.close();
    }
    assert.equal(await count(), 3);
  });

  it('throws a located error for a bad file, before sending anything', async () => {
    await assert.rejects(
      replay({ files: ['events.ndjson', 'bad.ndjson'], cwd: p.dir, dataStream: 'logs-windows.ntlm-libapi-none', cluster: { node } }),
      (err: unknown) => err instanceof FileError && err.path === 'bad.ndjson:2',
    );
    assert.equal((await fetch(`${node}/logs-windows.ntlm-libapi-none/_count`)).status, 404, 'nothing was sent');
  });

  it('refuses a data stream no pipeline matches, and out-of-range options', async () => {
    await assert.rejects(replay({ files: ['events.ndjson'], cwd: p.dir, dataStream: 'logs-nothing-here', cluster: { node } }), (err: unknown) => err instanceof UsageError && /no index template with a pipeline matches logs-nothing-here/.test(err.message));
    await assert.rejects(replay({ files: ['events.ndjson'], cwd: p.dir, dataStream: stream, cluster: { node }, concurrency: 0 }), /concurrency must be a whole number from 1 to 64, got 0/);
  });
});
