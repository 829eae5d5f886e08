import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigOverrides } from '../../src/config.js';
import type { JobContext } from '../../src/jobs/context.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { createMemoryLog } from '../../src/util/log.js';

export interface TestContext extends JobContext {
  log: ReturnType<typeof createMemoryLog>;
  dir: string;
}

/**
 * A job context over a real archive in a fresh temporary folder, with the given sources and
 * settings (a zhoukan.config.json written there when `file` is given).
 */
export async function createTestContext(
  overrides: ConfigOverrides & { file?: Record<string, unknown>; now?: Date } = {},
): Promise<TestContext> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-job-'));
  if (overrides.file) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'zhoukan.config.json'), JSON.stringify(overrides.file));
  }
  const config = loadConfig({ output: 'output', data: 'data', ...overrides }, {}, dir);
  const store = SqliteStore.open(join(config.data, 'zhoukan.db'));
  return {
    dir,
    config,
    store,
    log: createMemoryLog(),
    now: overrides.now ?? new Date('2022-06-08T00:00:00Z'),
    fetch: globalThis.fetch,
  };
}
