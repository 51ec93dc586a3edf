/**
 * Local OpenSearch test cluster (2.19.1 or 3.8.0): one JVM per node, OpenSearch jars from Maven
 * Central, started by test/cluster/launcher (dev.evforge.cluster.EvforgeNode).
 *
 * Library: startCluster(), useCluster(), clusterFromEnv().
 * CLI (test/cluster/cli.ts):  npm run cluster -- start [--version V] [--java-home DIR] [--nodes N] [--port P] [--heap SIZE] [--green] | stop | status
 *
 * @see https://opensearch.org/docs/2.19/api-reference/cluster-api/cluster-health/
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STATE_DIR = join(ROOT, '.evforge', 'cluster');
export const STATE_FILE = join(STATE_DIR, 'state.json');
const LAUNCHER_DIR = join(ROOT, 'test', 'cluster', 'launcher');
const POM = join(LAUNCHER_DIR, 'pom.xml');
const PACKAGE_PATH = join('java', 'dev', 'evforge', 'cluster');
const MAIN_CLASS = 'dev.evforge.cluster.EvforgeNode';
const READY_RE = /EVFORGE_NODE_READY (http:\/\/\S+)/;
const LOG_TAIL_LINES = 30;

/** Env var holding the URL of an already running cluster to reuse in tests. */
export const ENV_VAR = 'EVFORGE_TEST_NODE';
/** Env var naming the OpenSearch version startCluster() and `start` use when none is given. */
export const VERSION_ENV = 'EVFORGE_OPENSEARCH_VERSION';
/** Env var naming the JDK to run the nodes with (as --java-home / StartOptions.javaHome). */
export const JAVA_HOME_ENV = 'EVFORGE_JAVA_HOME';

/**
 * The OpenSearch versions the test cluster can start. Each line has its Maven profile and its
 * Line.java (test/cluster/launcher/pom.xml, src/opensearch-<major>/): 3.x renamed the module
 * plugin classes and changed Node's constructor, so one source cannot compile against both.
 * @see https://opensearch.org/docs/latest/install-and-configure/install-opensearch/index/#java-compatibility
 */
export const VERSIONS = {
  '2.19.1': { line: 'opensearch-2', minJava: 17, jvmFlags: ['-Djava.locale.providers=SPI,COMPAT'] },
  // COMPAT is gone from the JDKs 3.x runs on; Lucene 10 calls the foreign-function API.
  '3.8.0': { line: 'opensearch-3', minJava: 21, jvmFlags: ['-Djava.locale.providers=SPI,CLDR', '--enable-native-access=ALL-UNNAMED'] },
} as const satisfies Record<string, { line: string; minJava: number; jvmFlags: readonly string[] }>;
export type OpenSearchVersion = keyof typeof VERSIONS;
export const DEFAULT_VERSION: OpenSearchVersion = '2.19.1';

/**
 * JVM flags of the OpenSearch distribution's jvm.options / SystemJvmOptions shared by both lines
 * (each version adds its own, above).
 * @see https://github.com/opensearch-project/OpenSearch/blob/2.19/distribution/src/config/jvm.options
 */
const JVM_FLAGS = [
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-Djava.awt.headless=true',
  '-Dfile.encoding=UTF-8',
  '-Djna.nosys=true',
  '-Dio.netty.noUnsafe=true',
  '-Dio.netty.noKeySetOptimization=true',
  '-Dio.netty.recycler.maxCapacityPerThread=0',
  '-Dio.netty.allocator.numDirectArenas=0',
  '-Dlog4j.shutdownHookEnabled=false',
  '-Dlog4j2.disable.jmx=true',
  '-Dlog4j2.formatMsgNoLookups=true',
];

export type HealthStatus = 'green' | 'yellow';

