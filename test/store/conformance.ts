import { afterEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/model.js';
import type { NewArticle, Store, Subscriber } from '../../src/store/store.js';

// What every archive must do, whatever holds it: run it with an opener of a fresh, empty archive
// (and a way to open the same archive again). SQLite runs it in sqlite-conformance.test.ts; a new
// implementation adds one such file and passes it whole.

export interface ArchiveUnderTest {
  store: Store;
  /** A second handle on the same archive, as another process would open it. */
  reopen(): Promise<Store>;
}

const now = new Date('2022-06-08T00:00:00Z');

export function article(id: string, text: string, overrides: Partial<NewArticle> = {}): NewArticle {
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

function subscriber(address: string, overrides: Partial<Subscriber> = {}): Subscriber {
  return { address, state: 'active', origin: 'form', createdAt: now, updatedAt: now, softBounces: 0, ...overrides };
}

function digestOf(id: string, createdAt: Date): Digest {
  return { id, periodStart: new Date('2022-06-01T00:00:00Z'), periodEnd: createdAt, createdAt, themes: [], total: 0, omitted: 0 };
}

export function storeConformance(name: string, openFresh: () => Promise<ArchiveUnderTest>): void {
  describe(`${name}: the Store contract`, () => {
    const opened: Store[] = [];
    const open = async () => {
      const archive = await openFresh();
      opened.push(archive.store);
      const reopen = async () => {
        const again = await archive.reopen();
        opened.push(again);
        return again;
      };
      return { store: archive.store, reopen };
    };
    afterEach(async () => {
      for (const store of opened.splice(0).reverse()) await store.close();
    });

    it('keeps settings, and everything else, for the next handle', async () => {
      const { store, reopen } = await open();
      expect(await store.getMeta('idAuthority')).toBeUndefined();
      await store.setMeta('idAuthority', 'example.org,2022');
      await store.setMeta('idAuthority', 'example.org,2023');
      await store.saveCollected([{ article: article('tag:x:a', '第一段。') }], now);
      const again = await reopen();
      expect(await again.getMeta('idAuthority')).toBe('example.org,2023');
      expect((await again.getArticle('tag:x:a'))?.text).toBe('第一段。');
    });

    it('inserts, updates with a new revision, and leaves unchanged articles alone; an article reads back as saved', async () => {
      const { store } = await open();
      const full = article('tag:x:a', '第一段。', {
        link: 'https://example.org/a',
        updated: new Date('2022-05-19T00:00:00Z'),
        author: '作者',
        images: [{ src: 'https://example.org/a.jpg', alt: '图', caption: '图注' }],
        leadImage: { src: 'https://example.org/a.jpg', alt: '图' },
        simplifiedText: '第一段。',
      });
      const first = await store.saveCollected([{ article: full }], now);
      expect(first[0]?.outcome).toBe('new');
      const saved = await store.getArticle('tag:x:a');
      expect(saved).toEqual({ ...full, slug: saved?.slug });
      expect(first[0]?.published).toEqual(saved);
      expect(await store.hasArticle('tag:x:a')).toBe(true);
      expect(await store.hasArticle('tag:x:none')).toBe(false);
      expect(await store.idForLink('https://example.org/a')).toBe('tag:x:a');
      expect(await store.idForLink('https://example.org/none')).toBeUndefined();

      const revisionAfterInsert = await store.revision();
      expect(first[0]?.revision).toBe(revisionAfterInsert);
      expect((await store.saveCollected([{ article: full }], now))[0]?.outcome).toBe('unchanged');
      expect(await store.revision()).toBe(revisionAfterInsert);

      const later = new Date('2022-06-09T00:00:00Z');
      const update = (await store.saveCollected([{ article: { ...full, text: '改过的第一段。' } }], later))[0];
      expect(update?.outcome).toBe('updated');
      const changed = await store.getArticle('tag:x:a');
      expect(changed?.text).toBe('改过的第一段。');
      expect(changed?.slug).toBe(saved?.slug);
      expect(update?.published).toEqual(changed);
      expect(await store.revisionsSince(revisionAfterInsert)).toEqual([revisionAfterInsert + 1]);
      expect((await store.articlesAtRevisions([revisionAfterInsert, revisionAfterInsert + 1])).map((a) => [a.id, a.revision])).toEqual([
        ['tag:x:a', revisionAfterInsert + 1],
      ]);
    });

    it('keeps the same body under another id as a duplicate that is never published', async () => {
      const { store } = await open();
      await store.saveCollected([{ article: article('tag:x:a', '同一个故事。') }], now);
      const result = await store.saveCollected(
        [{ article: article('tag:x:b', ' 同一个 故事。', { title: '另一个标题', published: new Date('2022-05-19T00:00:00Z') }) }],
        now,
      );
      expect(result[0]).toEqual({ outcome: 'duplicate', id: 'tag:x:b', duplicateOf: 'tag:x:a', revision: 2 });
      expect((await store.latestArticles(10)).map((a) => a.id)).toEqual(['tag:x:a']);
      expect(await store.revisionsSince(0)).toEqual([1, 2]);
      expect((await store.articlesAtRevisions([1, 2])).map((a) => a.id)).toEqual(['tag:x:a']);
      expect(await store.counts()).toEqual({ articles: 1, duplicates: 1 });
    });

    it('finds the id each item is archived under: its own, else the first archived under its link', async () => {
      const { store } = await open();
      const a = 'https://example.org/a';
      await store.saveCollected([{ article: article('tag:x:a', '一。', { link: a }) }, { article: article('tag:x:c', '三。', { link: 'https://example.org/c' }) }], now);
      await store.saveCollected([{ article: article('tag:x:b', '二。', { link: a }) }], new Date(now.getTime() + 60_000));
      expect(await store.archivedIds([])).toEqual([]);
      expect(
        await store.archivedIds([
          { id: 'tag:x:new', link: a },
          { id: 'tag:x:b', link: a },
          { id: 'tag:x:unlinked' },
          { id: 'tag:x:unknown', link: 'https://example.org/none' },
          { id: 'tag:x:c', link: 'https://example.org/moved' },
          { id: 'tag:x:new', link: 'https://example.org/c' },
        ]),
      ).toEqual(['tag:x:a', 'tag:x:b', 'tag:x:unlinked', 'tag:x:unknown', 'tag:x:c', 'tag:x:c']);
    });

    it('lists the newest published articles first, as many as asked', async () => {
      const { store } = await open();
      const day = 24 * 3600 * 1000;
      await store.saveCollected(
        [3, 1, 2].map((n) => ({ article: article(`tag:x:${n}`, `第${n}篇。`, { published: new Date(Date.UTC(2022, 4, n) + day) }) })),
        now,
      );
      expect((await store.latestArticles(2)).map((a) => a.id)).toEqual(['tag:x:3', 'tag:x:2']);
      expect(await store.latestArticles(10)).toHaveLength(3);
    });

    it('records files with their articles, stamps and hashes, touches and deletions', async () => {
      const { store } = await open();
      const file = { source: 'seeds', path: 'a.txt', size: 10, mtimeMs: 1000, contentHash: 'h1' };
      await store.saveCollected([{ article: article('tag:x:a', '正文。'), file }], now);
      await store.saveCollected([{ file: { ...file, path: 'bad.txt' }, problem: 'broken front matter' }], now);
      expect((await store.fileStates('seeds')).get('a.txt')).toEqual({ size: 10, mtimeMs: 1000, contentHash: 'h1', articleId: 'tag:x:a', deleted: false });
      expect((await store.fileStates('seeds')).get('bad.txt')?.articleId).toBeUndefined();
      expect((await store.fileStamps('seeds')).get('a.txt')).toEqual({ size: 10, mtimeMs: 1000, deleted: false });
      expect(await store.fileContentHash('seeds', 'a.txt')).toBe('h1');
      expect(await store.fileContentHash('seeds', 'none.txt')).toBeUndefined();
      expect((await store.fileStates('other')).size).toBe(0);

      await store.touchFiles([{ ...file, mtimeMs: 2000 }]);
      expect((await store.fileStamps('seeds')).get('a.txt')?.mtimeMs).toBe(2000);
      await store.markFilesDeleted('seeds', ['a.txt'], now);
      expect((await store.fileStates('seeds')).get('a.txt')?.deleted).toBe(true);
      expect(await store.getArticle('tag:x:a')).toBeDefined();
    });

    it('gives each article a slug that never changes, even when another wants the same one', async () => {
      const { store } = await open();
      await store.saveCollected([{ article: article('tag:x:one', '一。', { path: 'a.txt' }) }], now);
      await store.saveCollected([{ article: article('tag:x:two', '二。', { path: 'A.txt' }) }], now);
      const slugs = (await store.latestArticles(10)).map((a) => a.slug).sort();
      expect(new Set(slugs).size).toBe(2);
      expect(slugs[0]).toBe('seeds-a');
    });

    it('gives revisions in order within a batch and across batches', async () => {
      const { store } = await open();
      await store.saveCollected([{ article: article('tag:x:a', '一。') }, { article: article('tag:x:b', '二。') }], now);
      await store.saveCollected([{ article: article('tag:x:c', '三。') }, { article: article('tag:x:a', '一。') }], now);
      expect(await store.revision()).toBe(3);
      expect(await store.revisionsSince(0)).toEqual([1, 2, 3]);
      expect((await store.articlesAtRevisions([3, 1, 2])).map((a) => [a.id, a.revision])).toEqual([['tag:x:a', 1], ['tag:x:b', 2], ['tag:x:c', 3]]);
    });

    it('saves a batch all or nothing', async () => {
      const { store } = await open();
      const broken = article('tag:x:b', '二。', { published: new Date(Number.NaN) });
      await expect(store.saveCollected([{ article: article('tag:x:a', '一。') }, { article: broken }], now)).rejects.toThrow();
      expect((await store.counts()).articles).toBe(0);
      expect(await store.revision()).toBe(0);
    });

    it('saves and reads the state of a remote source', async () => {
      const { store } = await open();
      expect(await store.getSourceState('https://a.example/feed')).toBeUndefined();
      const state = { key: 'https://a.example/feed', url: 'https://b.example/feed', etag: '"x"', lastModified: 'Wed, 08 Jun 2022 00:00:00 GMT', lastSuccess: now, errorCount: 2, lastError: '500', nextCheck: now };
      await store.saveSourceState(state);
      expect(await store.getSourceState('https://a.example/feed')).toEqual(state);
      await store.saveSourceState({ key: 'https://a.example/feed', errorCount: 0 });
      expect(await store.getSourceState('https://a.example/feed')).toEqual({ key: 'https://a.example/feed', errorCount: 0 });
    });

    it('saves the states of many sources at once, the last save of a source winning, and reads them in one call', async () => {
      const { store } = await open();
      const feed = (n: number) => `https://a.example/feed-${n}`;
      await Promise.all([
        store.saveSourceState({ key: feed(2), lastSuccess: now, errorCount: 0 }),
        store.saveSourceState({ key: feed(1), etag: '"old"', errorCount: 0 }),
        store.saveSourceState({ key: feed(3), errorCount: 3, lastError: '503', nextCheck: now }),
        store.saveSourceState({ key: feed(1), etag: '"new"', lastModified: 'Wed, 08 Jun 2022 00:00:00 GMT', errorCount: 0 }),
      ]);
      const states = await store.sourceStates([feed(1), feed(2), feed(3), feed(4)]);
      expect([...states.keys()].sort()).toEqual([feed(1), feed(2), feed(3)]);
      expect(states.get(feed(1))).toEqual({ key: feed(1), etag: '"new"', lastModified: 'Wed, 08 Jun 2022 00:00:00 GMT', errorCount: 0 });
      expect(states.get(feed(2))).toEqual({ key: feed(2), lastSuccess: now, errorCount: 0 });
      expect(states.get(feed(3))).toEqual(await store.getSourceState(feed(3)));
      expect(states.get(feed(3))).toEqual({ key: feed(3), errorCount: 3, lastError: '503', nextCheck: now });
      expect((await store.sourceStates([])).size).toBe(0);
    });

    it('lets one holder take a job lock at a time, across handles', async () => {
      const { store, reopen } = await open();
      const lock = await store.tryLock('collect', now);
      expect(lock).toBeDefined();
      expect(await store.lockHolder('collect')).toMatchObject({ pid: process.pid, since: now });
      const other = await reopen();
      expect((await other.lockHolder('collect'))?.pid).toBe(process.pid);
      expect(await other.tryLock('build', now)).toBeDefined();
      await lock?.release();
      expect(await other.lockHolder('collect')).toBeUndefined();
      const taken = await other.tryLock('collect', now);
      expect(taken).toBeDefined();
      await taken?.release();
    });

    it('chooses the newest unsent articles the same way for a first digest and for a few new ones', async () => {
      const { store } = await open();
      const day = 24 * 3600 * 1000;
      const items = Array.from({ length: 30 }, (_, index) => ({
        article: article(`tag:x:${index}`, `第${index}篇。`, { published: new Date(Date.UTC(2022, 4, 1) + ((index * 7) % 30) * day) }),
      }));
      await store.saveCollected(items, now);
      const byDate = (list: typeof items) => [...list].sort((x, y) => y.article.published.getTime() - x.article.published.getTime());
      const first = await store.digests.unsentArticles(undefined, 3);
      expect(first.total).toBe(30);
      expect(first.articles.map((a) => a.id)).toEqual(byDate(items).slice(0, 3).map((item) => item.article.id));
      const recent = await store.digests.unsentArticles(25, 3);
      expect(recent.total).toBe(5);
      expect(recent.articles.map((a) => a.id)).toEqual(byDate(items.slice(25)).slice(0, 3).map((item) => item.article.id));
      const window = await store.digests.publishedBetween(new Date(Date.UTC(2022, 4, 1)), new Date(Date.UTC(2022, 4, 4)), 10);
      expect(window.articles.map((a) => a.published.getTime()).every((time) => time < Date.UTC(2022, 4, 4))).toBe(true);
      expect(window.total).toBe(3);
    });

    it('records a digest and its deliveries before and after sending, and never offers its articles again', async () => {
      const { store, reopen } = await open();
      await store.saveCollected([{ article: article('tag:x:a', '一。') }, { article: article('tag:x:b', '二。') }], now);
      expect(await store.digests.lastRegularRevision()).toBeUndefined();
      expect(await store.digests.freeId('2022-W23')).toBe('2022-W23');
      await store.digests.create(
        {
          digest: digestOf('2022-W23', now),
          kind: 'regular',
          throughRevision: 2,
          articleIds: ['tag:x:a', 'tag:x:b'],
          deliveries: [
            { recipient: 'a@example.org', messageId: '<1@example.org>' },
            { recipient: 'b@example.org', messageId: '<2@example.org>', themes: ['金融', '科技'] },
          ],
        },
        now,
      );
      expect(await store.digests.freeId('2022-W23')).toBe('2022-W23-2');
      expect(await store.digests.get('2022-W23')).toMatchObject({ id: '2022-W23', status: 'sending', kind: 'regular', createdAt: now });
      expect(await store.digests.lastRegularRevision()).toBe(2);
      expect((await store.digests.unsentArticles(undefined, 10)).total).toBe(0);
      expect((await store.digests.openDeliveries()).map((d) => [d.recipient, d.status, d.themes])).toEqual([
        ['a@example.org', 'pending', undefined],
        ['b@example.org', 'pending', ['金融', '科技']],
      ]);

      await store.digests.markSending('2022-W23', 'a@example.org', now);
      // A crash here: the next handle sees the delivery as interrupted, still open.
      const again = await reopen();
      expect((await again.digests.openDeliveries()).find((d) => d.recipient === 'a@example.org')?.status).toBe('sending');
      await again.digests.markOutcome('2022-W23', 'a@example.org', 'sent', undefined, now);
      await again.digests.markSending('2022-W23', 'b@example.org', now);
      await again.digests.markOutcome('2022-W23', 'b@example.org', 'deferred', '451 try later', now);
      expect((await again.digests.get('2022-W23'))?.status).toBe('sent');
      expect((await again.digests.deliveries('2022-W23')).map((d) => [d.recipient, d.status, d.lastError])).toEqual([
        ['a@example.org', 'sent', undefined],
        ['b@example.org', 'deferred', '451 try later'],
      ]);
      expect((await again.digests.openDeliveries()).map((d) => d.recipient)).toEqual(['b@example.org']);
      expect(await again.digests.delivery('2022-W23', 'b@example.org')).toMatchObject({ status: 'deferred', messageId: '<2@example.org>', themes: ['金融', '科技'] });
      expect(await again.digests.delivery('2022-W23', 'nobody@example.org')).toBeUndefined();
    });

    it('gives the articles digests put in named themes, each with the theme of the newest digest that holds it', async () => {
      const { store } = await open();
      await store.saveCollected(['a', 'b', 'c', 'd', 'e'].map((key) => ({ article: article(`tag:x:${key}`, `第${key}篇。`) })), now);
      const entry = (id: string) => ({ id, title: id, url: `https://example.org/${id}`, source: 's', published: now, summary: '', similarCount: 0 });
      const themed = (id: string, createdAt: Date, kind: 'regular' | 'preview', themes: Digest['themes']) =>
        store.digests.create({ digest: { ...digestOf(id, createdAt), themes }, kind, throughRevision: 5, articleIds: [], deliveries: [{ recipient: 'a@example.org', messageId: `<${id}@example.org>` }] }, now);
      const later = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
      await themed('2022-W23', now, 'regular', [
        { name: '楼市', kind: 'taxonomy', entries: [entry('tag:x:a'), entry('tag:x:b')] },
        { name: '湖人·詹姆斯', kind: 'cluster', entries: [entry('tag:x:c')] },
        { name: '其他要闻', kind: 'other', entries: [entry('tag:x:d')] },
      ]);
      await themed('2022-W24', later, 'regular', [{ name: '货币政策', kind: 'taxonomy', entries: [entry('tag:x:b')] }]);
      // A preview holds nothing.
      await themed('2022-W24-2', later, 'preview', [{ name: '体育', kind: 'taxonomy', entries: [entry('tag:x:e')] }]);
      const pairs = async (limit: number) => (await store.digests.themedArticles(limit)).map(({ article, theme }) => [article.id, article.text, theme]);
      expect(await pairs(10)).toEqual([
        ['tag:x:b', '第b篇。', '货币政策'],
        ['tag:x:a', '第a篇。', '楼市'],
      ]);
      expect(await pairs(1)).toEqual([['tag:x:b', '第b篇。', '货币政策']]);
    });

    it('remembers unsubscribes, whatever the case of the address', async () => {
      const { store } = await open();
      expect(await store.digests.isUnsubscribed('Reader@Example.org')).toBe(false);
      await store.digests.unsubscribe('Reader@Example.org', 'one-click', now);
      await store.digests.unsubscribe('reader@example.org', 'mailto', now);
      expect(await store.digests.isUnsubscribed('reader@EXAMPLE.org')).toBe(true);
      expect(await store.digests.isUnsubscribed('other@example.org')).toBe(false);
    });

    it('keeps subscribers whole, by their normalised address, and lists them by state', async () => {
      const { store, reopen } = await open();
      const later = new Date(now.getTime() + 60_000);
      await store.subscribers.put(subscriber(' Reader@Example.ORG ', { state: 'pending', themes: ['金融', '其他要闻'] }));
      await store.subscribers.put(subscriber('b@example.org', { state: 'active', origin: 'config', confirmedAt: later }));
      await store.subscribers.put(subscriber('c@example.org', { state: 'paused' }));
      const again = await reopen();
      expect(await again.subscribers.get('READER@example.org')).toEqual(subscriber('reader@example.org', { state: 'pending', themes: ['金融', '其他要闻'] }));
      expect(await again.subscribers.get('b@example.org')).toEqual(subscriber('b@example.org', { state: 'active', origin: 'config', confirmedAt: later }));
      expect(await again.subscribers.get('nobody@example.org')).toBeUndefined();
      expect((await again.subscribers.list()).map((s) => s.address)).toEqual(['b@example.org', 'c@example.org', 'reader@example.org']);
      expect((await again.subscribers.list(['active', 'paused'])).map((s) => s.address)).toEqual(['b@example.org', 'c@example.org']);
      // A put replaces the whole record: themes back to all.
      await again.subscribers.put(subscriber('reader@example.org', { state: 'active', updatedAt: later }));
      expect((await again.subscribers.get('reader@example.org'))?.themes).toBeUndefined();
      expect(await again.subscribers.remove('Reader@example.org')).toBe(true);
      expect(await again.subscribers.remove('reader@example.org')).toBe(false);
      expect(await again.subscribers.get('reader@example.org')).toBeUndefined();
    });

    it('lets one confirmation mail go out per address and interval, however many ask at once', async () => {
      const { store, reopen } = await open();
      const other = await reopen();
      await store.subscribers.put(subscriber('a@example.org', { state: 'pending' }));
      const minute = 60_000;
      const claims = await Promise.all([
        store.subscribers.claimConfirmation('a@example.org', now, 10 * minute),
        other.subscribers.claimConfirmation('A@example.org', now, 10 * minute),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.subscribers.claimConfirmation('a@example.org', new Date(now.getTime() + 9 * minute), 10 * minute)).toBe(false);
      expect(await store.subscribers.claimConfirmation('a@example.org', new Date(now.getTime() + 10 * minute), 10 * minute)).toBe(true);
      expect((await store.subscribers.get('a@example.org'))?.confirmationSentAt).toEqual(new Date(now.getTime() + 10 * minute));
      expect(await store.subscribers.claimConfirmation('unknown@example.org', now, minute)).toBe(false);
    });

    it('suppresses after bounces, counts soft ones, and expires pending signups', async () => {
      const { store } = await open();
      const day = 24 * 3600 * 1000;
      await store.subscribers.put(subscriber('hard@example.org', { state: 'active' }));
      await store.subscribers.put(subscriber('soft@example.org', { state: 'active' }));
      await store.subscribers.put(subscriber('old@example.org', { state: 'pending', createdAt: new Date(now.getTime() - 3 * day) }));
      await store.subscribers.put(subscriber('new@example.org', { state: 'pending' }));
      await store.subscribers.put(subscriber('left@example.org', { state: 'unsubscribed', createdAt: new Date(now.getTime() - 3 * day) }));

      await store.subscribers.suppress('Hard@example.org', '550 5.1.1 no such user', now);
      await store.subscribers.suppress('hard@example.org', 'again', new Date(now.getTime() + day));
      expect(await store.subscribers.get('hard@example.org')).toMatchObject({ state: 'active', suppressedAt: now, suppressedReason: 'again' });
      expect(await store.subscribers.countSoftBounce('soft@example.org', now)).toBe(1);
      expect(await store.subscribers.countSoftBounce('SOFT@example.org', now)).toBe(2);
      expect(await store.subscribers.countSoftBounce('nobody@example.org', now)).toBe(0);
      expect((await store.subscribers.get('soft@example.org'))?.suppressedAt).toBeUndefined();

      expect(await store.subscribers.expirePending(new Date(now.getTime() - day))).toBe(1);
      expect((await store.subscribers.list()).map((s) => s.address)).toEqual(['hard@example.org', 'left@example.org', 'new@example.org', 'soft@example.org']);
    });
  });
}
