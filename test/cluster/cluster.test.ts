import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';

import {
  checkPrerequisites,
  clusterFromEnv,
  ENV_VAR,
  isNodeProcess,
  JAVA_HOME_ENV,
  resolveVersion,
  ROOT,
  startCluster,
  VERSION_ENV,
  type Cluster,
} from './cluster.ts';

/** `npm run cluster -- ARGS` as a child process (tsx, as package.json's script runs it). */
function clusterCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    execFile(tsx, [join(ROOT, 'test', 'cluster', 'cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Home of the javac on PATH if it is older than Java 21 (the machine's default JDK 17), else a failure saying so. */
function jdkOlderThan21(): { home: string; version: string } {
  const javac = realpathSync(execFileSync('sh', ['-c', 'command -v javac'], { encoding: 'utf8' }).trim());
  const home = dirname(dirname(javac));
  const stderr = spawnSync(join(home, 'bin', 'java'), ['-version'], { encoding: 'utf8' }).stderr;
  const version = /version "([^"]+)"/.exec(stderr)?.[1] ?? '';
  assert.ok(Number.parseInt(version, 10) < 21, `this test needs the machine's JDK 17 as the javac on PATH; found Java ${version} at ${home}`);
  return { home, version };
}

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
  const saved = { javaHome: process.env.JAVA_HOME, node: process.env[ENV_VAR], jdk: process.env[JAVA_HOME_ENV], version: process.env[VERSION_ENV] };
  const restore = (key: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  };
  afterEach(() => {
    restore('JAVA_HOME', saved.javaHome);
    restore(ENV_VAR, saved.node);
    restore(JAVA_HOME_ENV, saved.jdk);
    restore(VERSION_ENV, saved.version);
  });

  it('clusterFromEnv reads EVFORGE_TEST_NODE', () => {
    delete process.env[ENV_VAR];
    assert.equal(clusterFromEnv(), undefined);
    process.env[ENV_VAR] = 'http://127.0.0.1:9250/';
    assert.equal(clusterFromEnv(), 'http://127.0.0.1:9250');
  });

  it('says what to fix when JAVA_HOME or EVFORGE_JAVA_HOME holds no JDK', async () => {
    delete process.env[JAVA_HOME_ENV];
    process.env.JAVA_HOME = '/nonexistent-evforge-jdk';
    await assert.rejects(
      checkPrerequisites({ version: '2.19.1' }),
      /^Error: JAVA_HOME=\/nonexistent-evforge-jdk: no JDK there \(\/nonexistent-evforge-jdk\/bin\/java is missing\); fix or unset it, or install a JDK 17\+ \(Debian\/Ubuntu: sudo apt-get install openjdk-17-jdk;/,
    );
    process.env[JAVA_HOME_ENV] = '/nonexistent-evforge-jdk-3';
    await assert.rejects(
      checkPrerequisites({ version: '3.8.0' }),
      /^Error: EVFORGE_JAVA_HOME=\/nonexistent-evforge-jdk-3: no JDK there .*OpenSearch 3\.8\.0 needs a JDK 21\+: install a JDK 21\+ .*pass --java-home DIR/,
    );
  });

  it('the version comes from the option, else EVFORGE_OPENSEARCH_VERSION, else 2.19.1', () => {
    delete process.env[VERSION_ENV];
    assert.equal(resolveVersion(), '2.19.1');
    assert.equal(resolveVersion('3.8.0'), '3.8.0');
    process.env[VERSION_ENV] = '3.8.0';
    assert.equal(resolveVersion(), '3.8.0');
    assert.equal(resolveVersion('2.19.1'), '2.19.1');
    process.env[VERSION_ENV] = '3.9.0';
    assert.throws(() => resolveVersion(), /^Error: EVFORGE_OPENSEARCH_VERSION=3\.9\.0: the test cluster runs OpenSearch 2\.19\.1 or 3\.8\.0; give one of those$/);
  });

  it('`start --version` rejects an unknown version with exit 2 before starting anything', async function () {
    this.timeout(60_000);
    for (const args of [['--version', '9.9.9'], ['--version=3.9.0'], ['--version']]) {
      const r = await clusterCli(['start', ...args, '--port', '1']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, args.length === 1 && args[0] === '--version' ? /^--version needs a value/ : /^--version \S+: the test cluster runs OpenSearch 2\.19\.1 or 3\.8\.0; give one of those\n$/);
    }
  });

  it('`start --version 3.8.0` with a Java 17 JDK names what is missing and how to fix it', async function () {
    this.timeout(60_000);
    const jdk = jdkOlderThan21();
    const r = await clusterCli(['start', '--version', '3.8.0', '--java-home', jdk.home]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr.split('\n')[0],
      `--java-home ${jdk.home} is Java ${jdk.version}, but OpenSearch 3.8.0 needs Java 21+: install a JDK 21+ ` +
        `(Debian/Ubuntu: sudo apt-get install openjdk-21-jdk; macOS: brew install openjdk@21; or https://adoptium.net) ` +
        `and pass --java-home DIR (npm run cluster -- start) or set EVFORGE_JAVA_HOME=DIR`,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    // The same JDK is fine for 2.19.1: the check is per version, not a blanket rule.
    const ok = await checkPrerequisites({ version: '2.19.1', javaHome: jdk.home });
    assert.equal(ok.javaVersion, jdk.version);
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

describe(`test cluster: single OpenSearch ${resolveVersion()} node`, function () {
  this.timeout(300_000);
  let cluster: Cluster | undefined;

  before(async () => {
    cluster = await startCluster({ nodes: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it(`GET / is OpenSearch ${resolveVersion()} (EVFORGE_OPENSEARCH_VERSION, default 2.19.1)`, async () => {
    const info = await call<{ version: { distribution: string; number: string } }>(`${cluster!.url}/`);
    assert.equal(info.version.distribution, 'opensearch');
    assert.equal(info.version.number, resolveVersion());
    assert.equal(cluster!.version, info.version.number);
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
