import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { FileError, UsageError } from '../errors.ts';
import type { ConnectionOptions } from '../io/cluster/client.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { decodeCredential, redactUrl } from '../io/cluster/errors.ts';
import type { CommandContext } from './context.ts';

export interface ClusterArgs {
  node?: string;
  username?: string;
  password?: string;
  'api-key'?: string;
  ca?: string;
  insecure?: boolean;
  kibana?: string;
  namespace: string;
  timeout: number;
}

/** Environment variables read when the flag is absent (so secrets need not be typed on a command line). */
export const ENV = {
  node: 'EVFORGE_NODE',
  username: 'EVFORGE_USERNAME',
  password: 'EVFORGE_PASSWORD',
  apiKey: 'EVFORGE_API_KEY',
  kibana: 'EVFORGE_KIBANA',
} as const;

export function withClusterOptions<T>(y: Argv<T>): Argv<T & ClusterArgs> {
  return y
    .option('node', { type: 'string', describe: `Cluster URL (or ${ENV.node})` })
    .option('username', { type: 'string', describe: `Basic auth user (or ${ENV.username})` })
    .option('password', { type: 'string', describe: `Basic auth password (or ${ENV.password}; prefer the variable)` })
    .option('api-key', { type: 'string', describe: `API key (or ${ENV.apiKey})` })
    .option('ca', { type: 'string', describe: 'PEM file of the CA that signed the cluster certificate' })
    .option('insecure', { type: 'boolean', describe: 'Skip TLS certificate verification (not recommended)' })
    .option('kibana', { type: 'string', describe: `Kibana URL, to push Elastic Security rules (or ${ENV.kibana})` })
    .option('namespace', { type: 'string', default: 'default', describe: 'Data stream namespace: logs-<dataset>-<namespace>' })
    .option('timeout', { type: 'number', default: 30, describe: 'Request timeout in seconds' }) as unknown as Argv<T & ClusterArgs>;
}

/**
 * A number option: finite, within bounds, an integer where asked. yargs turns `abc` into NaN and a
 * repeated flag into an array; both are refused here, on one line.
 */
export function checkNumber(flag: string, value: unknown, o: { min: number; max: number; integer?: boolean; unit?: string }): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= o.min && value <= o.max && (!o.integer || Number.isInteger(value));
  if (!ok) {
    const shown = Array.isArray(value) ? `${value.length} values` : typeof value === 'number' ? (Number.isNaN(value) ? 'not a number' : String(value)) : JSON.stringify(value);
    throw new UsageError(`${flag} must be ${o.integer ? 'a whole number' : 'a number'} from ${o.min} to ${o.max}${o.unit ? ` ${o.unit}` : ''}, got ${shown}`, `e.g. ${flag} ${o.min === 0 ? 1 : o.min}`);
  }
  return value;
}

/**
 * A data stream name or namespace, with the engines' index name rules: not empty, lowercase, none
 * of `\ / * ? " < > | , # :` or whitespace, not starting with `_ - +`, not `.` or `..`, at most
 * 255 bytes. A namespace also has the data stream naming scheme's: no `-` (it separates the three
 * parts), at most 100 bytes.
 * @see https://opensearch.org/docs/latest/api-reference/index-apis/create-index/#index-naming-restrictions
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html#data-streams-naming-scheme
 */
