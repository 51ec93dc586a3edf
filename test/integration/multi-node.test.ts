import assert from 'node:assert/strict';
import { startCluster, type Cluster } from '../cluster/cluster.ts';
import { copyProject, runCli } from '../helpers.ts';

describe('a 3-node OpenSearch cluster', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let project: ReturnType<typeof copyProject>;

  before(async () => {
    // A fixed heap per node, as `npm run cluster -- start --heap` and the benchmark ask for it.
    cluster = await startCluster({ nodes: 3, waitForStatus: 'green', heap: '640m' });
    project = copyProject('three');
  });
  after(async () => {
    project?.cleanup();
    await cluster?.stop();
  });

  it('gives every node the heap it was asked for (-Xms = -Xmx)', async () => {
    const info = (await (await fetch(`${cluster.url}/_nodes/jvm`)).json()) as { nodes: Record<string, { jvm: { mem: { heap_init_in_bytes: number; heap_max_in_bytes: number } } }> };
    const nodes = Object.values(info.nodes);
    assert.equal(nodes.length, 3);
    for (const n of nodes) {
      assert.equal(n.jvm.mem.heap_max_in_bytes, 640 * 2 ** 20);
      assert.equal(n.jvm.mem.heap_init_in_bytes, 640 * 2 ** 20);
    }
  });

  it('push, then replay, ends green with one replica of every shard allocated', async () => {
    const push = await runCli(project.dir, ['push', '--node', cluster.url]);
    assert.equal(push.code, 0, push.all);
    const replay = await runCli(project.dir, ['replay', '--node', cluster.url, 'examples/events/ntlm-8002.json', 'examples/events/ntlm-8002-winlogbeat.json']);
    assert.equal(replay.code, 0, replay.all);
    const health = (await (await fetch(`${cluster.url}/_cluster/health/logs-windows.ntlm-default?wait_for_status=green&timeout=60s`)).json()) as { status: string; number_of_nodes: number; active_shards: number; active_primary_shards: number };
    assert.equal(health.number_of_nodes, 3);
    assert.equal(health.status, 'green');
    assert.equal(health.active_shards, 2 * health.active_primary_shards, 'one replica per primary');
    const again = await runCli(project.dir, ['push', '--node', cluster.url]);
    assert.match(again.stdout, /No changes detected/);
  });
});
