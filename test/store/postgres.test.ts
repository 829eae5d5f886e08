import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { PgStore } from '../../src/store/postgres.js';
import type { SaveResult } from '../../src/store/store.js';
import { startCluster, type TestCluster } from '../support/postgres.js';
import { lacks, needs } from '../support/requirements.js';
import { article } from './conformance.js';

// What the conformance suite cannot say with one embedded file: several instances (each its own
// pool of connections) writing one PostgreSQL archive at once, and the server's faults.
describe.skipIf(lacks(needs.postgres, 'the PostgreSQL archive under concurrency'))('PgStore on a shared server', () => {
  const now = new Date('2022-06-08T00:00:00Z');
  let cluster: TestCluster;
  const opened: PgStore[] = [];
  const open = async (url: string) => {
    const store = await PgStore.open(url);
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  afterAll(() => cluster?.stop());

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

  it('frees the job lock of an instance whose connection died', async () => {
    const url = await cluster.freshDatabase();
    const [dying, survivor] = await Promise.all([open(url), open(url)]);
    expect(await dying!.tryLock('collect', now)).toBeDefined();
    expect(await survivor!.tryLock('collect', now)).toBeUndefined();
    expect((await survivor!.lockHolder('collect'))?.pid).toBe(process.pid);
    // The process is gone: the server ends its sessions (here: closing the pool drops them).
    await dying!.close();
    expect(await survivor!.lockHolder('collect')).toBeUndefined();
    const taken = await survivor!.tryLock('collect', now);
    expect(taken).toBeDefined();
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
