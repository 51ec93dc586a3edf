import { SingleBar } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import { objectNames } from '../../generate/naming.ts';
import type { Cluster } from '../../io/cluster/cluster.ts';
import { ENCODINGS, encodingNamed, type TextEncoding } from '../../io/formats/decode.ts';
import { FORMAT_NAMES } from '../../io/formats/input.ts';
import { releaseScan, scanFiles, sendEvents, type ReplayedFile, type ReplayResult, type ScannedFiles } from '../../api/replay/replay.ts';
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
  encoding?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The data stream to fill: the one named, or the only one the definitions make. */
async function dataStreamOf(args: ReplayArgs, cwd: string): Promise<string> {
  const named = args['data-stream'];
  if (named !== undefined) return named;
  // Loaded only here: with --data-stream, replay never reads a definition.
  const [{ selectDefinitions }, { datasetsOf }] = await Promise.all([import('../../api/definitions.ts'), import('../../render/dataset.ts')]);
  const { definitions } = await selectDefinitions(args.definition ? [args.definition] : [], cwd);
  const { datasets } = datasetsOf(definitions);
  const [dataset] = datasets;
  if (!dataset || datasets.length !== 1) throw new UsageError(`${datasets.length} data streams found in the definitions: say which one to fill`, 'pass --definition examples/<event>.ts or --data-stream logs-<dataset>-<namespace>');
  return objectNames(dataset.name).dataStream(args.namespace);
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
  let encoding: TextEncoding | undefined;
  if (args.encoding !== undefined) {
    encoding = encodingNamed(args.encoding);
    if (!encoding) throw new UsageError(`--encoding ${JSON.stringify(args.encoding)} is not an encoding replay reads`, `pass one of ${ENCODINGS.join(', ')} (a byte-order mark is read without it)`);
  }

  // The files are checked (on a thread of their own when big) while the data stream's name is
  // worked out and the cluster connected; the files' error wins, then the definitions', then the cluster's.
  const scanning = scanFiles(args.files, ctx.cwd, encoding ? { encoding } : {});
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
    await scanning.then(releaseScan, () => undefined);
    await connected.then(
      (c) => c.close(),
      () => undefined,
    );
    throw err;
  }
  let cluster: Cluster;
  try {
    cluster = await connected;
  } catch (err) {
    releaseScan(scanned);
    throw err;
  }
  return sendAndReport(cluster, scanned, dataStream, args, ctx);
}

async function sendAndReport(cluster: Cluster, scanned: ScannedFiles, dataStream: string, args: ReplayArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  try {
    o.out(`Replaying ${plural(scanned.total, 'event')} from ${plural(scanned.files.length, 'file')} into ${dataStream} on ${describeCluster(cluster)}`);
    for (const f of scanned.files) {
      const encoding = f.scan.encoded.encoding === 'utf-8' ? '' : ` (${f.scan.encoded.encoding})`;
      if (f.scan.format !== 'json') o.out(`  ${f.label}: ${FORMAT_NAMES[f.scan.format]}${encoding}, ${plural(f.scan.count, 'event')}, converted to the system + event_data shape`);
      else if (encoding) o.out(`  ${f.label}: JSON events${encoding}, ${plural(f.scan.count, 'event')}`);
    }
    const bar = o.isTTY && scanned.total > 0 ? new SingleBar({ format: '  {bar} {percentage}% | {value}/{total} sent | {eta_formatted} left', hideCursor: true }) : undefined;
    bar?.start(scanned.total, 0);
    let r: ReplayResult;
    try {
      r = await sendEvents(cluster, scanned, { dataStream, batchBytes: args['batch-bytes'], concurrency: args.concurrency, onProgress: (sent) => bar?.update(sent) });
    } finally {
      bar?.stop();
    }
    return report(r, o);
  } finally {
    releaseScan(scanned);
    await cluster.close();
  }
}

