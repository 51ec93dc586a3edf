import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { FileError, UsageError } from '../errors.ts';
import type { ConnectionOptions } from '../io/cluster/client.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { redactUrl } from '../io/cluster/errors.ts';
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

const LOCAL_HINT = 'for a local test node: `npm run cluster -- start`, then pass the URL it prints (e.g. --node http://127.0.0.1:9250)';

/** Flags and environment → connection options; conflicting or missing ones are usage errors. */
export async function connectionOptions(args: ClusterArgs, ctx: CommandContext): Promise<ConnectionOptions & { kibana?: string }> {
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
    if (!ok) throw new UsageError(`${flag} ${JSON.stringify(redactUrl(url))} is not an http(s) URL`, `pass ${flag} http(s)://host:port`);
  }
  const username = args.username ?? ctx.env[ENV.username];
  const password = args.password ?? ctx.env[ENV.password];
  const apiKey = args['api-key'] ?? ctx.env[ENV.apiKey];
  if (apiKey && (args.username || args.password)) throw new UsageError('--api-key and --username/--password are alternatives', 'pass one way to authenticate');
  if (password !== undefined && username === undefined && !apiKey) throw new UsageError('--password given without --username', `pass --username (or ${ENV.username})`);
  if (args.insecure && args.ca) throw new UsageError('--insecure and --ca contradict each other', 'with --ca the certificate is verified against that CA; drop --insecure');
  if (!(args.timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${args.timeout}`);
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
    ...(!apiKey && username !== undefined ? { username, password: password ?? '' } : {}),
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
