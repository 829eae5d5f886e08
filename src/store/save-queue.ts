import type { CollectedItem, SaveResult } from './store.js';

// Saves of one archive handle, one transaction at a time, with the calls that arrive while one is
// under way saved together in the next. On a database server every save of articles waits for the
// revision counter's lock and holds it for a few round trips and a commit; the feeds one process
// fetches at once would each wait their turn for it. Merged, they wait for one turn.
//
// A merged batch is decided item by item in the calls' order, so each call gets what it would have
// got saved on its own right after the ones before it. Calls are merged only when saved with the
// same clock time. When a merged save fails, each call is saved again on its own: one call's bad
// item never costs the others their save, and each call stays all or nothing.

/** Saves one batch in one transaction, all or nothing. */
export type SaveBatch = (items: CollectedItem[], now: Date) => Promise<SaveResult[]>;

interface Call {
  items: CollectedItem[];
  now: Date;
  resolve: (results: SaveResult[]) => void;
  reject: (error: unknown) => void;
}

/** Items saved in one merged transaction at most; a larger call is saved alone. */
export const MAX_MERGED_ITEMS = 1000;

export class SaveQueue {
  private readonly waiting: Call[] = [];
  private running = false;

  constructor(private readonly saveBatch: SaveBatch) {}

  save(items: CollectedItem[], now: Date): Promise<SaveResult[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, now, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) await this.saveGroup(this.nextGroup());
    } finally {
      this.running = false;
    }
  }

  /** The first waiting call and those after it that can share its transaction. */
  private nextGroup(): Call[] {
    const first = this.waiting.shift() as Call;
    const group = [first];
    let items = first.items.length;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Call;
      if (next.now.getTime() !== first.now.getTime() || items + next.items.length > MAX_MERGED_ITEMS) break;
      group.push(this.waiting.shift() as Call);
      items += next.items.length;
    }
    return group;
  }

  private async saveGroup(group: Call[]): Promise<void> {
    if (group.length > 1) {
      const merged = await this.saveBatch(
        group.flatMap((call) => call.items),
        (group[0] as Call).now,
      ).catch(() => undefined); // each call is saved again alone below, and meets the failure itself
      if (merged) {
        let start = 0;
        for (const call of group) call.resolve(merged.slice(start, (start += call.items.length)));
        return;
      }
    }
    for (const call of group) await this.saveBatch(call.items, call.now).then(call.resolve, call.reject);
  }
}
