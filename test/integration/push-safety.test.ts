import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { startCountingProxy, type CountingProxy } from '../fakes/counting-proxy.ts';
import { copyProject, runCli } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

/**
 * Issue 20 items 4–5 and issue 25 item 4, on the real node: push never replaces a pipeline,
 * template or data stream evforge did not make without --take-over; it checks the engine limits
 * before any write; a refused push leads with the reason and the way out, its diffs only with -v.
 */

/** Runs the CLI with stdout and stderr in one list, in the order written: what a terminal shows. */
async function interleaved(cwd: string, argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const output: Output = { out: (t) => lines.push(...t.split('\n')), err: (t) => lines.push(...t.split('\n').map((l) => `[err] ${l}`)), isTTY: false, verbose: argv.includes('-v') };
  const code = await main(argv, { output, cwd, env: {} });
  return { code, lines };
}

async function put(node: string, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${node}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(r.ok, `${path}: ${r.status} ${await r.text()}`);
}

const text = async (node: string, path: string) => (await fetch(`${node}${path}`)).text();

describe('push: what it may replace, and what it checks first (real node)', function () {
  this.timeout(240_000);
  let node: string;
  let project: ReturnType<typeof copyProject>;
  let proxy: CountingProxy;

  before(async () => {
    node = await sharedNode();
    project = copyProject('pushsafety');
    proxy = await startCountingProxy(node);
  });
  after(async () => {
    await proxy.close();
    project.cleanup();
    await resetCluster(node);
    await fetch(`${node}/_index_template/someone-elses-logs`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
  });
  beforeEach(() => resetCluster(node));

  const objectsEvforgeDidNotMake: [string, (node: string) => Promise<void>, string, RegExp][] = [
    [
      'a hand-made pipeline of its name',
      (n) => put(n, '/_ingest/pipeline/logs-windows.ntlm', { description: 'our own NTLM parsing', processors: [{ set: { field: 'team', value: 'soc' } }] }),
      '/_ingest/pipeline/logs-windows.ntlm',
      /^\[err\] ✖ refused: ingest pipeline logs-windows\.ntlm \(it records no evforge owners: made by hand or by another tool\) was not made by evforge; nothing was written$/,
    ],
    [
      'a Fleet-managed index template (_meta.managed: true, managed_by: fleet)',
      (n) => put(n, '/_index_template/logs-windows.ntlm', { index_patterns: ['logs-windows.ntlm-*'], data_stream: {}, priority: 200, _meta: { managed: true, managed_by: 'fleet', package: { name: 'windows' } } }),
      '/_index_template/logs-windows.ntlm',
      /^\[err\] ✖ refused: index template logs-windows\.ntlm \(fleet manages it: _meta\.managed_by is "fleet"\) was not made by evforge; nothing was written$/,
    ],
  ];

  for (const [what, make, path, says] of objectsEvforgeDidNotMake) {
    it(`${what}: the plan says it is not evforge's; push writes nothing and exits 1 naming it; --take-over replaces it`, async () => {
      await make(node);
      const before = await text(node, path);
      const d = await runCli(project.dir, ['diff', '--node', node]);
      assert.match(d.stdout, /owners: not evforge's \(.*\) → ntlm-8001, ntlm-8002, ntlm-8003, ntlm-8004; push refuses without --take-over/);
      proxy.reset();
      const r = await interleaved(project.dir, ['push', '--node', proxy.url]);
      assert.equal(r.code, 1, r.lines.join('\n'));
      assert.match(r.lines[0]!, says, 'the reason comes first');
      assert.match(r.lines[1]!, /^\[err\] {3}hint: .*or pass --take-over to replace it with what these definitions generate$/);
      assert.equal(proxy.writes(), 0, 'nothing was written');
      assert.equal(await text(node, path), before, 'the object is as it was');
      const taken = await runCli(project.dir, ['push', '--node', node, '--take-over']);
      assert.equal(taken.code, 0, taken.all);
      assert.equal((await runCli(project.dir, ['diff', '--node', node])).code, 0, 'now evforge\'s');
    });
  }

  it('a data stream made from another index template is not evforge\'s either: refused, naming that template', async () => {
    await put(node, '/_index_template/someone-elses-logs', { index_patterns: ['logs-windows.ntlm-*'], data_stream: {}, priority: 100 });
    await put(node, '/_data_stream/logs-windows.ntlm-default', {});
    proxy.reset();
    const r = await interleaved(project.dir, ['push', '--node', proxy.url]);
    assert.equal(r.code, 1, r.lines.join('\n'));
    assert.equal(r.lines[0], '[err] ✖ refused: data stream logs-windows.ntlm-default (it was made from index template someone-elses-logs, not from evforge\'s logs-windows.ntlm) was not made by evforge; nothing was written');
    assert.equal(proxy.writes(), 0);
  });

  it('a refused push leads with the reason and the way out; the plan follows without diffs, which come with -v', async () => {
    assert.equal((await runCli(project.dir, ['push', '--node', node])).code, 0);
    // Push 8004 alone: every shared object is the channel's (8001–8003 not given), and differs.
    const r = await interleaved(project.dir, ['push', 'examples/ntlm-8004.ts', '--node', node]);
    assert.equal(r.code, 1);
    assert.match(r.lines[0]!, /^\[err\] ✖ refused: ingest pipeline logs-windows\.ntlm, .* were produced by ntlm-8001, ntlm-8002, ntlm-8003, which were not given; nothing was written$/);
    assert.match(r.lines[1]!, /^\[err\] {3}hint: push every definition of the data stream together/);
    assert.match(r.lines[2]!, /^Plan for OpenSearch .* \(refused, nothing was written\):$/);
    assert.ok(!r.lines.some((l) => /^ {6}@@ /.test(l)), 'no diff without -v');
    assert.ok(r.lines.includes('  (run with -v to see each update\'s diff)'));
    assert.ok(r.lines.length < 40, `${r.lines.length} lines`);
    const v = await interleaved(project.dir, ['push', 'examples/ntlm-8004.ts', '--node', node, '-v']);
    assert.match(v.lines[0]!, /^\[err\] ✖ refused: /);
    assert.ok(v.lines.some((l) => /^ {6}@@ /.test(l)), 'the diffs with -v');
  });

  it('a data stream over an engine limit is refused before any write, the limit read from the cluster where it can be', async () => {
    const file = join(project.dir, 'examples/ntlm-8004.ts');
    const original = readFileSync(file, 'utf8');
    const deep = Array.from({ length: 21 }, (_, i) => `l${i}`).join('.');
    try {
      writeFileSync(file, original.replace("examples: ['WS042'],", `examples: ['WS042'], ecs: [{ field: '${deep}', type: 'keyword' }],`));
      proxy.reset();
      const r = await interleaved(project.dir, ['push', '--node', proxy.url]);
      assert.equal(r.code, 1, r.lines.join('\n'));
      assert.equal(r.lines[0], '[err] ✖ refused: an engine limit would be exceeded; nothing was written');
      assert.match(r.lines[1]!, /^\[err\] ✖ data stream logs-windows\.ntlm-\* \(opensearch\): the object field l0(\.l\d+){19} sits at depth 21, over index\.mapping\.depth\.limit \(20, engine default\)/);
      assert.match(r.lines[3]!, /^\[err\] {3}hint: use a shallower ECS target/);
      assert.ok(r.lines.some((l) => /^ {2}limits of logs-windows\.ntlm-\* \(script size limit: the cluster's settings\): largest script \d+ of 65535 bytes/.test(l)));
      assert.equal(proxy.writes(), 0, 'nothing was written');
      assert.ok(proxy.requests.some((q) => q.method === 'GET' && q.path === '/_cluster/settings' && /include_defaults=true/.test(q.query)), 'the cluster settings were read');
    } finally {
      writeFileSync(file, original);
    }
  });
});