export interface StartOptions {
  /** OpenSearch version. Default $EVFORGE_OPENSEARCH_VERSION, else 2.19.1. */
  version?: string;
  /**
   * JDK to run the nodes with. Default $EVFORGE_JAVA_HOME; else $JAVA_HOME or the java on PATH if
   * new enough, else the newest JDK found in the usual install folders (see findJdk()).
   */
  javaHome?: string;
  /** Number of nodes, each with roles cluster_manager, data, ingest. Default 1. */
  nodes?: number;
  log?: (s: string) => void;
  /** Health status to wait for. Default yellow. */
  waitForStatus?: HealthStatus;
  /** HTTP port for node-1 if free; otherwise (and for other nodes) any free port. */
  httpPort?: number;
  /** Spawn JVMs in their own session so they outlive this process (CLI `start`). */
  detached?: boolean;
  /** Directory for node-N.log. Default .evforge/cluster/ (or a run-* subdir if that one is in use). */
  logDir?: string;
  /** Extra node settings (opensearch.yml keys), applied to every node. */
  settings?: Record<string, string | number | boolean>;
  /**
   * JVM heap, as -Xms and -Xmx (OpenSearch advises both equal). Default 512m–1g per node, enough
   * for the tests' three nodes side by side; the benchmark gives its one node more (see bench/).
   */
  heap?: string;
  /** Overall bound for JVM start + cluster health. Default 180 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Cluster {
  url: string;
  /** OpenSearch version the nodes report (GET /). */
  version: string;
  nodes: number;
  pid: number[];
  dataDir: string;
  logFiles: string[];
  /** SIGTERM, then SIGKILL after a bound; removes dataDir. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface ClusterState {
  url: string;
  pids: number[];
  dataDir: string;
  startedAt: string;
  nodes: number;
  version: string;
  logFiles: string[];
}

export interface Tools {
  version: OpenSearchVersion;
  java: string;
  javac: string;
  mvn: string;
  javaVersion: string;
  /** Where the JDK came from, for the log: "--java-home /x", "JAVA_HOME", "PATH", "/usr/lib/jvm/y". */
  javaFrom: string;
}

/** URL of a running cluster given in EVFORGE_TEST_NODE, if any. */
export function clusterFromEnv(): string | undefined {
  const url = process.env[ENV_VAR]?.trim();
  return url ? url.replace(/\/+$/, '') : undefined;
}

/** Cluster from EVFORGE_TEST_NODE (stop() is a no-op), else a fresh one from startCluster(). */
export async function useCluster(opts: StartOptions = {}): Promise<Cluster> {
  const url = clusterFromEnv();
  if (url === undefined) return startCluster(opts);
  const health = await getJson<{ number_of_nodes: number }>(`${url}/_cluster/health`);
  const info = await getJson<{ version: { number: string } }>(`${url}/`);
  return { url, version: info.version.number, nodes: health.number_of_nodes, pid: [], dataDir: '', logFiles: [], stop: async () => {} };
}

