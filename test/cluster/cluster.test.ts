import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';

import { checkPrerequisites, clusterFromEnv, ENV_VAR, isNodeProcess, startCluster, type Cluster } from './cluster.ts';

async function call<T = Record<string, unknown>>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  assert.ok(res.ok, `${method} ${url} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('test cluster: clusterFromEnv / prerequisites', function () {
  const saved = { javaHome: process.env.JAVA_HOME, node: process.env[ENV_VAR] };
  const restore = (key: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  };
  afterEach(() => {
    restore('JAVA_HOME', saved.javaHome);
    restore(ENV_VAR, saved.node);
  });

  it('clusterFromEnv reads EVFORGE_TEST_NODE', () => {
    delete process.env[ENV_VAR];
    assert.equal(clusterFromEnv(), undefined);
    process.env[ENV_VAR] = 'http://127.0.0.1:9250/';
    assert.equal(clusterFromEnv(), 'http://127.0.0.1:9250');
  });

  it('says what to install when Java is missing', async () => {
    process.env.JAVA_HOME = '/nonexistent-evforge-jdk';
    await assert.rejects(checkPrerequisites(), /Java 17 is required.*install openjdk-17-jdk/);
  });

  it('a node that fails to start rejects with the tail of its log', async function () {
    this.timeout(300_000);
    await assert.rejects(startCluster({ settings: { 'evforge.no_such_setting': 1 } }), (err: Error) => {
      assert.match(err.message, /exited .* before binding its HTTP port/);
      assert.match(err.message, /--- last \d+ lines of .*node-1\.log ---/);
      assert.match(err.message, /unknown setting \[evforge\.no_such_setting\]/);
      return true;
    });
  });
});

describe('test cluster: single OpenSearch 2.19 node', function () {
  this.timeout(300_000);
  let cluster: Cluster | undefined;

  before(async () => {
    cluster = await startCluster({ nodes: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('GET / is OpenSearch 2.19.x', async () => {
    const info = await call<{ version: { distribution: string; number: string } }>(`${cluster!.url}/`);
    assert.equal(info.version.distribution, 'opensearch');
    assert.match(info.version.number, /^2\.19\.\d+$/);
  });

  it('nodes have the cluster_manager, data and ingest roles', async () => {
    const res = await call<{ nodes: Record<string, { roles: string[] }> }>(`${cluster!.url}/_nodes`);
    const nodes = Object.values(res.nodes);
    assert.equal(nodes.length, 1);
    for (const role of ['cluster_manager', 'data', 'ingest']) assert.ok(nodes[0]!.roles.includes(role), `missing role ${role}`);
  });

  it('indexes through index.default_pipeline into a data stream and reads it back', async () => {
    const url = cluster!.url;
    await call(`${url}/_ingest/pipeline/evforge-cluster-test`, 'PUT', {
      processors: [
        { lowercase: { field: 'host.name' } },
        { set: { field: 'event.kind', value: 'event' } },
      ],
    });
    // @see https://opensearch.org/docs/2.19/im-plugin/data-streams/
    await call(`${url}/_index_template/evforge-cluster-test`, 'PUT', {
      index_patterns: ['logs-evforge-cluster-test*'],
      data_stream: {},
      template: { settings: { 'index.default_pipeline': 'evforge-cluster-test', number_of_replicas: 0 } },
    });
    const created = await call<{ _index: string; result: string }>(`${url}/logs-evforge-cluster-test/_doc?refresh=true`, 'POST', {
      '@timestamp': '2026-03-12T02:56:00.824Z',
      host: { name: 'WIN-DC01' },
    });
    assert.equal(created.result, 'created');
    assert.match(created._index, /^\.ds-logs-evforge-cluster-test-0+1$/);

    const found = await call<{ hits: { hits: { _source: { host: { name: string }; event: { kind: string } } }[] } }>(
      `${url}/logs-evforge-cluster-test/_search`,
    );
    assert.equal(found.hits.hits.length, 1);
    assert.deepEqual(found.hits.hits[0]!._source.host, { name: 'win-dc01' });
    assert.equal(found.hits.hits[0]!._source.event.kind, 'event');
  });

  it('stop() ends the JVM, closes the port and removes the data dir', async () => {
    const c = cluster!;
    const port = Number(new URL(c.url).port);
    assert.equal(await portOpen(port), true);
    await c.stop();
    assert.equal(await portOpen(port), false);
    for (const pid of c.pid) assert.equal(isNodeProcess(pid), false, `pid ${pid} still running`);
    assert.equal(existsSync(c.dataDir), false);
  });
});
