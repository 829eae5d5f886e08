import { describe } from 'vitest';
import { PgStore } from '../../src/store/postgres.js';
import { useTestCluster } from '../support/postgres.js';
import { lacks, needs } from '../support/requirements.js';
import { storeConformance } from './conformance.js';

// The PostgreSQL archive, on a real server with a fresh database per test, against the Store contract.
describe.skipIf(lacks(needs.postgres, 'the PostgreSQL archive'))('PostgreSQL', () => {
  const cluster = useTestCluster();

  storeConformance('PgStore', async () => {
    const url = await cluster.freshDatabase();
    return { store: await PgStore.open(url), reopen: () => PgStore.open(url) };
  });
});
