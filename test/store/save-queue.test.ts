import { describe, expect, it } from 'vitest';
import { MAX_MERGED_ITEMS, SaveQueue } from '../../src/store/save-queue.js';
import type { CollectedItem, SaveResult } from '../../src/store/store.js';
import { article } from './conformance.js';

const now = new Date('2022-06-08T00:00:00Z');
const items = (name: string, count = 2): CollectedItem[] => Array.from({ length: count }, (_, index) => ({ article: article(`tag:${name}:${index}`, `${name}${index}。`) }));

/** A batch saver that numbers the items it saves in order, and fails a whole batch holding an item without text. */
function numberingSaver() {
  const batches: { ids: string[]; now: Date }[] = [];
  let revision = 0;
  const saveBatch = async (batch: CollectedItem[], key: number): Promise<SaveResult[]> => {
    const at = new Date(key);
    await new Promise((resolve) => setTimeout(resolve, 5));
    batches.push({ ids: batch.map((item) => item.article?.id ?? ''), now: at });
    if (batch.some((item) => item.article?.text === '')) throw new Error('an item without text');
    return batch.map((item) => ({ outcome: 'new', id: item.article?.id as string, revision: (revision += 1) }));
  };
  return { batches, saveBatch };
}

describe('SaveQueue', () => {
  it('saves the calls made while a save is under way together, each getting its own results in order', async () => {
    const saver = numberingSaver();
    const queue = new SaveQueue<CollectedItem, SaveResult>(saver.saveBatch);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => queue.save(items(name), now.getTime())));
    // The first call is saved at once; the three made meanwhile wait for it, then go in one batch.
    expect(saver.batches.map((batch) => batch.ids.length)).toEqual([2, 6]);
    expect(results.map((list) => list.map((result) => [result.id, result.revision]))).toEqual([
      [['tag:a:0', 1], ['tag:a:1', 2]],
      [['tag:b:0', 3], ['tag:b:1', 4]],
      [['tag:c:0', 5], ['tag:c:1', 6]],
      [['tag:d:0', 7], ['tag:d:1', 8]],
    ]);
  });

  it('saves a call made with another clock time in a batch of its own', async () => {
    const saver = numberingSaver();
    const queue = new SaveQueue<CollectedItem, SaveResult>(saver.saveBatch);
    const later = new Date(now.getTime() + 1000);
    await Promise.all([queue.save(items('a'), now.getTime()), queue.save(items('b'), now.getTime()), queue.save(items('c'), later.getTime()), queue.save(items('d'), later.getTime())]);
    expect(saver.batches.map((batch) => [batch.ids.length, batch.now])).toEqual([
      [2, now],
      [2, now],
      [4, later],
    ]);
  });

  it('saves each call of a failed merged batch again alone, so only the bad call fails', async () => {
    const saver = numberingSaver();
    const queue = new SaveQueue<CollectedItem, SaveResult>(saver.saveBatch);
    const bad: CollectedItem[] = [{ article: article('tag:bad:0', '') }];
    const outcomes = await Promise.allSettled([queue.save(items('a'), now.getTime()), queue.save(items('b'), now.getTime()), queue.save(bad, now.getTime()), queue.save(items('c'), now.getTime())]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error('an item without text'));
    expect(saver.batches.map((batch) => batch.ids.length)).toEqual([2, 5, 2, 1, 2]);
    expect((outcomes[3] as PromiseFulfilledResult<SaveResult[]>).value.map((result) => result.id)).toEqual(['tag:c:0', 'tag:c:1']);
  });

  it('keeps a merged batch within MAX_MERGED_ITEMS', async () => {
    const saver = numberingSaver();
    const queue = new SaveQueue<CollectedItem, SaveResult>(saver.saveBatch);
    const half = Math.floor(MAX_MERGED_ITEMS / 2) + 1;
    await Promise.all([queue.save(items('a', 1), now.getTime()), queue.save(items('b', half), now.getTime()), queue.save(items('c', half), now.getTime()), queue.save(items('d', 1), now.getTime())]);
    expect(saver.batches.map((batch) => batch.ids.length)).toEqual([1, half, half + 1]);
  });
});
