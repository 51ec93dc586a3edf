/** What replay remembers of a document it sent: where it came from and its text as read. */
export interface SentDocument {
  readonly origin: string;
  readonly text: string;
}

/**
 * The most recent documents sent (id, origin, text), forgetting the oldest beyond a byte budget:
 * enough to name a document the engine refused and keep it whole, bounded by what is in flight,
 * not by the file. Kept as a queue of plain arrays; the id → document index is built only at the
 * first lookup (most replays never look one up), then kept up to date.
 */
export class InFlight {
  private readonly ids: string[] = [];
  private readonly origins: string[] = [];
  private readonly texts: string[] = [];
  /** Documents added before the first one still in the arrays. */
  private base = 0;
  /** Index in the arrays of the oldest document kept. */
  private head = 0;
  private bytes = 0;
  /** id → position (base + index) of its newest document. */
  private index: Map<string, number> | undefined;

  constructor(private readonly budget: number) {}

  add(id: string, origin: string, text: string): void {
    this.index?.set(id, this.base + this.ids.length);
    this.ids.push(id);
    this.origins.push(origin);
    this.texts.push(text);
    this.bytes += text.length;
    while (this.bytes > this.budget && this.head < this.ids.length) this.evictOldest();
    if (this.head > 4096 && this.head * 2 > this.ids.length) {
      for (const list of [this.ids, this.origins, this.texts]) list.splice(0, this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  get(id: string): SentDocument | undefined {
    if (!this.index) {
      this.index = new Map();
      for (let i = this.head; i < this.ids.length; i++) this.index.set(this.ids[i] ?? '', this.base + i);
    }
    const at = this.index.get(id);
    if (at === undefined) return undefined;
    const origin = this.origins[at - this.base];
    const text = this.texts[at - this.base];
    return origin === undefined || text === undefined ? undefined : { origin, text };
  }

  private evictOldest(): void {
    const i = this.head++;
    const id = this.ids[i] ?? '';
    if (this.index?.get(id) === this.base + i) this.index.delete(id);
    this.bytes -= this.texts[i]?.length ?? 0;
    // Let go of the text now, not at the next compaction.
    this.texts[i] = '';
    this.origins[i] = '';
  }
}
