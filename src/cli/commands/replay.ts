import { SingleBar } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import { objectNames } from '../../generate/naming.ts';
import type { Cluster } from '../../io/cluster/cluster.ts';
import { FORMAT_NAMES } from '../../io/formats/input.ts';
import { scanFiles, sendEvents, type ScannedFiles } from '../../replay/replay.ts';
import { checkIndexName } from '../../plan/names.ts';
import { checkClusterArgs, checkNumber, connect, withClusterOptions, type ClusterArgs } from '../cluster-options.ts';
import type { CommandContext } from '../context.ts';
import { describeCluster } from '../render-plan.ts';

export interface ReplayArgs extends ClusterArgs {
  files: string[];
  definition?: string;
  'data-stream'?: string;
  'batch-bytes': number;
  concurrency: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The data stream to fill: the one named, or the only one the definitions make. */
async function dataStreamOf(args: ReplayArgs, cwd: string): Promise<string> {
  const named = args['data-stream'];
  if (named !== undefined) return named;
  // Loaded only here: with --data-stream, replay never reads a definition.
  const [{ selectDefinitions }, { bundleDefinitions }] = await Promise.all([import('../../api/definitions.ts'), import('../../render/bundle.ts')]);
  const { definitions } = await selectDefinitions(args.definition ? [args.definition] : [], cwd);
  const { bundles } = bundleDefinitions(definitions);
  const [bundle] = bundles;
  if (!bundle || bundles.length !== 1) throw new UsageError(`${bundles.length} data streams found in the definitions: say which one to fill`, 'pass --definition examples/<event>.ts or --data-stream logs-<dataset>-<namespace>');
  return objectNames(bundle).dataStream(args.namespace);
}

/**
 * Bulk-indexes event files through the pipeline into the data stream (src/replay/replay.ts): every
 * file is checked whole before anything is sent. Meanwhile the data stream's name is worked out and
 * the cluster connected, which mostly wait on other processes.
 */
export async function runReplay(args: ReplayArgs, ctx: CommandContext): Promise<ExitCode> {
  if (args.files.length === 0) throw new UsageError('no event files given', 'evforge replay --node URL events.ndjson [more files]');
  // Every option is checked before a file is read or a request sent.
  checkClusterArgs(args);
  checkNumber('--concurrency', args.concurrency, { min: 1, max: 64, integer: true });
  // OpenSearch and Elasticsearch refuse requests above http.max_content_length (100 MB by default).
  checkNumber('--batch-bytes', args['batch-bytes'], { min: 1024, max: 100_000_000, integer: true, unit: 'bytes' });
  if (args['data-stream'] !== undefined) checkIndexName('--data-stream', args['data-stream'], 'data stream');

  // The files are checked (on a thread of their own when big) while the data stream's name is
  // worked out and the cluster connected; the files' error wins, then the definitions', then the cluster's.
  const scanning = scanFiles(args.files, ctx.cwd);
  const stream = dataStreamOf(args, ctx.cwd);
  const connected = connect(args, ctx);
  // Awaited below, one after the other: none may count as unhandled meanwhile.
  void stream.catch(() => undefined);
  void connected.catch(() => undefined);
  let scanned: ScannedFiles;
  let dataStream: string;
  try {
    scanned = await scanning;
    dataStream = await stream;
  } catch (err) {
    await connected.then(
      (c) => c.close(),
      () => undefined,
    );
    throw err;
  }
  return sendAndReport(await connected, scanned, dataStream, args, ctx);
}

async function sendAndReport(cluster: Cluster, scanned: ScannedFiles, dataStream: string, args: ReplayArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  try {
    o.out(`Replaying ${plural(scanned.total, 'event')} from ${plural(scanned.files.length, 'file')} into ${dataStream} on ${describeCluster(cluster)}`);
    for (const f of scanned.files) {
      if (f.scan.format !== 'json') o.out(`  ${f.label}: ${FORMAT_NAMES[f.scan.format]}, ${plural(f.scan.count, 'event')}, converted to the system + event_data shape`);
    }
    const bar = o.isTTY ? new SingleBar({ format: '  {bar} {percentage}% | {value}/{total} sent | {eta_formatted} left', hideCursor: true }) : undefined;
    bar?.start(scanned.total, 0);
    const r = await sendEvents(cluster, scanned, { dataStream, batchBytes: args['batch-bytes'], concurrency: args.concurrency, onProgress: (sent) => bar?.update(sent) });
    bar?.stop();

    o.out(`sent ${r.sent}, indexed ${r.indexed}, already present ${r.alreadyPresent}, failed ${r.failed}${r.retried ? ` (${r.retried} retried)` : ''}`);
    if (r.numbersAsText.events > 0) o.out(`  ${r.numbersAsText.events} with numbers other than 64-bit integers (decimals, beyond 64 bits, -0), sent as strings of their exact text, e.g.:`);
    for (const e of r.numbersAsText.examples) o.out(`    ${e}`);
    if (r.repeatedKeys.events > 0) o.out(`  ${r.repeatedKeys.events} with a repeated key: the last value kept, earlier ones in evforge.invalid (event.kind: pipeline_error):`);
    for (const e of r.repeatedKeys.examples) o.out(`    ${e}`);
    if (r.failureRecords.events > 0) {
      o.out(`  ${r.failureRecords.events} refused by the engine and kept as failure records (event.kind: pipeline_error, the event whole in event.original), e.g.:`);
      for (const e of r.failureRecords.examples) o.out(`    ${e}`);
    }
    for (const f of r.failures.slice(0, 5)) o.out(`  ✖ ${f.origin}: HTTP ${f.status} ${f.type}: ${f.reason}`);
    if (r.failed > 5) o.out(`  … and ${r.failed - 5} more`);
    if (r.unaccounted !== 0 || r.aborted) {
      o.err(`✖ ${r.unaccounted} document(s) are unaccounted for${r.aborted ? ' (the bulk run was aborted)' : ''}`);
      return ExitCode.failure;
    }
    return r.failed === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await cluster.close();
  }
}

const builder = (y: Argv) =>
  withClusterOptions(y)
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Event files' })
    .option('definition', { type: 'string', describe: 'Definition whose data stream to fill (default: the only data stream of the configured definitions)' })
    .option('data-stream', { type: 'string', describe: 'Data stream to fill, instead of the definition\'s' })
    .option('batch-bytes', { type: 'number', default: 5_000_000, describe: 'Bulk request size in bytes' })
    .option('concurrency', { type: 'number', default: 4, describe: 'Bulk requests in flight' })
    .conflicts('definition', 'data-stream');

export const replayCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, ReplayArgs> => ({
  command: 'replay <files..>',
  describe: 'Bulk-index event files (NDJSON, JSON array or objects, Windows event XML, evtx_dump JSON) through the pipeline into the data stream',
  builder,
  handler: async (args) => setCode(await runReplay(args, ctx())),
});
