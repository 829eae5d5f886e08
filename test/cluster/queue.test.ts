import { describe, expect, it } from 'vitest';
import { openJobQueue, stableJobId } from '../../src/cluster/queue.js';
import { createMemoryLog } from '../../src/util/log.js';
import { useTestCluster } from '../support/postgres.js';
import { lacks, needs } from '../support/requirements.js';

// The job queue the instances share (pg-boss on the archive's database), on a real server.

describe('stableJobId', () => {
  it('gives the same UUID for the same parts and another for other parts', () => {
    const id = stableJobId('round-1', '127.0.0.1', '0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(stableJobId('round-1', '127.0.0.1', '0')).toBe(id);
    expect(stableJobId('round-1', '127.0.0.1', '1')).not.toBe(id);
    expect(stableJobId('round-1', '127.0.0.10')).not.toBe(stableJobId('round-1', '127.0.0.1', '0'));
  });
});

describe.skipIf(lacks(needs.postgres, 'the job queue on PostgreSQL'))('the job queue', () => {
  const cluster = useTestCluster();

  it('queues a job once however often its id is sent, retries a failed one, and reports what each returned', async () => {
    const url = await cluster.freshDatabase();
    const log = createMemoryLog();
    const queue = await openJobQueue(url, log, { maintenanceSeconds: 60 });
    try {
      const jobs = ['a', 'b', 'c'].map((name) => ({ id: stableJobId('test', name), data: { name }, expireInSeconds: 30, retryLimit: 1, retryDelaySeconds: 1 }));
      await queue.insert('zhoukan-feeds', jobs);
      // Sent again (a retried sender): nothing more is queued.
      await queue.insert('zhoukan-feeds', jobs);
      const runs: string[] = [];
      queue.consume<{ name: string }, { done: string }>('zhoukan-feeds', { concurrency: 2 }, async (job) => {
        runs.push(job.data.name);
        // b fails its first time.
        if (job.data.name === 'b' && runs.filter((name) => name === 'b').length === 1) throw new Error('first try fails');
        return { done: job.data.name };
      });
      const ids = jobs.map((job) => job.id);
      const deadline = Date.now() + 30_000;
      let progress = await queue.progress<{ done: string }>('zhoukan-feeds', ids);
      while (progress.unfinished > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        progress = await queue.progress<{ done: string }>('zhoukan-feeds', ids);
      }
      expect(progress.unfinished).toBe(0);
      expect(progress.outputs.map((output) => output.done).sort()).toEqual(['a', 'b', 'c']);
      expect(runs.sort()).toEqual(['a', 'b', 'b', 'c']);
      expect(log.lines.join('\n')).toMatch(/zhoukan-feeds job \S+: first try fails/u);
    } finally {
      await queue.stop();
    }
  });

  it('keeps one waiting build at most, however many are asked for', async () => {
    const url = await cluster.freshDatabase();
    const queue = await openJobQueue(url, createMemoryLog(), { maintenanceSeconds: 60 });
    try {
      for (let i = 0; i < 5; i++) await queue.send('zhoukan-build', {}, { expireInSeconds: 60, retryLimit: 0 });
      let builds = 0;
      queue.consume('zhoukan-build', { concurrency: 1 }, async () => {
        builds += 1;
      });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(builds).toBe(1);
    } finally {
      await queue.stop();
    }
  });
});