export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  const n = opts.nodes ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`nodes must be an integer 1..9, got ${n}`);
  const log = opts.log ?? (() => {});
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  const t0 = Date.now();

  const tools = await checkPrerequisites(opts);
  log(`OpenSearch ${tools.version} on Java ${tools.javaVersion} (${tools.javaFrom})`);
  const classpath = await prepareLauncher(tools, log);
  opts.signal?.throwIfAborted();

  const logDir = opts.logDir ?? pickLogDir();
  mkdirSync(logDir, { recursive: true });
  for (const entry of readdirSync(logDir)) {
    const k = /^node-(\d+)\.log$/.exec(entry)?.[1];
    if (k !== undefined && Number(k) > n) rmSync(join(logDir, entry), { force: true });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'evforge-cluster-'));
  const clusterName = `evforge-test-${randomBytes(4).toString('hex')}`;
  const taken = new Set<number>();
  const httpPorts: number[] = [];
  const transportPorts: number[] = [];
  for (let i = 0; i < n; i++) {
    httpPorts.push(await freePort(taken, i === 0 ? opts.httpPort : undefined));
    transportPorts.push(await freePort(taken));
  }
  const names = Array.from({ length: n }, (_, i) => `node-${i + 1}`);

  const children: ChildProcess[] = [];
  const logFiles: string[] = [];
  const cleanup = async (): Promise<void> => {
    await stopProcesses(children.map((c) => c.pid).filter((p): p is number => p !== undefined), 0);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      const home = join(dataDir, name);
      mkdirSync(join(home, 'tmp'), { recursive: true });
      const settings: Record<string, string | number | boolean> = {
        'path.home': home,
        'node.name': name,
        'cluster.name': clusterName,
        'node.roles': 'cluster_manager,data,ingest',
        'network.host': '127.0.0.1',
        'http.port': httpPorts[i]!,
        'transport.port': transportPorts[i]!,
        'cluster.routing.allocation.disk.threshold_enabled': 'false',
      };
      if (n > 1) {
        // @see https://opensearch.org/docs/2.19/tuning-your-cluster/index/
        settings['discovery.seed_hosts'] = transportPorts.map((p) => `127.0.0.1:${p}`).join(',');
        settings['cluster.initial_cluster_manager_nodes'] = names.join(',');
      } else {
        settings['discovery.type'] = 'single-node';
      }
      Object.assign(settings, opts.settings);
      const args = [
        ...(opts.heap ? [`-Xms${opts.heap}`, `-Xmx${opts.heap}`] : ['-Xms512m', '-Xmx1g']),
        ...JVM_FLAGS,
        ...VERSIONS[tools.version].jvmFlags,
        `-Djava.io.tmpdir=${join(home, 'tmp')}`,
        '-cp',
        classpath,
        MAIN_CLASS,
        ...Object.entries(settings).map(([k, v]) => `-E${k}=${v}`),
      ];
      const logFile = join(logDir, `${name}.log`);
      logFiles.push(logFile);
      const fd = openSync(logFile, 'w');
      log(`starting ${name}: http 127.0.0.1:${httpPorts[i]}, log ${relative(ROOT, logFile)}`);
      const child = spawn(tools.java, args, { stdio: ['ignore', fd, fd], detached: opts.detached ?? false });
      closeSync(fd);
      children.push(child);
      child.on('error', () => {});
      if (opts.detached) child.unref();
    }
    if (!opts.detached) trackAttached(children, dataDir);

    const urls = await Promise.all(children.map((c, i) => waitForReady(c, logFiles[i]!, deadline, opts.signal)));
    const url = urls[0]!;
    const status = await waitForHealth(url, opts.waitForStatus ?? 'yellow', n, deadline, opts.signal).catch((err: unknown) => {
      throw new Error(`${errorMessage(err)}${logFiles.map((f) => `\n${tailSection(f)}`).join('')}`);
    });
    // Guards against the pom's profile and VERSIONS drifting apart.
    const info = await getJson<{ version: { number: string } }>(`${url}/`);
    if (info.version.number !== tools.version) {
      throw new Error(`asked for OpenSearch ${tools.version} but the node reports ${info.version.number}: check the ${VERSIONS[tools.version].line} profile in ${relative(ROOT, POM)}`);
    }
    log(`cluster ready at ${url} (OpenSearch ${tools.version}, ${n} node${n > 1 ? 's' : ''}, ${status}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

    let stopping: Promise<void> | undefined;
    return {
      url,
      version: tools.version,
      nodes: n,
      pid: children.map((c) => c.pid!),
      dataDir,
      logFiles,
      stop: () => {
        stopping ??= (async () => {
          await stopProcesses(children.map((c) => c.pid!));
          rmSync(dataDir, { recursive: true, force: true });
          untrackAttached(dataDir);
          if (logDir !== STATE_DIR && relative(STATE_DIR, logDir).startsWith('run-')) rmSync(logDir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    untrackAttached(dataDir);
    throw err;
  }
}

/** The version asked for (option, else $EVFORGE_OPENSEARCH_VERSION, else 2.19.1), or an Error naming the choices. */
export function resolveVersion(version?: string): OpenSearchVersion {
  const fromEnv = process.env[VERSION_ENV]?.trim();
  const v = version ?? (fromEnv || DEFAULT_VERSION);
  if (Object.hasOwn(VERSIONS, v)) return v as OpenSearchVersion;
  const where = version !== undefined ? `--version ${v}` : `${VERSION_ENV}=${v}`;
  throw new Error(`${where}: the test cluster runs OpenSearch ${Object.keys(VERSIONS).join(' or ')}; give one of those`);
}

/** A JDK of at least the version's Java (java and javac) and Maven, or an Error saying what is missing and how to fix it. */
export async function checkPrerequisites(opts: Pick<StartOptions, 'version' | 'javaHome'> = {}): Promise<Tools> {
  const version = resolveVersion(opts.version);
  const jdk = await findJdk(VERSIONS[version].minJava, `OpenSearch ${version}`, opts.javaHome);
  try {
    await run('mvn', ['-v']);
  } catch (err) {
    throw new Error(
      `Apache Maven is required to fetch the OpenSearch jars for the test cluster: install maven ` +
        `(Debian/Ubuntu: sudo apt-get install maven; macOS: brew install maven; or https://maven.apache.org/install.html). [mvn -v failed: ${errorMessage(err)}]`,
    );
  }
  return { version, ...jdk, mvn: 'mvn' };
}

