import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFaultProxy, type Fault, type FaultProxy } from '../fakes/fault-proxy.ts';
import { copyProject, runCli, ROOT } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';


/**
 * Cluster faults, injected by a proxy in front of the real node, for every command that talks to
 * a cluster: each must fail clearly (naming the object and the cause, non-zero exit), retry only
 * what is safe, and converge once the fault is gone, with nothing duplicated or half-written.
 */
type Command = 'push' | 'diff' | 'test' | 'replay';

/** The request each command's fault hits, and the object its error must name. */
const FAULT_TARGETS: Record<Command, { match: (m: string, p: string) => boolean; names: RegExp }> = {
  push: { match: (m, p) => (m === 'PUT' || m === 'POST') && decodeURIComponent(p) === '/_component_template/logs-windows.ntlm@mappings', names: /component template logs-windows\.ntlm@mappings/ },
  diff: { match: (m, p) => m === 'GET' && decodeURIComponent(p) === '/_index_template/logs-windows.ntlm', names: /index template logs-windows\.ntlm/ },
  test: { match: (m, p) => m === 'POST' && p.endsWith('/_simulate'), names: /simulate pipeline logs-windows\.ntlm/ },
  replay: { match: (m, p) => m === 'POST' && p === '/_bulk', names: /bulk index into logs-windows\.ntlm-f\w+|HTTP 4\d\d|HTTP 5\d\d/ },
};

interface FaultCase {
  readonly name: string;
  readonly fault: Omit<Fault, 'match'>;
  /** What the error must say. */
  readonly cause: RegExp;
  /** Transient faults (429, 503, reset) are retried: a fault that passes after 2 hits must not fail. */
  readonly transient?: boolean;
  readonly timeout?: boolean;
}

