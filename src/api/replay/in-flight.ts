/** What replay remembers of a document it sent: which file, which line, and its text as read. */
export interface SentDocument {
  /** Index of its file in the replay's list. */
  readonly file: number;
  readonly line: number;
  readonly text: string;
}

/**
 * The most recent documents sent (id, file, line, text), forgetting the oldest beyond a budget of
 * bytes and of events: enough to name a document the engine refused and keep it whole, bounded by
 * what is in flight, not by the file. An event counts its text's length plus `overhead` (its share
 * of the request: the bulk action line) as bytes, so a million tiny events cost what they weigh on
 * the wire, not nothing. Kept as a queue of plain arrays (file and line as numbers, no string per
 * event but the id); the id → document index is built only at the first lookup (most replays never
 * look one up), then kept up to date.
 */
export class InFlight {
  private readonly ids: string[] = [];
  private readonly files: number[] = [];
  private readonly lines: number[] = [];
  private readonly texts: string[] = [];
  /** Documents added before the first one still in the arrays. */
  private base = 0;
  /** Index in the arrays of the oldest document kept. */
  private head = 0;
  private bytes = 0;
  /** id → position (base + index) of its newest document. */
  private index: Map<string, number> | undefined;

  constructor(
    private readonly budget: { readonly bytes: number; readonly events: number },
    private readonly overhead = 0,
  ) {}

  /** Documents kept now. */
  get size(): number {
    return this.ids.length - this.head;
  }

  add(id: string, file: number, line: number, text: string): void {
    this.index?.set(id, this.base + this.ids.length);
    this.ids.push(id);
    this.files.push(file);
    this.lines.push(line);
    this.texts.push(text);
    this.bytes += text.length + this.overhead;
    while ((this.bytes > this.budget.bytes || this.size > this.budget.events) && this.head < this.ids.length) this.evictOldest();
    if (this.head > 4096 && this.head * 2 > this.ids.length) {
      for (const list of [this.ids, this.files, this.lines, this.texts]) list.splice(0, this.head);
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
    const i = at - this.base;
    const [file, line, text] = [this.files[i], this.lines[i], this.texts[i]];
    return file === undefined || line === undefined || text === undefined ? undefined : { file, line, text };
  }

  private evictOldest(): void {
    const i = this.head++;
    const id = this.ids[i] ?? '';
    if (this.index?.get(id) === this.base + i) this.index.delete(id);
    this.bytes -= (this.texts[i]?.length ?? 0) + this.overhead;
    // Let go of the text now, not at the next compaction.
    this.texts[i] = '';
  }
}