export function checkIndexName(flag: string, name: unknown, kind: 'namespace' | 'data stream'): string {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} ${JSON.stringify(name)} is not a valid ${kind}: ${why}`, kind === 'namespace' ? 'e.g. --namespace default, or prod, team.a (lowercase letters, digits, . and _)' : 'e.g. --data-stream logs-windows.ntlm-default');
  };
  if (typeof name !== 'string') return fail(Array.isArray(name) ? 'given more than once' : 'not text');
  if (name === '') fail('it is empty');
  if (name !== name.toLowerCase()) fail('it must be lowercase');
  const bad = /[\\/*?"<>|,#:\s]/.exec(name);
  if (bad) fail(`it contains ${JSON.stringify(bad[0])}`);
  if (/^[-_+]/.test(name)) fail(`it starts with ${JSON.stringify(name[0])}`);
  if (name === '.' || name === '..') fail('it is . or ..');
  const bytes = Buffer.byteLength(name);
  if (kind === 'namespace' && name.includes('-')) fail('it contains "-", which separates type, dataset and namespace');
  if (bytes > (kind === 'namespace' ? 100 : 255)) fail(`it is ${bytes} bytes long (at most ${kind === 'namespace' ? 100 : 255})`);
  return name;
}

/** The cluster options that need no cluster to check: commands call this before anything else. */
export function checkClusterArgs(args: ClusterArgs): void {
  checkIndexName('--namespace', args.namespace, 'namespace');
  checkNumber('--timeout', args.timeout, { min: 0.001, max: 3600, unit: 'seconds' });
}

const LOCAL_HINT = 'for a local test node: `npm run cluster -- start`, then pass the URL it prints (e.g. --node http://127.0.0.1:9250)';

/** Flags and environment → connection options; conflicting or missing ones are usage errors. */
export async function connectionOptions(args: ClusterArgs, ctx: CommandContext): Promise<ConnectionOptions & { kibana?: string }> {
  checkClusterArgs(args);
  const node = args.node ?? ctx.env[ENV.node];
  if (!node) throw new UsageError('no cluster given: pass --node URL', LOCAL_HINT);
  for (const [flag, url] of [['--node', node], ['--kibana', args.kibana ?? ctx.env[ENV.kibana]]] as const) {
    if (url === undefined) continue;
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    const shown = redactUrl(url);
    if (!ok) throw new UsageError(`${flag} ${shown === url ? JSON.stringify(url) : shown} is not an http(s) URL`, `pass ${flag} http(s)://host:port (credentials as http://user:password@host:port, percent-encoded, or --username and ${ENV.password})`);
  }
  // A user name in the URL counts as --username, so EVFORGE_PASSWORD can go with it.
  const inUrl = new URL(node);
  const urlUser = decodeCredential(inUrl.username) || undefined;
  const username = args.username ?? ctx.env[ENV.username] ?? urlUser;
  const password = args.password ?? ctx.env[ENV.password];
  const apiKey = args['api-key'] ?? ctx.env[ENV.apiKey];
  if (apiKey && (args.username || args.password)) throw new UsageError('--api-key and --username/--password are alternatives', 'pass one way to authenticate');
  if (password !== undefined && username === undefined && !apiKey) throw new UsageError('--password given without --username', `pass --username (or ${ENV.username})`);
  if (args.insecure && args.ca) throw new UsageError('--insecure and --ca contradict each other', 'with --ca the certificate is verified against that CA; drop --insecure');
  let ca: string | undefined;
  if (args.ca) {
    const path = resolve(ctx.cwd, args.ca);
    try {
      ca = await readFile(path, 'utf8');
    } catch (err) {
      throw new FileError(args.ca, `cannot read CA file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'pass the PEM file of the CA that signed the cluster certificate');
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new FileError(args.ca, 'is not a PEM certificate', 'pass a PEM file (-----BEGIN CERTIFICATE-----)');
  }
  const kibana = args.kibana ?? ctx.env[ENV.kibana];
  return {
    node,
    ...(apiKey ? { apiKey } : {}),
    ...(!apiKey && username !== undefined ? { username, password: password ?? decodeCredential(inUrl.password) } : {}),
    ...(ca ? { ca } : {}),
    ...(args.insecure ? { insecure: true } : {}),
    requestTimeoutMs: args.timeout * 1000,
    ...(kibana ? { kibana } : {}),
  };
}

/** Connects with the engine's official client. Loaded on demand: generate and check never need one. */
export async function connect(args: ClusterArgs, ctx: CommandContext): Promise<Cluster> {
  const options = await connectionOptions(args, ctx);
  const { Cluster } = await import('../io/cluster/cluster.ts');
  return Cluster.connect(options);
}
