import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyToPostgres } from '../src/store/copy-to-postgres.js';
import { PgStore } from '../src/store/postgres.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { runCli, PROJECT_ROOT } from './support/cli.js';
import { useTestCluster } from './support/postgres.js';
import { lacks, needs } from './support/requirements.js';
import { article } from './store/conformance.js';

// `zhoukan migrate --to postgres://…`: a SQLite archive with every kind of record, copied to a
// real server; the copy reads back the same, builds the same files, and is not made twice.

const SEEDS = join(PROJECT_ROOT, 'seeds');
const now = new Date('2022-06-08T00:00:00Z');

/** Everything the Store interface can read back, for comparing two archives. */
async function everything(store: Store) {
  const revisions = await store.revisionsSince(0);
  return {
    revision: await store.revision(),
    revisions,
    articles: await store.articlesAtRevisions(revisions),
    duplicate: await store.getArticle('tag:x:copy'),
    counts: await store.counts(),
    meta: await store.getMeta('idAuthority'),
    files: [...(await store.fileStates('seeds')).entries()].sort(),
    source: await store.getSourceState('https://feeds.example.org/rss'),
    digest: await store.digests.get('2022-W23'),
    deliveries: await store.digests.deliveries('2022-W23'),
    lastRegular: await store.digests.lastRegularRevision(),
    unsubscribed: await store.digests.isUnsubscribed('gone@example.org'),
    subscribers: await store.subscribers.list(),
  };
}

describe.skipIf(lacks(needs.postgres, 'zhoukan migrate to PostgreSQL'))('zhoukan migrate', () => {
  const cluster = useTestCluster();

  it('copies a SQLite archive whole, checks the counts, builds the same files, and refuses a second copy', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-migrate-'));
    const data = join(cwd, 'data');
    expect((await runCli(['update', '--source', SEEDS, '--output', join(cwd, 'first'), '--data', data], { cwd })).code).toBe(0);
    const sqlite = SqliteStore.open(join(data, 'zhoukan.db'));
    const [first] = await sqlite.latestArticles(1);
    await sqlite.saveCollected([{ article: article('tag:x:copy', first!.text, { source: 'other' }) }], now);
    await sqlite.saveSourceState({ key: 'https://feeds.example.org/rss', etag: '"e"', lastSuccess: now, errorCount: 1, lastError: '500', nextCheck: now });
    await sqlite.digests.create(
      {
        digest: { id: '2022-W23', periodStart: new Date('2022-06-01T00:00:00Z'), periodEnd: now, createdAt: now, themes: [], total: 1, omitted: 0 },
        kind: 'regular',
        throughRevision: 5,
        articleIds: [first!.id],
        deliveries: [
          { recipient: 'a@example.org', messageId: '<1@example.org>' },
          { recipient: 'b@example.org', messageId: '<2@example.org>', themes: ['金融'] },
        ],
      },
      now,
    );
    await sqlite.digests.markSending('2022-W23', 'a@example.org', now);
    await sqlite.digests.markOutcome('2022-W23', 'a@example.org', 'sent', undefined, now);
    await sqlite.digests.unsubscribe('gone@example.org', 'one-click', now);
    await sqlite.subscribers.put({ address: 'a@example.org', state: 'active', origin: 'form', themes: ['金融'], createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 1 });
    await sqlite.subscribers.put({ address: 'p@example.org', state: 'pending', origin: 'import', createdAt: now, updatedAt: now, softBounces: 0 });
    const expected = await everything(sqlite);
    await sqlite.close();

    const url = await cluster.freshDatabase();
    const migrated = await runCli(['migrate', '--to', url, '--data', data], { cwd });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain(`to postgres://postgres@127.0.0.1:${cluster.port}/`);
    expect(migrated.stdout).not.toContain(cluster.password);
    const counts = Object.fromEntries(
      migrated.stdout.split('\n').slice(1).filter(Boolean).map((line) => line.trim().split(/\s+/u)).map(([table, rows]) => [table, Number(rows)]),
    );
    expect(counts).toMatchObject({ articles: 6, digests: 1, digest_articles: 1, deliveries: 2, unsubscribes: 1, subscribers: 2, sources: 1 });
    expect(counts.files).toBe(5);

    const pg = await PgStore.open(url);
    try {
      expect(await everything(pg)).toEqual(expected);
      // A new article after the copy continues the revisions.
      const [saved] = await pg.saveCollected([{ article: article('tag:x:after', '迁移之后的新文章。') }], now);
      expect(saved?.revision).toBe(expected.revision + 1);
      await pg.saveCollected([], now);
    } finally {
      await pg.close();
    }

    // Built from either archive, into new folders: the same files, byte for byte (the article
    // saved after the copy aside, it is the same archive).
    const fromSqlite = join(cwd, 'from-sqlite');
    const fromPg = join(cwd, 'from-pg');
    expect((await runCli(['build', '--output', fromSqlite, '--data', data], { cwd })).code).toBe(0);
    const copyUrl = await cluster.freshDatabase();
    expect((await runCli(['migrate', '--to', copyUrl, '--data', data], { cwd })).code).toBe(0);
    const built = await runCli(['build', '--output', fromPg, '--data', join(cwd, 'pg-data')], { cwd, env: { ZHOUKAN_DATABASE_URL: copyUrl } });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const files = (await readdir(fromSqlite, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(fromSqlite.length + 1)).sort();
    expect(files.length).toBeGreaterThan(10);
    expect((await readdir(fromPg, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).length).toBe(files.length);
    // Each folder names itself (.zhoukan-output): the one file that differs by design.
    for (const file of files.filter((name) => name !== '.zhoukan-output')) {
      expect(await readFile(join(fromPg, file), 'utf8'), file).toBe(await readFile(join(fromSqlite, file), 'utf8'));
    }

    const again = await runCli(['migrate', '--to', url, '--data', data], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the target archive is not empty \(.*7 articles.*\); migrate copies into an empty database only/u);
  });

  it('copies in batches, by each table key, duplicates after their originals', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-migrate-'));
    const sqlite = SqliteStore.open(join(dir, 'zhoukan.db'));
    // Ids sort so that most duplicates come before their originals.
    const items = Array.from({ length: 9 }, (_, index) => ({
      article: article(`tag:x:${9 - index}`, `第${index % 4}个故事。`),
      file: { source: 'seeds', path: `${index}.txt`, size: index, mtimeMs: 1000.5 + index, contentHash: `h${index}` },
    }));
    await sqlite.saveCollected(items, now);
    const expected = await everything(sqlite);
    expect(expected.counts).toEqual({ articles: 4, duplicates: 5 });
    const pg = await PgStore.open(await cluster.freshDatabase());
    try {
      const copied = await copyToPostgres(sqlite, pg, { batchSize: 2 });
      expect(copied.find((table) => table.table === 'articles')?.rows).toBe(9);
      expect(copied.find((table) => table.table === 'files')?.rows).toBe(9);
      expect(await everything(pg)).toEqual(expected);
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });

  it('says what is missing: the target, or an archive to copy', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-migrate-'));
    const noTarget = await runCli(['migrate', '--data', join(cwd, 'data')], { cwd });
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--to: give the PostgreSQL database to copy into');
    const noArchive = await runCli(['migrate', '--to', cluster.url('postgres'), '--data', join(cwd, 'data')], { cwd });
    expect(noArchive.code).toBe(2);
    expect(noArchive.stderr).toContain(`${join(cwd, 'data', 'zhoukan.db')}: no archive to copy`);
    expect(noArchive.stderr).not.toContain(cluster.password);
  });
});