interface Jdk {
  java: string;
  javac: string;
  javaVersion: string;
  javaFrom: string;
}

/**
 * A JDK whose Java is at least `min`. A JDK named explicitly (javaHome, else $EVFORGE_JAVA_HOME) is
 * the only one tried. Otherwise $JAVA_HOME (or the java on PATH) if new enough, else the newest JDK
 * in the usual install folders (Debian/Ubuntu /usr/lib/jvm, macOS /Library/Java/JavaVirtualMachines,
 * SDKMAN ~/.sdkman/candidates/java).
 */
export async function findJdk(min: number, forWhat: string, javaHome?: string): Promise<Jdk> {
  const install =
    `install a JDK ${min}+ (Debian/Ubuntu: sudo apt-get install openjdk-${min}-jdk; macOS: brew install openjdk@${min}; or https://adoptium.net) ` +
    `and pass --java-home DIR (npm run cluster -- start) or set ${JAVA_HOME_ENV}=DIR`;
  const explicit = javaHome ?? (process.env[JAVA_HOME_ENV]?.trim() || undefined);
  if (explicit !== undefined) {
    const from = javaHome !== undefined ? `--java-home ${explicit}` : `${JAVA_HOME_ENV}=${explicit}`;
    const jdk = await probeJdk(explicit, from);
    if (typeof jdk === 'string') throw new Error(`${from}: ${jdk}; ${forWhat} needs a JDK ${min}+: ${install}`);
    if (jdk.major < min) throw new Error(`${from} is Java ${jdk.javaVersion}, but ${forWhat} needs Java ${min}+: ${install}`);
    return jdk;
  }
  const seen: string[] = [];
  const envHome = process.env.JAVA_HOME?.trim() || undefined;
  const first = await probeJdk(envHome, envHome ? 'JAVA_HOME' : 'PATH');
  if (typeof first === 'string') {
    // A JAVA_HOME that is set but broken is a mistake to fix, not to step over.
    if (envHome) throw new Error(`JAVA_HOME=${envHome}: ${first}; fix or unset it, or ${install}`);
    seen.push(`java on PATH: ${first}`);
  } else if (first.major >= min) {
    return first;
  } else {
    seen.push(`${envHome ? `JAVA_HOME=${envHome}` : 'java on PATH'}: Java ${first.javaVersion}`);
  }
  const found: (Jdk & { major: number })[] = [];
  for (const home of jdkDirs()) {
    const jdk = await probeJdk(home, home);
    if (typeof jdk !== 'string' && jdk.major >= min) found.push(jdk);
    else seen.push(`${home}: ${typeof jdk === 'string' ? jdk : `Java ${jdk.javaVersion}`}`);
  }
  found.sort((x, y) => y.major - x.major);
  if (found[0]) return found[0];
  throw new Error(`${forWhat} needs a Java ${min}+ JDK (java and javac) and none was found (${seen.join('; ')}): ${install}`);
}

/** JDK homes in the usual install folders, each once. */
function jdkDirs(): string[] {
  const roots = ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines', join(homedir(), '.sdkman', 'candidates', 'java')];
  const homes = new Set<string>();
  for (const root of roots) {
    let entries: string[];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const dir = join(root, entry);
      const home = existsSync(join(dir, 'Contents', 'Home', 'bin')) ? join(dir, 'Contents', 'Home') : dir;
      if (!existsSync(join(home, 'bin', 'java'))) continue;
      try {
        homes.add(realpathSync(home));
      } catch {
        // dangling link
      }
    }
  }
  return [...homes];
}

