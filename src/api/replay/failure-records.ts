import type { BulkDocument, BulkDrop, BulkOptions, BulkResult } from '../../io/cluster/client.ts';

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
  /** Refused events that could not be kept either. */
  readonly failed: number;
  /** The first of them. */
  readonly failures: readonly ReplayFailure[];
  /** The first few refused events, `origin: type: reason`. */
  readonly examples: readonly string[];
}

/** The sizes a failure record must respect (see replay's request limits). */
export interface RecordLimits {
  readonly batchBytes: number;
  /** A record up to this many bytes goes in a request with others. */
  readonly shared: number;
  /** Up to this many, in a request of its own; beyond, the engine would refuse the request. */
  readonly alone: number;
}

/** An event the engine refused: where it came from and its text as sent. */
export interface RefusedEvent {
  readonly origin: string;
  readonly text: string;
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
  private failed = 0;
  private readonly failures: ReplayFailure[] = [];
  private readonly examples: string[] = [];

  constructor(
    private readonly sink: BulkSink,
    private readonly index: string,
    private readonly limits: RecordLimits,
  ) {}

  private fail(f: ReplayFailure, events = 1): void {
    this.failed += events;
    if (this.failures.length < 100) this.failures.push(f);
  }

  keep(drop: BulkDrop, doc: RefusedEvent): void {
    const record = {
      '@timestamp': new Date().toISOString(),
      event: { kind: 'pipeline_error', original: doc.text },
      error: { message: [`refused by the engine (${doc.origin}): ${drop.type}: ${drop.reason}`], type: drop.type },
    };
    const id = `${drop.id}-refused`;
    this.origins.set(id, doc.origin);
    if (this.examples.length < 3) this.examples.push(`${doc.origin}: ${drop.type}: ${drop.reason.slice(0, 160)}`);
    const text = JSON.stringify(record);
    // A character takes at most 3 bytes in UTF-8: only a record that might be large is measured.
    const bytes = text.length * 3 > this.limits.shared ? Buffer.byteLength(text) : text.length;
    if (bytes > this.limits.alone) {
      this.fail({ origin: doc.origin, status: drop.status, type: drop.type, reason: `${drop.reason}; not kept as a failure record either: it would take ${bytes} bytes, more than the engine accepts in one request (${this.limits.alone + 1024})` });
      return;
    }
    // A big record goes alone: the requests around it stay under the engine's limit.
    if (bytes > this.limits.shared) this.flush();
    this.pending.push({ id, text });
    this.bytes += bytes;
    if (this.bytes >= this.limits.batchBytes || bytes > this.limits.shared) this.flush();
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    this.sending = this.sending.then(async () => {
      let answered = 0;
      const r = await this.sink.bulk({
        index: this.index,
        documents: batch,
        onDrop: (d) => {
          answered++;
          if (d.status === 409) this.alreadyPresent++;
          else this.fail(failureOf(this.origins.get(d.id) ?? d.id, d));
        },
        flushBytes: this.limits.batchBytes,
        reportStop: true,
      });
      this.indexed += r.successful;
      // The request failed as a whole: the records it held were not stored.
      const lost = batch.length - r.successful - answered;
      if (r.error && lost > 0) {
        const first = this.origins.get(batch[0]?.id ?? '') ?? 'failure records';
        this.fail({ origin: lost === 1 ? first : `${lost} failure records (from ${first} on)`, status: r.error.details.status ?? 0, type: r.error.details.type ?? 'request_failed', reason: r.error.message }, lost);
      }
      for (const b of batch) this.origins.delete(b.id);
    });
  }

  async finish(): Promise<FailureRecordsResult> {
    this.flush();
    await this.sending;
    return { indexed: this.indexed, alreadyPresent: this.alreadyPresent, failed: this.failed, failures: this.failures, examples: this.examples };
  }
}
