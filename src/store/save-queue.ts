// Writes of one archive handle, one statement or transaction at a time, with the calls that arrive
// while one is under way written together in the next. On a database server every save of articles
// waits for the revision counter's lock and holds it for a few round trips and a commit; the feeds
// one process fetches at once would each wait their turn for it. Merged, they wait for one turn.
//
// A merged batch is the calls' items in the calls' order, so a writer that decides item by item
// gives each call what it would have got written on its own right after the ones before it. Calls
// are merged only when they have the same key (a save's clock time). When a merged write fails,
// each call is written again on its own: one call's bad item never costs the others their write,
// and each call stays all or nothing.

/** Writes one batch, all or nothing; one result per item, in order. */
export type WriteBatch<Item, Result> = (items: Item[], key: number) => Promise<Result[]>;

interface Call<Item, Result> {
  items: Item[];
  key: number;
  resolve: (results: Result[]) => void;
  reject: (error: unknown) => void;
}

/** Items written in one merged batch at most; a larger call is written alone. */
export const MAX_MERGED_ITEMS = 1000;

export class SaveQueue<Item, Result> {
  private readonly waiting: Call<Item, Result>[] = [];
  private running = false;

  constructor(private readonly writeBatch: WriteBatch<Item, Result>) {}

  save(items: Item[], key: number): Promise<Result[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, key, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) await this.writeGroup(this.nextGroup());
    } finally {
      this.running = false;
    }
  }

  /** The first waiting call and those after it that can share its batch. */
  private nextGroup(): Call<Item, Result>[] {
    const first = this.waiting.shift() as Call<Item, Result>;
    const group = [first];
    let items = first.items.length;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Call<Item, Result>;
      if (next.key !== first.key || items + next.items.length > MAX_MERGED_ITEMS) break;
      group.push(this.waiting.shift() as Call<Item, Result>);
      items += next.items.length;
    }
    return group;
  }

  private async writeGroup(group: Call<Item, Result>[]): Promise<void> {
    const first = group[0] as Call<Item, Result>;
    if (group.length > 1) {
      // On failure each call is written again alone below, and meets the failure itself.
      const merged = await this.writeBatch(group.flatMap((call) => call.items), first.key).catch(() => undefined);
      if (merged) {
        let start = 0;
        for (const call of group) call.resolve(merged.slice(start, (start += call.items.length)));
        return;
      }
    }
    for (const call of group) await this.writeBatch(call.items, call.key).then(call.resolve, call.reject);
  }
}