/** java -version and javac -version of a JDK home (or of PATH when home is undefined), or why not. */
async function probeJdk(home: string | undefined, from: string): Promise<(Jdk & { major: number }) | string> {
  const java = home ? join(home, 'bin', 'java') : 'java';
  const javac = home ? join(home, 'bin', 'javac') : 'javac';
  let out: string;
  try {
    out = (await run(java, ['-version'])).stderr;
  } catch (err) {
    return home && !existsSync(java) ? `no JDK there (${java} is missing)` : `${java} -version failed (${errorMessage(err).split('\n')[0]})`;
  }
  const javaVersion = /version "([^"]+)"/.exec(out)?.[1] ?? '';
  const parts = javaVersion.split('.');
  const major = Number.parseInt((parts[0] === '1' ? parts[1] : parts[0]) ?? '', 10);
  if (!Number.isFinite(major)) return `${java} -version printed no version ("${out.trim().split('\n')[0]}")`;
  try {
    await run(javac, ['-version']);
  } catch {
    return `Java ${javaVersion} without javac (a JRE, not a JDK)`;
  }
  return { java, javac, javaVersion, javaFrom: from, major };
}

/**
 * Resolves the classpath with Maven and compiles the launcher, cached under
 * .evforge/cluster/build/<hash of pom.xml + launcher source>/.
 * @see https://maven.apache.org/plugins/maven-dependency-plugin/build-classpath-mojo.html
 */
