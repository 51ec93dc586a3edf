/** What replay remembers of a document it sent: where it came from and its text as read. */
export interface SentDocument {
  readonly origin: string;
  readonly text: string;
}

/**
 * id → origin and text of the most recent documents, forgetting the oldest beyond a byte budget:
 * enough to name a document the engine refused and keep it whole, bounded by what is in flight,
 * not by the file.
 */
export class InFlight {
  // A FIFO of ids beside the map: eviction pops from the front in O(1) instead of re-iterating the
  // map on every add (which cost seconds per 200 000 events).
  private readonly map = new Map<string, SentDocument>();
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
      const oldest = this.order[this.head++];
      const entry = oldest === undefined ? undefined : this.map.get(oldest);
      if (oldest !== undefined && entry) {
        this.map.delete(oldest);
        this.bytes -= entry.text.length;
      }
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
  get(id: string): SentDocument | undefined {
    return this.map.get(id);
  }
}
