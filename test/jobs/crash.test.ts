import { execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, SHARED } from '../support/cli.js';
import { can, lacks, needs } from '../support/requirements.js';
import { validateFeeds } from '../support/validate-feeds.js';

const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, 'dist/cli.js');

/** Articles archived so far, read from the live archive (WAL lets a reader look while the writer writes). */
function archivedCount(database: string): number {
  try {
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM articles').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or its schema not yet written
  }
}

interface InterruptedCollect {
  dir: string;
  posts: string;
  data: string;
  database: string;
  /** Articles archived when the signal was sent (0 if the collect ended first). */
  signalledAt: number;
  exitCode: number | null;
}

/** Collects 2,000 make-corpus posts in a child process and sends it `signal` once 200 are archived. */
async function interruptCollect(signal: NodeJS.Signals): Promise<InterruptedCollect> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-crash-'));
  const posts = join(dir, 'posts');
  const data = join(dir, 'data');
  const database = join(data, 'zhoukan.db');
  await run(join(SHARED, 'tools/make-corpus'), ['--n', '2000', '--out', posts]);
  const child = spawn(process.execPath, [CLI, 'collect', '--source', posts, '--data', data, '--quiet'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let signalledAt = 0;
  for (let waited = 0; waited < 30_000 && child.exitCode === null; waited += 10) {
    const count = archivedCount(database);
    if (count >= 200) {
      child.kill(signal);
      signalledAt = count;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { dir, posts, data, database, signalledAt, exitCode: await exited };
}

describe.skipIf(lacks(needs.shared, 'a collect of make-corpus posts killed mid-run'))('a collect killed mid-run', () => {
  it('loses nothing and archives nothing twice: the next run ends with every post archived exactly once', async () => {
    const { dir, posts, data, database, signalledAt: killedAt } = await interruptCollect('SIGKILL');
    expect(killedAt, 'the collect must be killed after some posts were archived').toBeGreaterThanOrEqual(200);
    expect(archivedCount(database), 'and before all were').toBeLessThan(2000);

    const output = join(dir, 'out');
    const again = await runCli(['digest', '--source', posts, '--data', data, '--output', output], { cwd: dir });
    expect(again.code).toBe(0);

    const db = new Database(database, { readonly: true });
    const articles = (db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT path) AS paths FROM articles').get() as { n: number; paths: number });
    const files = db.prepare('SELECT COUNT(*) AS n, COUNT(article_id) AS linked FROM files').get() as { n: number; linked: number };
    db.close();
    expect(articles).toEqual({ n: 2000, paths: 2000 });
    expect(files).toEqual({ n: 2000, linked: 2000 });
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(output)).summary).toBe('3 passed, 0 failed');
  });

  it('stops at the end of a batch on SIGTERM, with the archive closed and consistent', async () => {
    const { database, exitCode } = await interruptCollect('SIGTERM');
    expect(exitCode).toBe(130);
    const db = new Database(database, { readonly: true });
    const counts = db.prepare('SELECT (SELECT COUNT(*) FROM articles) AS articles, (SELECT COUNT(*) FROM files) AS files, (SELECT COUNT(*) FROM locks) AS locks').get() as { articles: number; files: number; locks: number };
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    expect(integrity).toBe('ok');
    // Every archived article with its file (a batch is one transaction), and the lock released.
    expect(counts.articles).toBeGreaterThan(0);
    expect(counts.articles).toBeLessThan(2000);
    expect(counts.files).toBe(counts.articles);
    expect(counts.locks).toBe(0);
  });
});
