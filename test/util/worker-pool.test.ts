import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src/util/worker-pool.js';

/** A worker that doubles numbers, fails on 'fail' and dies on 'die'. */
const SCRIPT = `
import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', async ({ id, task }) => {
  if (task === 'die') process.exit(3);
  if (task === 'fail') return parentPort.postMessage({ id, error: 'no good' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  parentPort.postMessage({ id, result: { doubled: task * 2, threadId } });
});
`;

async function script(): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-pool-'));
  const path = join(dir, 'worker.mjs');
  await writeFile(path, SCRIPT);
  return pathToFileURL(path);
}

describe('createWorkerPool', () => {
  it('runs tasks on every worker and gives each caller its own result', async () => {
    const pool = createWorkerPool<number | string, { doubled: number; threadId: number }>(await script(), { size: 2 });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, index) => pool.run(index)));
      expect(results.map((result) => result.doubled)).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
      expect(new Set(results.map((result) => result.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('grows to more workers on request, and not after it is closed', async () => {
    const pool = createWorkerPool<number | string, { doubled: number; threadId: number }>(await script(), { size: 1 });
    const alone = await Promise.all(Array.from({ length: 6 }, (_, index) => pool.run(index)));
    expect(new Set(alone.map((result) => result.threadId)).size).toBe(1);
    pool.grow(2);
    pool.grow(1); // never shrinks
    expect(pool.size).toBe(2);
    const both = await Promise.all(Array.from({ length: 20 }, (_, index) => pool.run(index)));
    expect(both.map((result) => result.doubled)).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
    expect(new Set(both.map((result) => result.threadId)).size).toBe(2);
    await pool.close();
    pool.grow(4);
    expect(pool.size).toBe(2);
  });

  it('rejects a failed task and goes on with the next ones', async () => {
    const pool = createWorkerPool<number | string, { doubled: number }>(await script(), { size: 1 });
    try {
      await expect(pool.run('fail')).rejects.toThrow('no good');
      await expect(pool.run(4)).resolves.toMatchObject({ doubled: 8 });
    } finally {
      await pool.close();
    }
  });

  it('rejects the task of a worker that died, keeps the others working, and fails when none is left', async () => {
    const pool = createWorkerPool<number | string, { doubled: number }>(await script(), { size: 2 });
    try {
      await expect(pool.run('die')).rejects.toThrow(/worker thread stopped/);
      await expect(pool.run(1)).resolves.toMatchObject({ doubled: 2 });
      await expect(pool.run('die')).rejects.toThrow(/worker thread stopped/);
      await expect(pool.run(1)).rejects.toThrow(/closed|no worker/);
    } finally {
      await pool.close();
    }
  });

  it('rejects what is still queued when closed', async () => {
    const pool = createWorkerPool<number | string, { doubled: number }>(await script(), { size: 1 });
    const first = pool.run(1);
    const queued = expect(pool.run(2)).rejects.toThrow(/closed/);
    first.catch(() => undefined);
    await pool.close();
    await queued;
    await expect(pool.run(3)).rejects.toThrow(/closed/);
  });
});
