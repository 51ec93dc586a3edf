/**
 * `npm run cluster -- start [--version V] [--java-home DIR] [--nodes N] [--port P] [--heap SIZE] [--green] | stop | status`:
 * the command line of the test cluster; the launcher library is ./cluster.ts.
 */
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClusterState, type OpenSearchVersion, ROOT, STATE_DIR, STATE_FILE, VERSIONS, checkPrerequisites, errorMessage, getJson, isNodeProcess, readState, resolveVersion, runningState, startCluster, stopProcesses } from './cluster.ts';

// ---------------------------------------------------------------- CLI

async function cliStart(args: string[]): Promise<number> {
  const bare = ['--version', '--java-home', '--nodes', '--port', '--heap'].find((n) => args.includes(n) && !/^[^-]/.test(flag(args, n) ?? ''));
  if (bare) {
    console.error(`${bare} needs a value, e.g. --version 3.8.0 --java-home /usr/lib/jvm/temurin-25-jdk-amd64`);
    return 2;
  }
  let version: OpenSearchVersion;
  try {
    version = resolveVersion(flag(args, '--version'));
  } catch (err) {
    console.error(errorMessage(err));
    return 2;
  }
  const javaHome = flag(args, '--java-home');
  // Before anything else, so a missing JDK is named even when a node is already up.
  await checkPrerequisites({ version, ...(javaHome !== undefined ? { javaHome } : {}) });
  const existing = runningState();
  if (existing) {
    if (existing.version !== version) {
      console.error(`OpenSearch ${existing.version} is already running at ${existing.url}: stop it first (npm run cluster -- stop) to start ${version}`);
      return 1;
    }
    console.log(`OpenSearch ${existing.version} already running at ${existing.url} (${describeNodes(existing.nodes)})`);
    return 0;
  }
  const stale = readState();
  if (stale) {
    rmSync(stale.dataDir, { recursive: true, force: true });
    rmSync(STATE_FILE, { force: true });
  }
  const nodes = Number(flag(args, '--nodes') ?? 1);
  const port = Number(flag(args, '--port') ?? 9250);
  const heap = flag(args, '--heap');
  if (heap !== undefined && !/^\d+[mg]$/.test(heap)) {
    console.error(`--heap ${heap}: give a JVM heap size such as 512m or 2g`);
    return 2;
  }
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const cluster = await startCluster({
    version,
    ...(javaHome !== undefined ? { javaHome } : {}),
    nodes,
    httpPort: port,
    ...(heap ? { heap } : {}),
    detached: true,
    logDir: STATE_DIR,
    waitForStatus: args.includes('--green') ? 'green' : 'yellow',
    log: (s) => console.error(`[cluster] ${s}`),
    signal: abort.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const state: ClusterState = {
    url: cluster.url,
    pids: cluster.pid,
    dataDir: cluster.dataDir,
    startedAt: new Date().toISOString(),
    nodes: cluster.nodes,
    version: cluster.version,
    logFiles: cluster.logFiles,
  };
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  console.log(`OpenSearch ${state.version} running at ${state.url} (${describeNodes(state.nodes)})`);
  return 0;
}

async function cliStop(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log('not running');
    return 0;
  }
  const live = state.pids.filter(isNodeProcess);
  await stopProcesses(live);
  rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
  console.log(live.length > 0 ? `stopped ${state.url} (pid ${live.join(', ')})` : 'not running (removed stale state)');
  return 0;
}

async function cliStatus(): Promise<number> {
  const state = runningState();
  if (!state) {
    console.log('not running');
    return 1;
  }
  try {
    const h = await getJson<{ status: string; number_of_nodes: number; cluster_name: string }>(`${state.url}/_cluster/health`);
    console.log(`${state.url}\nOpenSearch ${state.version}, cluster ${h.cluster_name}: ${h.status}, ${describeNodes(h.number_of_nodes)}`);
    console.log(`pids ${state.pids.join(', ')}; logs ${state.logFiles.map((f) => relative(ROOT, f)).join(', ')}`);
    return 0;
  } catch (err) {
    console.log(`${state.url}\nrunning (pid ${state.pids.join(', ')}) but not answering: ${errorMessage(err)}`);
    return 1;
  }
}

function describeNodes(n: number): string {
  return `${n} node${n === 1 ? '' : 's'}`;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = args[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i + 1];
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd ?? '') {
    case 'start':
      return cliStart(rest);
    case 'stop':
      return cliStop();
    case 'status':
      return cliStatus();
    default:
      console.error(
        `usage: npm run cluster -- start [--version ${Object.keys(VERSIONS).join('|')}] [--java-home DIR] [--nodes N] [--port P] [--heap SIZE] [--green] | stop | status`,
      );
      return 2;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(errorMessage(err));
      process.exit(1);
    },
  );
}