const CASES: FaultCase[] = [
  { name: 'connection reset mid-request', fault: { kind: 'reset' }, cause: /socket hang up|ECONNRESET|other side closed|cannot connect/i, transient: true },
  { name: 'timeout', fault: { kind: 'timeout' }, cause: /did not answer in time|timeout|timed out/i, timeout: true },
  { name: '401', fault: { kind: 'status', status: 401, body: { error: { type: 'security_exception', reason: 'missing authentication credentials' }, status: 401 } }, cause: /HTTP 401|401/ },
  { name: '403', fault: { kind: 'status', status: 403, body: { error: { type: 'security_exception', reason: 'no permissions for [indices:admin/template/put]' }, status: 403 } }, cause: /HTTP 403|403/ },
  { name: '404 on an expected object', fault: { kind: 'status', status: 404, body: { error: { type: 'resource_not_found_exception', reason: 'injected: not found' }, status: 404 } }, cause: /404|not found|missing/i },
  { name: '409', fault: { kind: 'status', status: 409, body: { error: { type: 'version_conflict_engine_exception', reason: 'injected conflict' }, status: 409 } }, cause: /409|conflict/i },
  { name: '429 with Retry-After', fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' }, status: 429 } }, cause: /429/, transient: true },
  { name: '503 with Retry-After', fault: { kind: 'status', status: 503, headers: { 'retry-after': '1' }, body: { error: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE]' }, status: 503 } }, cause: /503/, transient: true },
  { name: 'malformed JSON', fault: { kind: 'malformed' }, cause: /not valid JSON|not JSON|Unexpected|deserializ/i },
  { name: '429 without Retry-After', fault: { kind: 'status', status: 429, body: { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' }, status: 429 } }, cause: /429/, transient: true },
  { name: '503 without Retry-After', fault: { kind: 'status', status: 503, body: { error: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE]' }, status: 503 } }, cause: /503/, transient: true },
  { name: '500', fault: { kind: 'status', status: 500, body: { error: { type: 'exception', reason: 'injected internal error' }, status: 500 } }, cause: /500/ },
  { name: 'truncated JSON', fault: { kind: 'truncated' }, cause: /not valid JSON|not JSON|Unexpected|deserializ|end of JSON/i },
  { name: 'connection reset mid-response', fault: { kind: 'reset-mid-response' }, cause: /reset|aborted|socket hang up|ECONNRESET/i, transient: true },
];

/** No output line is a stack frame, or the OpenSearch client's own console.log of a socket error. */
const STACK = /^\s*at .+:\d+:\d+\)?$|ignoring error after response|node:internal/m;
/** Every run carries this password (user `admin`, password in EVFORGE_PASSWORD): it must never show. */
const SECRET = 'Fault-Matrix-S3cret!';

describe('cluster faults, injected in front of the real node', function () {
  this.timeout(300_000);
  let node: string;
  let proxy: FaultProxy;
  let p: ReturnType<typeof copyProject>;
  const events = 200;

  before(async () => {
    node = await sharedNode();
    proxy = await startFaultProxy(node);
    p = copyProject('faults');
    const seed = JSON.parse(readFileSync(join(ROOT, 'examples/events/ntlm-8002-winlogbeat.json'), 'utf8'));
    writeFileSync(join(p.dir, 'events.ndjson'), Array.from({ length: events }, (_, i) => JSON.stringify({ ...seed, winlog: { ...seed.winlog, record_id: String(i) } })).join('\n') + '\n');
  });
  after(async () => {
    await proxy.close();
    p.cleanup();
  });

  /**
   * Each run logs in (the node has no security plugin and ignores it) so that every output can be
   * searched for the password; and no output may carry a stack trace. Exit codes, as documented:
   * 3 when the cluster failed a request, 1 when diff finds a difference or replay could not index
   * some events.
   */
  const run = async (cmd: Command, url: string, ns: string, timeout?: boolean) => {
    const r = await runCli(p.dir, [cmd, '--node', url.replace('http://', 'http://admin@'), ...(timeout ? ['--timeout', '1'] : []), ...(cmd === 'replay' ? ['--namespace', ns, 'events.ndjson'] : [])], { EVFORGE_PASSWORD: SECRET });
    assert.doesNotMatch(r.all, STACK, `${cmd}: no stack trace\n${r.all}`);
    assert.ok(!r.all.includes(SECRET) && !r.all.includes(encodeURIComponent(SECRET)), `${cmd}: no secret`);
    assert.ok([0, 1, 3].includes(r.code), `${cmd}: a documented exit code, got ${r.code}`);
    if (r.code === 1) assert.ok(cmd === 'replay' || cmd === 'diff', `${cmd}: exit 1 only for diff's difference or replay's failed events\n${r.all}`);
    return r;
  };
  const count = async (ns: string) => ((await (await fetch(`${node}/logs-windows.ntlm-${ns}/_count`)).json()) as { count?: number }).count ?? 0;
  const prepare = async (cmd: Command) => {
    proxy.setFault(undefined);
    await resetCluster(node);
    if (cmd !== 'push') assert.equal((await runCli(p.dir, ['push', '--node', node])).code, 0);
  };

  it('a refused connection: every command exits 3 naming the URL, after bounded retries', async () => {
    for (const cmd of ['push', 'diff', 'test', 'replay'] as const) {
      const started = Date.now();
      const r = await run(cmd, 'http://127.0.0.1:9', 'refused');
      assert.equal(r.code, 3, `${cmd}: ${r.all}`);
      assert.match(r.stderr, /cannot connect to http:\/\/127\.0\.0\.1:9/);
      assert.match(r.stderr, /after 4 attempts/);
      assert.ok(Date.now() - started < 10_000, 'retries are bounded');
    }
  });

  for (const c of CASES) {
    for (const cmd of ['push', 'diff', 'test', 'replay'] as const) {
      it(`${c.name} on ${cmd}: a clear error, then a re-run converges`, async () => {
        await prepare(cmd);
        const ns = `f${cmd}${CASES.indexOf(c)}`;
        proxy.setFault({ ...c.fault, match: FAULT_TARGETS[cmd].match });
        const r = await run(cmd, proxy.url, ns, c.timeout);
        assert.ok(proxy.broken() > 0, 'the fault was hit');
        assert.notEqual(r.code, 0, r.all);
        if (cmd === 'diff' && c.fault.status === 404) {
          // A read that finds nothing is an answer: the object is reported missing, to be created.
          assert.equal(r.code, 1);
          assert.match(r.stdout, /\+ create +index template +logs-windows\.ntlm/);
        } else if (cmd !== 'replay' || r.code === 3) {
          assert.match(r.all, FAULT_TARGETS[cmd].names, 'names the object');
          assert.match(r.all, c.cause, 'names the cause');
        } else {
          assert.match(r.stdout, /failed [1-9]/, 'replay counts what it could not index');
        }
        assert.doesNotMatch(r.all, /unexpected error/);
        if (c.transient && cmd !== 'replay') assert.match(r.stderr, /after 4 attempts/, 'retried, with a bound');
        if (!c.transient && !c.timeout && cmd !== 'replay') assert.equal(proxy.broken(), 1, 'not retried: not safe or pointless');

        proxy.setFault(undefined);
        const again = await run(cmd, proxy.url, ns);
        if (cmd === 'replay') {
          assert.equal(again.code, 0, again.all);
          const [, sent, indexed, present, failed] = /sent (\d+), indexed (\d+), already present (\d+), failed (\d+)/.exec(again.stdout)!.map(Number);
          assert.equal(sent, events);
          assert.equal(failed, 0);
          assert.equal(indexed! + present!, events);
          assert.equal(await count(ns), events, 'no duplicate, none missing');
        } else {
          assert.equal(again.code, 0, again.all);
          assert.equal((await runCli(p.dir, ['diff', '--node', node])).code, 0, 'the cluster converged');
          const streams = (await (await fetch(`${node}/_data_stream/logs-windows.ntlm-*`)).json()) as { data_streams: { name: string }[] };
          assert.deepEqual(streams.data_streams.map((d) => d.name).filter((n) => n === 'logs-windows.ntlm-default'), ['logs-windows.ntlm-default']);
        }
      });
    }
    if (c.transient) {
      for (const cmd of ['push', 'diff', 'test', 'replay'] as const) {
        it(`${c.name} twice, then gone, on ${cmd}: retried and succeeds`, async () => {
          await prepare(cmd);
          const ns = `t${cmd}${CASES.indexOf(c)}`;
          proxy.setFault({ ...c.fault, match: FAULT_TARGETS[cmd].match, times: 2 });
          const r = await run(cmd, proxy.url, ns);
          assert.equal(proxy.broken(), 2);
          assert.equal(r.code, 0, r.all);
          if (cmd === 'replay') {
            assert.match(r.stdout, new RegExp(`sent ${events}, indexed \\d+, already present \\d+, failed 0`));
            assert.equal(await count(ns), events, 'no duplicate across retries');
          }
        });
      }
    }
  }
});
