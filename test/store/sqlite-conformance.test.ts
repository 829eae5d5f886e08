import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import { storeConformance } from './conformance.js';

// The SQLite archive, a real file in a fresh folder, against the Store contract.
storeConformance('SqliteStore', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'zhoukan-store-')), 'zhoukan.db');
  return { store: SqliteStore.open(path), reopen: async () => SqliteStore.open(path) };
});