/** The summary: always printed, whatever happened while sending. */
function report(r: ReplayResult, o: CommandContext['output']): ExitCode {
  o.out(`sent ${r.sent}, indexed ${r.indexed}, already present ${r.alreadyPresent}, failed ${r.failed}${r.retried ? ` (${r.retried} retried)` : ''}`);
  if (r.unrecognized !== undefined && r.unrecognized > 0) o.out(`  ${r.unrecognized} stored unrecognized (evforge.unrecognized: true): no definition of ${r.dataStream} matches their provider, event id and channel`);
  for (const f of r.files) {
    const note = recognitionNote(f, r.dataStream);
    if (note) o.out(`  ⚠ ${note}`);
  }
  if (r.numbersAsText.events > 0) o.out(`  ${r.numbersAsText.events} with numbers other than 64-bit integers (decimals, beyond 64 bits, -0), sent as strings of their exact text, e.g.:`);
  for (const e of r.numbersAsText.examples) o.out(`    ${e}`);
  if (r.repeatedKeys.events > 0) o.out(`  ${r.repeatedKeys.events} with a repeated key: the last value kept, earlier ones in evforge.invalid (event.kind: pipeline_error):`);
  for (const e of r.repeatedKeys.examples) o.out(`    ${e}`);
  if (r.failureRecords.events > 0) {
    o.out(`  ${r.failureRecords.events} refused by the engine and kept as failure records (event.kind: pipeline_error, the event whole in event.original), e.g.:`);
    for (const e of r.failureRecords.examples) o.out(`    ${e}`);
  }
  for (const f of r.failures.slice(0, 5)) o.out(`  ✖ ${f.origin}: ${f.status ? `HTTP ${f.status} ` : ''}${f.type}: ${f.reason}`);
  if (r.failed > 5) o.out(`  … and ${r.failed - 5} more`);
  for (const f of r.files) if (f.notSent) o.out(`  ${notSentNote(f.label, f.notSent)}`);
  for (const w of r.warnings) o.out(`  ⚠ ${w}`);
  let ok = r.failed === 0;
  if (r.error !== undefined) o.err(`✖ the bulk run stopped: ${r.error}`);
  if (r.notSent > 0) {
    o.err(`✖ ${plural(r.notSent, 'checked event')} not sent${r.error !== undefined ? ' (the run stopped)' : ''}: replay the files again to send them (what was sent counts as already present)`);
    ok = false;
  }
  if (r.unaccounted !== 0 || r.aborted) {
    o.err(`✖ ${r.unaccounted} document(s) are unaccounted for${r.aborted ? ' (the bulk run was aborted)' : ''}`);
    ok = false;
  }
  // A request the cluster failed stopped the run: the cluster's exit code, after the counts.
  if (r.error !== undefined) return ExitCode.cluster;
  return ok ? ExitCode.ok : ExitCode.failure;
}

/** A warning when the data stream recognized none of a file's sampled events. */
function recognitionNote(f: ReplayedFile, dataStream: string): string | undefined {
  const s = f.recognized;
  if (!s || s.sampled === 0 || s.recognized > 0) return undefined;
  const which = s.sampled < f.events ? `none of the first ${s.sampled} events of ${f.label} is` : f.events === 1 ? `the one event of ${f.label} is not` : `none of the ${f.events} events of ${f.label} is`;
  return `${which} recognized by ${dataStream} (stored with evforge.unrecognized: true): is it the data stream they belong in (--definition, --data-stream)?`;
}

function notSentNote(label: string, n: NonNullable<ReplayedFile['notSent']>): string {
  if (n.reason === 'unreadable') return `✖ ${label}: ${n.detail ?? 'could not be read again'}: the rest of it was not sent`;
  const written = `${n.bytes} byte${n.bytes === 1 ? '' : 's'} (${plural(n.lines, 'line break')}) written after the check`;
  if (n.reason === 'unfinished') return `${label}:${n.line}: this event was still being written when replay checked the file: it and what follows (and ${written}) were not sent; replay the file again to send them`;
  return `${label}: grew while replay ran: from line ${n.line} on, ${written}, not checked and not sent; replay the file again to send them`;
}

const builder = (y: Argv) =>
  withClusterOptions(y)
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Event files' })
    .option('definition', { type: 'string', describe: 'Definition whose data stream to fill (default: the only data stream of the configured definitions)' })
    .option('data-stream', { type: 'string', describe: 'Data stream to fill, instead of the definition\'s' })
    .option('batch-bytes', { type: 'number', default: 5_000_000, describe: 'Bulk request size in bytes' })
    .option('concurrency', { type: 'number', default: 4, describe: 'Bulk requests in flight' })
    .option('encoding', { type: 'string', describe: `Text encoding of files without a byte-order mark: ${ENCODINGS.join(', ')} (default utf-8)` })
    .conflicts('definition', 'data-stream');

export const replayCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, ReplayArgs> => ({
  command: 'replay <files..>',
  describe: 'Bulk-index event files (NDJSON, JSON array or objects, Windows event XML, evtx_dump JSON) through the pipeline into the data stream',
  builder,
  handler: async (args) => setCode(await runReplay(args, ctx())),
});
