import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { archiveFault, SqliteStore, type NewArticle } from '../../src/store/sqlite.js';

const now = new Date('2022-06-08T00:00:00Z');
const stores: SqliteStore[] = [];

async function openStore(): Promise<SqliteStore> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-store-'));
  const store = SqliteStore.open(join(dir, 'zhoukan.db'));
  stores.push(store);
  return store;
}

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function article(id: string, text: string, overrides: Partial<NewArticle> = {}): NewArticle {
  return {
    id,
    source: 'seeds',
    path: `${id.split(':').pop()}.txt`,
    title: `标题 ${id}`,
    published: new Date('2022-05-18T08:02:55Z'),
    dateGuessed: false,
    categories: ['金融'],
    html: `<p>${text}</p>`,
    text,
    summary: text,
    length: text.length,
    images: [],
    meta: { editor: '李墨轩' },
    ...overrides,
  };
}

describe('SqliteStore', () => {
  it('creates a WAL archive with the schema at the latest migration, and reopens it', async () => {
    const store = await openStore();
    store.setMeta('idAuthority', 'example.org,2022');
    store.close();
    const raw = new Database(store.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.close();
    const again = SqliteStore.open(store.path);
    stores.push(again);
    expect(again.getMeta('idAuthority')).toBe('example.org,2022');
  });

  it('inserts, updates with a new revision, and leaves unchanged articles alone', async () => {
    const store = await openStore();
    const first = store.saveCollected([{ article: article('tag:x:a', '第一段。') }], now);
    expect(first[0]?.outcome).toBe('new');
    // What a save returns is the article as the archive gives it back, for its page.
    expect(first[0]?.published).toEqual(store.getArticle('tag:x:a'));
    const revisionAfterInsert = store.revision();
    expect(first[0]?.revision).toBe(revisionAfterInsert);
    expect(store.saveCollected([{ article: article('tag:x:a', '第一段。') }], now)[0]?.outcome).toBe('unchanged');
    expect(store.revision()).toBe(revisionAfterInsert);

    const later = new Date('2022-06-09T00:00:00Z');
    const update = store.saveCollected([{ article: article('tag:x:a', '改过的第一段。') }], later)[0];
    expect(update?.outcome).toBe('updated');
    const saved = store.getArticle('tag:x:a');
    expect(saved?.text).toBe('改过的第一段。');
    expect(saved?.updated).toEqual(later);
    expect(saved?.slug).toBe('seeds-a');
    expect(update?.published).toEqual(saved);
    expect(store.revisionsSince(revisionAfterInsert)).toEqual([revisionAfterInsert + 1]);
    expect(store.revisionsSince(0)).toEqual([revisionAfterInsert + 1]);
    expect(store.articlesAtRevisions([revisionAfterInsert, revisionAfterInsert + 1]).map((a) => [a.id, a.revision])).toEqual([['tag:x:a', revisionAfterInsert + 1]]);
  });

  it('keeps the same body under another id as a duplicate that is never published', async () => {
    const store = await openStore();
    store.saveCollected([{ article: article('tag:x:a', '同一个故事。') }], now);
    const result = store.saveCollected(
      [{ article: article('tag:x:b', ' 同一个 故事。', { title: '另一个标题', published: new Date('2022-05-19T00:00:00Z') }) }],
      now,
    );
    expect(result[0]).toEqual({ outcome: 'duplicate', id: 'tag:x:b', duplicateOf: 'tag:x:a', revision: 2 });
    expect(store.latestArticles(10).map((a) => a.id)).toEqual(['tag:x:a']);
    // Its revision is listed, but it has no page.
    expect(store.revisionsSince(0)).toEqual([1, 2]);
    expect(store.articlesAtRevisions([1, 2]).map((a) => a.id)).toEqual(['tag:x:a']);
    expect(store.counts()).toEqual({ articles: 1, duplicates: 1 });
  });

  it('records files with their articles and remembers deletions', async () => {
    const store = await openStore();
    const file = { source: 'seeds', path: 'a.txt', size: 10, mtimeMs: 1000, contentHash: 'h1' };
    store.saveCollected([{ article: article('tag:x:a', '正文。'), file }], now);
    store.saveCollected([{ file: { ...file, path: 'bad.txt' }, problem: 'broken front matter' }], now);
    let states = store.fileStates('seeds');
    expect(states.get('a.txt')).toEqual({ size: 10, mtimeMs: 1000, contentHash: 'h1', articleId: 'tag:x:a', deleted: false });
    expect(states.get('bad.txt')?.articleId).toBeUndefined();

    store.markFilesDeleted('seeds', ['a.txt'], now);
    states = store.fileStates('seeds');
    expect(states.get('a.txt')?.deleted).toBe(true);
    expect(store.getArticle('tag:x:a')).toBeDefined();
  });

  it('gives each article a slug that never changes, even when another wants the same one', async () => {
    const store = await openStore();
    store.saveCollected([{ article: article('tag:x:one', '一。', { path: 'a.txt' }) }], now);
    store.saveCollected([{ article: article('tag:x:two', '二。', { path: 'A.txt' }) }], now);
    const slugs = store.latestArticles(10).map((a) => a.slug).sort();
    expect(slugs[0]).toBe('seeds-a');
    expect(slugs[1]).toMatch(/^seeds-a-[0-9a-f]{8}$/);
  });

  it('gives revisions in order within a batch and across batches', async () => {
    const store = await openStore();
    store.saveCollected([{ article: article('tag:x:a', '一。') }, { article: article('tag:x:b', '二。') }], now);
    store.saveCollected([{ article: article('tag:x:c', '三。') }, { article: article('tag:x:a', '一。') }], now);
    expect(store.revision()).toBe(3);
    expect(store.revisionsSince(0)).toEqual([1, 2, 3]);
    expect(store.articlesAtRevisions([3, 1, 2]).map((a) => [a.id, a.revision])).toEqual([['tag:x:a', 1], ['tag:x:b', 2], ['tag:x:c', 3]]);
  });

  it('chooses the newest unsent articles the same way for a first digest and for a few new ones', async () => {
    const store = await openStore();
    const day = 24 * 3600 * 1000;
    // Published in an order unlike the order of arrival.
    const items = Array.from({ length: 30 }, (_, index) => ({
      article: article(`tag:x:${index}`, `第${index}篇。`, { published: new Date(Date.UTC(2022, 4, 1) + ((index * 7) % 30) * day) }),
    }));
    store.saveCollected(items, now);
    // All 30 unsent, 3 wanted: the scan by publication time.
    const first = store.digests.unsentArticles(undefined, 3);
    expect(first.total).toBe(30);
    expect(first.articles.map((a) => a.id)).toEqual(
      [...items].sort((x, y) => y.article.published.getTime() - x.article.published.getTime()).slice(0, 3).map((item) => item.article.id),
    );
    // The last 5 to arrive, 3 wanted: found by revision, then sorted.
    const recent = store.digests.unsentArticles(25, 3);
    expect(recent.total).toBe(5);
    expect(recent.articles.map((a) => a.id)).toEqual(
      items.slice(25).sort((x, y) => y.article.published.getTime() - x.article.published.getTime()).slice(0, 3).map((item) => item.article.id),
    );
  });

  it('rolls a whole batch back when one item fails', async () => {
    const store = await openStore();
    const broken = article('tag:x:b', '二。');
    (broken as { published: Date }).published = new Date(Number.NaN);
    expect(() =>
      store.saveCollected([{ article: article('tag:x:a', '一。') }, { article: broken }], now),
    ).toThrow();
    expect(store.counts().articles).toBe(0);
  });

  it('lets one process hold a job lock, and takes over a lock whose process is gone', async () => {
    const store = await openStore();
    const lock = store.tryLock('collect', now);
    expect(lock).toBeDefined();
    const other = SqliteStore.open(store.path);
    stores.push(other);
    // Same pid: held by us, so a second take by this process is refused only through a live other pid.
    const raw = new Database(store.path);
    raw.prepare('UPDATE locks SET pid = ? WHERE kind = ?').run(process.ppid, 'collect');
    expect(other.tryLock('collect', now)).toBeUndefined();
    expect(other.lockHolder('collect')?.pid).toBe(process.ppid);
    raw.prepare('UPDATE locks SET pid = ? WHERE kind = ?').run(2 ** 22 + 12345, 'collect');
    raw.close();
    const taken = other.tryLock('collect', now);
    expect(taken).toBeDefined();
    taken?.release();
    expect(other.lockHolder('collect')).toBeUndefined();
    lock?.release();
  });

  it('saves and reads source state', async () => {
    const store = await openStore();
    store.saveSourceState({ key: 'https://a.example/feed', url: 'https://b.example/feed', etag: '"x"', errorCount: 2, lastError: '500', nextCheck: now });
    expect(store.getSourceState('https://a.example/feed')).toEqual({
      key: 'https://a.example/feed',
      url: 'https://b.example/feed',
      etag: '"x"',
      errorCount: 2,
      lastError: '500',
      nextCheck: now,
    });
  });

  it('reports a row whose JSON cannot be read as damage of the archive, naming the article', async () => {
    const store = await openStore();
    store.saveCollected([{ article: article('tag:x:a', '第一段。') }], now);
    const db = new Database(store.path);
    db.prepare("UPDATE articles SET categories = '\u00a5\u00a5' WHERE id = 'tag:x:a'").run();
    db.close();
    let error: unknown;
    try {
      store.latestArticles(10);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('STORE_DAMAGED');
    const fault = archiveFault(new AppError('OUTPUT_IO', 'writing output failed', { cause: error }), store.path);
    expect(fault?.message).toMatch(new RegExp(`^${store.path}: the archive is damaged \\(the row of article tag:x:a cannot be read \\(.*JSON`));
    expect(archiveFault(new Error('something else'), store.path)).toBeUndefined();
  });
});
