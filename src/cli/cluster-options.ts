import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv, InferredOptionTypes, Options } from 'yargs';
import { FileError, UsageError } from '../errors.ts';
import { messageOf, valueAt } from '../guards.ts';
import type { ConnectionOptions } from '../io/cluster/client.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { decodeCredential, redactUrl } from '../io/cluster/errors.ts';
import { checkIndexName } from '../plan/names.ts';
import type { CommandContext } from './context.ts';

/** Environment variables read when the flag is absent (so secrets need not be typed on a command line). */
export const ENV = {
  node: 'EVFORGE_NODE',
  username: 'EVFORGE_USERNAME',
  password: 'EVFORGE_PASSWORD',
  apiKey: 'EVFORGE_API_KEY',
  kibana: 'EVFORGE_KIBANA',
} as const;

/** The connection flags every cluster command takes; `ClusterArgs` is read from this table. */
const CLUSTER_OPTIONS = {
  node: { type: 'string', describe: `Cluster URL (or ${ENV.node})` },
  username: { type: 'string', describe: `Basic auth user (or ${ENV.username})` },
  password: { type: 'string', describe: `Basic auth password (or ${ENV.password}; prefer the variable)` },
  'api-key': { type: 'string', describe: `API key (or ${ENV.apiKey})` },
  ca: { type: 'string', describe: 'PEM file of the CA that signed the cluster certificate' },
  insecure: { type: 'boolean', describe: 'Skip TLS certificate verification (not recommended)' },
  kibana: { type: 'string', describe: `Kibana URL, to push Elastic Security rules (or ${ENV.kibana})` },
  namespace: { type: 'string', default: 'default', describe: 'Data stream namespace: logs-<dataset>-<namespace>' },
  timeout: { type: 'number', default: 30, describe: 'Request timeout in seconds' },
} as const satisfies Record<string, Options>;

export type ClusterArgs = InferredOptionTypes<typeof CLUSTER_OPTIONS>;

export function withClusterOptions<T>(y: Argv<T>): Argv<Omit<T, keyof ClusterArgs> & ClusterArgs> {
  return y.options(CLUSTER_OPTIONS);
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

/** Index name rules live with the plan (the library checks them too); re-exported for the commands. */

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
      throw new FileError(args.ca, `cannot read CA file (${errorCode(err)})`, 'pass the PEM file of the CA that signed the cluster certificate');
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

/** A file system error's code (`ENOENT`), else the message of whatever was thrown. */
function errorCode(err: unknown): string {
  const code = valueAt(err, 'code');
  return typeof code === 'string' ? code : messageOf(err);
}

/** Connects with the engine's official client. Loaded on demand: generate and check never need one. */
export async function connect(args: ClusterArgs, ctx: CommandContext): Promise<Cluster> {
  const options = await connectionOptions(args, ctx);
  const { Cluster } = await import('../io/cluster/cluster.ts');
  return Cluster.connect(options);
}
