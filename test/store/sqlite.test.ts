import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { archiveFault, SqliteStore } from '../../src/store/sqlite.js';
import { article } from './conformance.js';

const now = new Date('2022-06-08T00:00:00Z');
const stores: SqliteStore[] = [];

async function openStore(): Promise<SqliteStore> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-store-'));
  const store = SqliteStore.open(join(dir, 'zhoukan.db'));
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

// The Store contract is in conformance.ts (sqlite-conformance.test.ts); here, what is SQLite's own.
describe('SqliteStore', () => {
  it('creates a WAL archive with the schema at the latest migration, and reopens it', async () => {
    const store = await openStore();
    await store.setMeta('idAuthority', 'example.org,2022');
    await store.close();
    const raw = new Database(store.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    raw.close();
    const again = SqliteStore.open(store.path);
    stores.push(again);
    expect(await again.getMeta('idAuthority')).toBe('example.org,2022');
  });

  it('lets one process hold a job lock, and takes over a lock whose process is gone', async () => {
    const store = await openStore();
    const lock = await store.tryLock('collect', now);
    expect(lock).toBeDefined();
    const other = SqliteStore.open(store.path);
    stores.push(other);
    // Same pid: held by us, so a second take by this process is refused only through a live other pid.
    const raw = new Database(store.path);
    raw.prepare('UPDATE locks SET pid = ? WHERE kind = ?').run(process.ppid, 'collect');
    expect(await other.tryLock('collect', now)).toBeUndefined();
    expect((await other.lockHolder('collect'))?.pid).toBe(process.ppid);
    raw.prepare('UPDATE locks SET pid = ? WHERE kind = ?').run(2 ** 22 + 12345, 'collect');
    raw.close();
    const taken = await other.tryLock('collect', now);
    expect(taken).toBeDefined();
    await taken?.release();
    expect(await other.lockHolder('collect')).toBeUndefined();
    await lock?.release();
  });

  it('reports a row whose JSON cannot be read as damage of the archive, naming the article', async () => {
    const store = await openStore();
    await store.saveCollected([{ article: article('tag:x:a', '第一段。') }], now);
    const db = new Database(store.path);
    db.prepare("UPDATE articles SET categories = '\u00a5\u00a5' WHERE id = 'tag:x:a'").run();
    db.close();
    let error: unknown;
    try {
      await store.latestArticles(10);
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
