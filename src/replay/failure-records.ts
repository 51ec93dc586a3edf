import type { BulkDocument, BulkDrop, BulkOptions, BulkResult } from '../io/cluster/client.ts';
import type { SentDocument } from './in-flight.ts';

/** Where failure records go: a cluster's bulk runner. */
export interface BulkSink {
  bulk(options: BulkOptions): Promise<BulkResult>;
}

/** An event replay could not index, as it reports it. */
export interface ReplayFailure {
  /** `file:line` of the event (or `_id <id>` when it was no longer remembered). */
  readonly origin: string;
  /** HTTP status of the item, e.g. 429 when retries ran out. */
  readonly status: number;
  /** The engine's error type, e.g. `mapper_parsing_exception`. */
  readonly type: string;
  readonly reason: string;
}

/** What became of the failure records. */
export interface FailureRecordsResult {
  readonly indexed: number;
  readonly alreadyPresent: number;
  readonly failed: readonly ReplayFailure[];
  /** The first few refused events, `origin: type: reason`. */
  readonly examples: readonly string[];
}

export const failureOf = (origin: string, d: BulkDrop): ReplayFailure => ({ origin, status: d.status, type: d.type, reason: d.reason });

/**
 * Events the engine refused (a mapping it could not apply, a pipeline it could not finish) are
 * indexed again as a failure record: `event.kind: pipeline_error`, the reason in `error.message`
 * and the whole event, as sent, in `event.original` (stored, not indexed). Their ids derive from the
 * event's, so re-runs do not duplicate them. Sent in batches as they come, so memory stays bounded.
 */
export class FailureRecords {
  private pending: BulkDocument[] = [];
  private bytes = 0;
  private sending: Promise<void> = Promise.resolve();
  private readonly origins = new Map<string, string>();
  private indexed = 0;
  private alreadyPresent = 0;
  private readonly failed: ReplayFailure[] = [];
  private readonly examples: string[] = [];

  constructor(
    private readonly sink: BulkSink,
    private readonly index: string,
    private readonly batchBytes: number,
  ) {}

  keep(drop: BulkDrop, doc: SentDocument): void {
    const record = {
      '@timestamp': new Date().toISOString(),
      event: { kind: 'pipeline_error', original: doc.text },
      error: { message: [`refused by the engine (${doc.origin}): ${drop.type}: ${drop.reason}`], type: drop.type },
    };
    const id = `${drop.id}-refused`;
    this.origins.set(id, doc.origin);
    if (this.examples.length < 3) this.examples.push(`${doc.origin}: ${drop.type}: ${drop.reason.slice(0, 160)}`);
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
      const r = await this.sink.bulk({
        index: this.index,
        documents: batch,
        onDrop: (d) => {
          if (d.status === 409) this.alreadyPresent++;
          else this.failed.push(failureOf(this.origins.get(d.id) ?? d.id, d));
        },
        refresh: true,
      });
      this.indexed += r.successful;
      for (const b of batch) this.origins.delete(b.id);
    });
  }

  async finish(): Promise<FailureRecordsResult> {
    this.flush();
    await this.sending;
    return { indexed: this.indexed, alreadyPresent: this.alreadyPresent, failed: this.failed, examples: this.examples };
  }
}
