import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { PgStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { CollectedItem, SaveResult, Store } from '../../src/store/store.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { useTestCluster } from '../support/postgres.js';
import { lacks, needs } from '../support/requirements.js';
import { article } from './conformance.js';

// What the conformance suite cannot say with one embedded file: several instances (each its own
// pool of connections) writing one PostgreSQL archive at once, and the server's faults.
describe.skipIf(lacks(needs.postgres, 'the PostgreSQL archive under concurrency'))('PgStore on a shared server', () => {
  const now = new Date('2022-06-08T00:00:00Z');
  const cluster = useTestCluster();
  const opened: PgStore[] = [];
  const open = async (url: string) => {
    const store = await PgStore.open(url);
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('migrates once when several instances open a new database at the same moment', async () => {
    const url = await cluster.freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => open(url)));
    await stores[0]?.saveCollected([{ article: article('tag:x:a', '一。') }], now);
    expect(await stores[3]?.revision()).toBe(1);
  });

  it('gives distinct revisions and loses no article when two instances save batches at once', async () => {
    const url = await cluster.freshDatabase();
    const [one, two] = await Promise.all([open(url), open(url)]);
    const batches = (instance: string) =>
      Array.from({ length: 15 }, (_, batch) =>
        Array.from({ length: 8 }, (_, index) => ({ article: article(`tag:${instance}:${batch}-${index}`, `${instance} 第${batch}批第${index}篇。`) })),
      );
    const save = async (store: PgStore, instance: string) => {
      const results: SaveResult[] = [];
      for (const batch of batches(instance)) results.push(...(await store.saveCollected(batch, now)));
      return results;
    };
    const results = (await Promise.all([save(one!, 'one'), save(two!, 'two'), save(one!, 'three'), save(two!, 'four')])).flat();
    const revisions = results.map((result) => result.revision);
    expect(results.every((result) => result.outcome === 'new')).toBe(true);
    expect(new Set(revisions).size).toBe(4 * 15 * 8);
    expect(await one!.revision()).toBe(4 * 15 * 8);
    expect(await two!.revisionsSince(0)).toEqual(Array.from({ length: 4 * 15 * 8 }, (_, index) => index + 1));
    expect(await two!.counts()).toEqual({ articles: 4 * 15 * 8, duplicates: 0 });
  });

  it('saves the batches one instance saves at once, each all or nothing: a bad batch fails alone', async () => {
    const store = await open(await cluster.freshDatabase());
    const batches = Array.from({ length: 8 }, (_, batch) =>
      Array.from({ length: 5 }, (_, index) => ({ article: article(`tag:x:${batch}-${index}`, `第${batch}批第${index}篇。`) })),
    );
    const broken = [{ article: article('tag:x:good', '好。') }, { article: article('tag:x:bad', '坏。', { published: new Date(Number.NaN) }) }];
    const outcomes = await Promise.allSettled([...batches.slice(0, 4), broken, ...batches.slice(4)].map((items) => store.saveCollected(items, now)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array<string>(4).fill('fulfilled'), 'rejected', ...Array<string>(4).fill('fulfilled')]);
    const results = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
    expect(results.every((result) => result.outcome === 'new')).toBe(true);
    expect(results.map((result) => result.revision).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(await store.revision()).toBe(40);
    expect(await store.counts()).toEqual({ articles: 40, duplicates: 0 });
    expect(await store.getArticle('tag:x:good')).toBeUndefined();
  });

  it('archives an item that two instances fetched at once one time, with one slug', async () => {
    const url = await cluster.freshDatabase();
    const [one, two] = await Promise.all([open(url), open(url)]);
    const items = Array.from({ length: 40 }, (_, index) => ({ article: article(`tag:x:${index}`, `同一批第${index}篇。`) }));
    const [first, second] = await Promise.all([one!.saveCollected(items, now), two!.saveCollected([...items].reverse(), now)]);
    const outcomes = [...first!, ...second!].map((result) => result.outcome).sort();
    expect(outcomes.filter((outcome) => outcome === 'new')).toHaveLength(40);
    expect(outcomes.filter((outcome) => outcome === 'unchanged')).toHaveLength(40);
    expect(await one!.revision()).toBe(40);
    const slugs = (await one!.latestArticles(100)).map((a) => a.slug);
    expect(new Set(slugs).size).toBe(40);
  });

  it('decides each item of a batch as the SQLite archive does: repeats, edits and duplicates within one batch', async () => {
    const pg = await open(await cluster.freshDatabase());
    const sqlite = SqliteStore.open(join(await mkdtemp(join(tmpdir(), 'zhoukan-store-')), 'zhoukan.db'));
    const later = new Date(now.getTime() + 60_000);
    const file = (path: string, size: number) => ({ source: 'seeds', path, size, mtimeMs: 1, contentHash: `h${size}` });
    const batches: [CollectedItem[], Date][] = [
      [[{ article: article('tag:x:a', '甲。') }, { article: article('tag:x:b', '乙。') }], now],
      [
        [
          // an id twice in one batch: new, then edited
          { article: article('tag:x:c', '丙。'), file: file('c.txt', 1) },
          { article: article('tag:x:c', '丙，改过。'), file: file('c.txt', 2) },
          // an original edited to a new body, and a new article with that body after it
          { article: article('tag:x:a', '新的甲。') },
          { article: article('tag:x:d', ' 新的 甲。') },
          // the old body of the edited original: no longer anyone's, so original again
          { article: article('tag:x:e', '甲。') },
          // a duplicate of an article new in this batch, and of one archived before
          { article: article('tag:x:f', '丙，改过。') },
          { article: article('tag:x:g', '乙。') },
          // the same slug wanted twice (same source and path)
          { article: article('tag:y:h', '辛。', { path: 'same.txt' }) },
          { article: article('tag:y:i', '壬。', { path: 'same.txt' }) },
          { article: article('tag:x:b', '乙。') },
          { article: article('tag:x:j', '') },
          { article: article('tag:x:k', '') },
          { file: file('bad.txt', 3), problem: 'broken' },
        ],
        later,
      ],
      [[{ article: article('tag:x:f', '丁。') }, { article: article('tag:x:l', '丁。') }, { article: article('tag:x:c', '丙，又改。', { updated: later }) }], later],
    ];
    for (const [items, at] of batches) {
      expect(await pg.saveCollected(items, at)).toEqual(await sqlite.saveCollected(items, at));
    }
    const all = async (store: Store) => {
      const revisions = await store.revisionsSince(0);
      const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'j', 'k', 'l'].map((id) => `tag:x:${id}`);
      return {
        revisions,
        articles: await store.articlesAtRevisions(revisions),
        byId: await Promise.all([...ids, 'tag:y:h', 'tag:y:i'].map((id) => store.getArticle(id))),
        counts: await store.counts(),
        files: [...(await store.fileStates('seeds')).entries()].sort(),
        unsent: await store.digests.unsentArticles(undefined, 100),
        // first_revision: what arrived after a revision, an article archived then edited in one batch included
        unsentAfter: await Promise.all([2, 3, 4].map((after) => store.digests.unsentArticles(after, 100))),
      };
    };
    expect(await all(pg)).toEqual(await all(sqlite));
    await sqlite.close();
  });

  it('frees the job lock of an instance that was killed', async () => {
    const url = await cluster.freshDatabase();
    const survivor = await open(url);
    // Another instance (a process of its own) takes the lock, then dies without releasing it.
    const script = `import { PgStore } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'dist/store/postgres.js')).href)};
      const store = await PgStore.open(process.env.URL);
      if (await store.tryLock('collect', new Date())) console.log('locked');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('locked') ? resolve() : undefined));
      child.on('exit', () => reject(new Error('the locking process ended before it took the lock')));
    });
    expect(await survivor.tryLock('collect', now)).toBeUndefined();
    expect((await survivor.lockHolder('collect'))?.pid).toBe(child.pid);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // The server ends the dead process's session, and its advisory lock with it.
    await vi.waitFor(async () => expect(await survivor.lockHolder('collect')).toBeUndefined(), { timeout: 20_000, interval: 100 });
    const taken = await survivor.tryLock('collect', now);
    expect(taken).toBeDefined();
    expect((await survivor.lockHolder('collect'))?.pid).toBe(process.pid);
    await taken?.release();
  });

  it('names the server without its password when it cannot be reached or refuses the login', async () => {
    const refused = await PgStore.open(cluster.url('postgres', { password: 'wrong-secret' })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toContain(`postgres://postgres@127.0.0.1:${cluster.port}/postgres: the PostgreSQL server refused the login`);
    expect((refused as AppError).message).not.toContain('wrong-secret');

    const closedPort = cluster.url('postgres').replace(`:${cluster.port}/`, ':1/');
    const unreachable = await PgStore.open(closedPort).catch((error: unknown) => error);
    expect((unreachable as AppError).message).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: cannot reach the PostgreSQL server \(.*ECONNREFUSED/u);
    expect((unreachable as AppError).message).not.toContain(cluster.password);

    const missing = await PgStore.open(cluster.url('no_such_db')).catch((error: unknown) => error);
    expect((missing as AppError).message).toContain('no such database');
  });
});
