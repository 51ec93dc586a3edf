import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import { objectNames } from '../../generate/naming.ts';
import type { BulkDocument, BulkDrop } from '../../io/cluster/client.ts';
import { FORMAT_NAMES, readInput, scanInput, type InputScan } from '../../io/formats/input.ts';
import { prepareEvent } from '../../io/lossless.ts';
import { displayPath } from '../../io/loader.ts';
import type { Cluster } from '../../io/cluster/cluster.ts';
import { checkClusterArgs, checkIndexName, checkNumber, connect, withClusterOptions, type ClusterArgs } from '../cluster-options.ts';
import type { CommandContext } from '../context.ts';
import { describeCluster } from '../render-plan.ts';
import { renderSelection } from '../selection.ts';

export interface ReplayArgs extends ClusterArgs {
  files: string[];
  definition?: string;
  'data-stream'?: string;
  'batch-bytes': number;
  concurrency: number;
}

/**
 * Bulk-indexes event files through the pipeline into the data stream. Every file is read twice:
 * once to validate (a bad line stops everything before anything is sent), once to send; neither
 * pass holds more than one event in memory. Documents are sent as their original text, so integers
 * beyond 2^53 arrive exact.
 */
export async function runReplay(args: ReplayArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  if (args.files.length === 0) throw new UsageError('no event files given', 'evforge replay --node URL events.ndjson [more files]');
  // Every option is checked before a file is read or a request sent.
  checkClusterArgs(args);
  checkNumber('--concurrency', args.concurrency, { min: 1, max: 64, integer: true });
  // OpenSearch and Elasticsearch refuse requests above http.max_content_length (100 MB by default).
  checkNumber('--batch-bytes', args['batch-bytes'], { min: 1024, max: 100_000_000, integer: true, unit: 'bytes' });
  if (args['data-stream'] !== undefined) checkIndexName('--data-stream', args['data-stream'], 'data stream');
  const files = args.files.map((f) => ({ path: resolve(ctx.cwd, f), label: displayPath(resolve(ctx.cwd, f), ctx.cwd) }));

  // Pass 1 validates everything before anything is sent; pass 2 only splits and sends.
  // The format of each file is told by its content: JSON events, Windows event XML, evtx_dump JSON.
  const scans: InputScan[] = [];
  for (const f of files) scans.push(await scanInput(f.path, f.label));
  const total = scans.reduce((n, s) => n + s.count, 0);

  let stream = args['data-stream'];
  if (!stream) {
    const bundles = await renderSelection(args.definition ? [args.definition] : [], ctx.cwd);
    if (bundles.length !== 1) throw new UsageError(`${bundles.length} data streams found in the definitions: say which one to fill`, 'pass --definition examples/<event>.ts or --data-stream logs-<dataset>-<namespace>');
    stream = objectNames(bundles[0]!.bundle).dataStream(args.namespace);
  }

  const cluster = await connect(args, ctx);
  try {
    o.out(`Replaying ${total} event${total === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} into ${stream} on ${describeCluster(cluster)}`);
    for (const [i, s] of scans.entries()) if (s.format !== 'json') o.out(`  ${files[i]!.label}: ${FORMAT_NAMES[s.format]}, ${s.count} event${s.count === 1 ? '' : 's'}, converted to the system + event_data shape`);
    const settings = await cluster.resolvedIndexSettings(stream);
    if (!settings?.['default_pipeline']) {
      throw new UsageError(`no index template with a pipeline matches ${stream}`, 'run `npx evforge push --node …` first, so events go through the pipeline');
    }

    const bar = ctx.output.isTTY ? new SingleBar({ format: '  {bar} {percentage}% | {value}/{total} sent | {eta_formatted} left', hideCursor: true }) : undefined;
    bar?.start(total, 0);
    let sent = 0;
    let alreadyPresent = 0;
    const drops: { origin: string; drop: BulkDrop }[] = [];
    // Documents still in flight (origin and text), to name a dropped one and keep what the engine
    // refused; bounded by the bytes in flight, not by the file.
    // The bulk helper holds at most `concurrency` requests plus the one being filled: that much is
    // kept, plus a margin (the texts are the helper's own strings, not copies).
    const inFlight = new InFlight(Math.ceil(1.5 * args['batch-bytes'] * (args.concurrency + 1)));
    const records = new FailureRecords(cluster, stream, args['batch-bytes']);
    const repaired = { numbers: 0, duplicates: 0, numberExamples: [] as string[], duplicateExamples: [] as string[] };
    async function* documents(): AsyncGenerator<BulkDocument> {
      for (const [i, f] of files.entries()) {
        const events = readInput(f.path, f.label, scans[i]!);
        let line = 0;
        let nth = 0;
        for await (const e of events) {
          sent++;
          // The event's place: the line it starts on, and which event starting on that line it is.
          const at = Number(e.origin.slice(e.origin.lastIndexOf(':') + 1));
          nth = at === line ? nth + 1 : 1;
          line = at;
          if (bar && sent % 500 === 0) bar.update(sent);
          const id = documentId(e.text, `${line}.${nth}`);
          // The original text is what a failure record keeps; the repaired one is what is sent.
          inFlight.add(id, e.origin, e.text);
          const repair = prepareEvent(e.text);
          if (repair) {
            if (repair.numbersAsText.length > 0) repaired.numbers++;
            if (repair.duplicates.length > 0) repaired.duplicates++;
            if (repair.numbersAsText.length > 0 && repaired.numberExamples.length < 2) repaired.numberExamples.push(`${e.origin}: sent as text: ${repair.numbersAsText.slice(0, 4).join(', ')}`);
            if (repair.duplicates.length > 0 && repaired.duplicateExamples.length < 3) repaired.duplicateExamples.push(`${e.origin}: duplicate key: ${[...new Set(repair.duplicates)].slice(0, 4).join(', ')}`);
          }
          yield { id, text: repair?.text ?? e.text };
        }
      }
    }
    const result = await cluster.bulk({
      index: stream,
      documents: documents(),
      onDrop: (d) => {
        const doc = inFlight.get(d.id);
        // A create that meets its own id: this very event was indexed before (a retry or a re-run).
        if (d.status === 409 && d.type === 'version_conflict_engine_exception') alreadyPresent++;
        // The engine refused the document itself: keep it, whole, as a failure record (from the
        // client's copy, digits beyond 2^53 rounded, in the unlikely case its text was forgotten).
        else if (d.status === 400 && (doc || d.document !== undefined)) records.keep(d, doc ?? { origin: `_id ${d.id}`, text: JSON.stringify(d.document) });
        else drops.push({ origin: doc?.origin ?? `_id ${d.id}`, drop: d });
      },
      refresh: true,
      flushBytes: args['batch-bytes'],
      concurrency: args.concurrency,
    });
    const kept = await records.finish();
    bar?.update(sent);
    bar?.stop();

    const indexed = result.successful + kept.indexed;
    alreadyPresent += kept.alreadyPresent;
    const failed = drops.length + kept.failed.length;
    o.out(`sent ${sent}, indexed ${indexed}, already present ${alreadyPresent}, failed ${failed}${result.retried ? ` (${result.retried} retried)` : ''}`);
    if (repaired.numbers > 0) o.out(`  ${repaired.numbers} with numbers other than 64-bit integers (decimals, beyond 64 bits, -0), sent as strings of their exact text, e.g.:`);
    for (const r of repaired.numberExamples) o.out(`    ${r}`);
    if (repaired.duplicates > 0) o.out(`  ${repaired.duplicates} with a repeated key: the last value kept, earlier ones in evforge.invalid (event.kind: pipeline_error):`);
    for (const r of repaired.duplicateExamples) o.out(`    ${r}`);
    if (kept.indexed + kept.alreadyPresent > 0) {
      o.out(`  ${kept.indexed + kept.alreadyPresent} refused by the engine and kept as failure records (event.kind: pipeline_error, the event whole in event.original), e.g.:`);
      for (const r of kept.examples) o.out(`    ${r}`);
    }
    for (const { origin, drop } of [...drops, ...kept.failed].slice(0, 5)) o.out(`  ✖ ${origin}: HTTP ${drop.status} ${drop.type}: ${drop.reason}`);
    if (failed > 5) o.out(`  … and ${failed - 5} more`);
    if (indexed + alreadyPresent + failed !== sent || result.aborted) {
      o.err(`✖ ${sent - indexed - alreadyPresent - failed} document(s) are unaccounted for${result.aborted ? ' (the bulk run was aborted)' : ''}`);
      return ExitCode.failure;
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await cluster.close();
  }
}

/**
 * An event's `_id`: where it starts in its file (`<line>.<n>`: its first line, and 1 for the first
 * event starting on that line, 2 for the next…) and its text as read (one line; line breaks inside
 * a pretty-printed event count as spaces), hashed. Not the file's name or path: the same file
 * replayed again, from another folder, under another name or as a copy, meets its own documents.
 * Two identical events in one file are two documents.
 */
export function documentId(text: string, place: string): string {
  return createHash('sha256').update(`${place}\n`).update(text).digest('base64url').slice(0, 24);
}

/** id → origin and text of the most recent documents, forgetting the oldest beyond a byte budget. */
export class InFlight {
  // A FIFO of ids beside the map: eviction pops from the front in O(1) instead of re-iterating the
  // map on every add (which cost seconds per 200 000 events).
  private readonly map = new Map<string, { origin: string; text: string }>();
  private readonly order: string[] = [];
  private head = 0;
  private bytes = 0;
  constructor(private readonly budget: number) {}
  add(id: string, origin: string, text: string): void {
    const previous = this.map.get(id);
    if (previous) this.bytes -= previous.text.length;
    else this.order.push(id);
    this.map.set(id, { origin, text });
    this.bytes += text.length;
    while (this.bytes > this.budget && this.head < this.order.length) {
      const oldest = this.order[this.head++]!;
      const entry = this.map.get(oldest);
      if (entry) {
        this.map.delete(oldest);
        this.bytes -= entry.text.length;
      }
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
  get(id: string): { origin: string; text: string } | undefined {
    return this.map.get(id);
  }
}

/**
 * Events the engine refused (a mapping it could not apply, a pipeline it could not finish) are
 * indexed again as a failure record: `event.kind: pipeline_error`, the reason in `error.message`
 * and the whole event, as sent, in `event.original` (stored, not indexed). Their ids derive from the
 * event's, so re-runs do not duplicate them. Sent in batches as they come, so memory stays bounded.
 */
class FailureRecords {
  private pending: BulkDocument[] = [];
  private bytes = 0;
  private sending: Promise<void> = Promise.resolve();
  private readonly origins = new Map<string, string>();
  readonly result = { indexed: 0, alreadyPresent: 0, failed: [] as { origin: string; drop: BulkDrop }[], examples: [] as string[] };

  constructor(
    private readonly cluster: Cluster,
    private readonly index: string,
    private readonly batchBytes: number,
  ) {}

  keep(drop: BulkDrop, doc: { origin: string; text: string }): void {
    const record = {
      '@timestamp': new Date().toISOString(),
      event: { kind: 'pipeline_error', original: doc.text },
      error: { message: [`refused by the engine (${doc.origin}): ${drop.type}: ${drop.reason}`], type: drop.type },
    };
    const id = `${drop.id}-refused`;
    this.origins.set(id, doc.origin);
    if (this.result.examples.length < 3) this.result.examples.push(`${doc.origin}: ${drop.type}: ${drop.reason.slice(0, 160)}`);
    const text = JSON.stringify(record);
    this.pending.push({ id, text });
    this.bytes += text.length;
    if (this.bytes >= this.batchBytes) this.flush();
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    this.sending = this.sending.then(async () => {
      const r = await this.cluster.bulk({
        index: this.index,
        documents: batch,
        onDrop: (d) => {
          if (d.status === 409) this.result.alreadyPresent++;
          else this.result.failed.push({ origin: this.origins.get(d.id) ?? d.id, drop: d });
        },
        refresh: true,
      });
      this.result.indexed += r.successful;
      for (const b of batch) this.origins.delete(b.id);
    });
  }

  async finish(): Promise<FailureRecords['result']> {
    this.flush();
    await this.sending;
    return this.result;
  }
}

export const replayCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, ReplayArgs> => ({
  command: 'replay <files..>',
  describe: 'Bulk-index event files (NDJSON, JSON array or objects, Windows event XML, evtx_dump JSON) through the pipeline into the data stream',
  builder: (y) =>
    withClusterOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Event files' })
      .option('definition', { type: 'string', describe: 'Definition whose data stream to fill (default: the only one in examples/)' })
      .option('data-stream', { type: 'string', describe: 'Data stream to fill, instead of the definition\'s' })
      .option('batch-bytes', { type: 'number', default: 5_000_000, describe: 'Bulk request size in bytes' })
      .option('concurrency', { type: 'number', default: 4, describe: 'Bulk requests in flight' })
      .conflicts('definition', 'data-stream') as never,
  handler: async (args) => setCode(await runReplay(args, ctx())),
});