async function prepareLauncher(tools: Tools, log: (s: string) => void): Promise<string> {
  const { line, minJava } = VERSIONS[tools.version];
  const sources = [join(LAUNCHER_DIR, 'src', 'main', PACKAGE_PATH, 'EvforgeNode.java'), join(LAUNCHER_DIR, 'src', line, PACKAGE_PATH, 'Line.java')];
  const hasher = createHash('sha256').update(readFileSync(POM));
  for (const src of sources) hasher.update(readFileSync(src));
  const hash = hasher.digest('hex').slice(0, 16);
  const buildRoot = join(STATE_DIR, 'build', tools.version);
  const dir = join(buildRoot, hash);
  const read = (d: string): string => `${join(d, 'classes')}${pathDelimiter()}${readFileSync(join(d, 'classpath.txt'), 'utf8').trim()}`;
  // Reuse unless a jar has since left the local Maven repository.
  if (existsSync(join(dir, 'classpath.txt')) && read(dir).split(pathDelimiter()).every((p) => existsSync(p))) return read(dir);

  const tmp = join(buildRoot, `${hash}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(tmp, 'classes'), { recursive: true });
  try {
    log(`resolving OpenSearch ${tools.version} jars with Maven (first run only)…`);
    const cpFile = join(tmp, 'classpath.part');
    await run(tools.mvn, ['-q', '-B', '-Dstyle.color=never', '-f', POM, '-P', line, 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], {
      what: `Maven could not resolve the OpenSearch ${tools.version} jars`,
    });
    const deps = readFileSync(cpFile, 'utf8').trim();
    log('compiling launcher…');
    await run(tools.javac, ['--release', String(minJava), '-nowarn', '-cp', deps, '-d', join(tmp, 'classes'), ...sources], {
      what: 'javac failed to compile the test cluster launcher',
    });
    writeFileSync(join(tmp, 'classpath.txt'), deps);
    try {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch {
      // Built concurrently by another process: keep theirs.
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const entry of readdirSync(buildRoot)) {
    if (entry !== hash && !entry.includes('.tmp-')) rmSync(join(buildRoot, entry), { recursive: true, force: true });
  }
  // Builds of other versions stay; anything else there is from an older layout.
  for (const entry of readdirSync(join(buildRoot, '..'))) {
    if (!Object.hasOwn(VERSIONS, entry) && !entry.includes('.tmp-')) rmSync(join(buildRoot, '..', entry), { recursive: true, force: true });
  }
  return read(dir);
}

/** Sends SIGTERM, waits up to graceMs, then SIGKILL. */
export async function stopProcesses(pids: number[], graceMs = 30_000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const alive = (): number[] => pids.filter(isNodeProcess);
  for (const pid of alive()) signal(pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const until = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < until) await sleep(100);
  const left = alive();
  for (const pid of left) signal(pid, 'SIGKILL');
  const killUntil = Date.now() + 10_000;
  while (alive().length > 0 && Date.now() < killUntil) await sleep(100);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True if pid is a live (non-zombie) EvforgeNode JVM; without /proc, true if the pid exists. */
export function isNodeProcess(pid: number): boolean {
  if (existsSync('/proc/self/cmdline')) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
      return cmdline.includes(MAIN_CLASS) && state !== 'Z';
    } catch {
      return false;
    }
  }
  return pidExists(pid);
}

export function readState(): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** The CLI-started cluster if any of its JVMs is alive. */
export function runningState(): ClusterState | undefined {
  const state = readState();
  return state && state.pids.some(isNodeProcess) ? state : undefined;
}

async function waitForReady(child: ChildProcess, logFile: string, deadline: number, signal?: AbortSignal): Promise<string> {
  for (;;) {
    const url = READY_RE.exec(readLog(logFile))?.[1];
    if (url) return url;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`OpenSearch node exited (${child.exitCode ?? child.signalCode}) before binding its HTTP port\n${tailSection(logFile)}`);
    }
    if (signal?.aborted) throw new Error('cluster start aborted');
    if (Date.now() > deadline) throw new Error(`OpenSearch node did not bind its HTTP port in time\n${tailSection(logFile)}`);
    await sleep(200);
  }
}

/** Resolves with the reached status (at least `status`). */
async function waitForHealth(url: string, status: HealthStatus, nodes: number, deadline: number, signal?: AbortSignal): Promise<string> {
  let last = '';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('cluster start aborted');
    const wait = Math.max(1, Math.min(30, Math.floor((deadline - Date.now()) / 1000)));
    try {
      const res = await fetch(`${url}/_cluster/health?wait_for_status=${status}&wait_for_nodes=${nodes}&timeout=${wait}s`, {
        signal: AbortSignal.timeout((wait + 10) * 1000),
      });
      const body = (await res.json()) as { status?: string; number_of_nodes?: number; timed_out?: boolean };
      if (res.ok && body.timed_out === false) return body.status ?? status;
      last = `status ${body.status}, ${body.number_of_nodes} node(s)`;
    } catch (err) {
      last = errorMessage(err);
      await sleep(500);
    }
  }
  throw new Error(`cluster at ${url} did not reach ${status} with ${nodes} node(s) in time (last: ${last})`);
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function freePort(taken: Set<number>, preferred?: number): Promise<number> {
  const tryPort = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : undefined;
        srv.close(() => resolve(got));
      });
    });
  return (async () => {
    if (preferred !== undefined && !taken.has(preferred) && (await tryPort(preferred)) === preferred) {
      taken.add(preferred);
      return preferred;
    }
    for (let i = 0; i < 20; i++) {
      const port = await tryPort(0);
      if (port !== undefined && !taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
    throw new Error('no free TCP port on 127.0.0.1');
  })();
}

// Clusters started without `detached` die with this process.
const attached = new Map<string, ChildProcess[]>();
const usedLogDirs = new Set<string>();
let exitHookInstalled = false;

function trackAttached(children: ChildProcess[], dataDir: string): void {
  attached.set(dataDir, children);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [dir, procs] of attached) {
      for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function untrackAttached(dataDir: string): void {
  attached.delete(dataDir);
}

/** .evforge/cluster/, unless its node-N.log files belong to a live cluster. */
function pickLogDir(): string {
  for (const entry of existsSync(STATE_DIR) ? readdirSync(STATE_DIR) : []) {
    const owner = /^run-(\d+)-\d+$/.exec(entry)?.[1];
    if (owner !== undefined && Number(owner) !== process.pid && !pidExists(Number(owner))) {
      rmSync(join(STATE_DIR, entry), { recursive: true, force: true });
    }
  }
  const busy = new Set(usedLogDirs);
  const state = runningState();
  if (state) for (const f of state.logFiles ?? []) busy.add(join(f, '..'));
  let dir = STATE_DIR;
  for (let k = 1; busy.has(dir); k++) dir = join(STATE_DIR, `run-${process.pid}-${k}`);
  usedLogDirs.add(dir);
  return dir;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tailSection(file: string): string {
  const lines = readLog(file).trimEnd().split('\n').slice(-LOG_TAIL_LINES);
  return `--- last ${lines.length} lines of ${relative(ROOT, file)} ---\n${lines.join('\n')}`;
}

function run(cmd: string, args: string[], opts: { what?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 32 * 1024 * 1024, cwd: ROOT }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      if (!opts.what) return reject(err);
      const out = `${stdout}\n${stderr}`.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      reject(new Error(`${opts.what} (${cmd} ${args.join(' ')}):\n${out}`));
    });
  });
}

function pathDelimiter(): string {
  return process.platform === 'win32' ? ';' : ':';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
