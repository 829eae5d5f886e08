import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite.js';
import { PROJECT_ROOT, runCli } from './support/cli.js';

const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, 'dist/cli.js');
const SEEDS = join(PROJECT_ROOT, 'seeds');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `zhoukan start` on a free port and resolves with its URL once it serves. */
async function startService(dir: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--source', SEEDS, '--output', join(dir, 'out'), '--data', join(dir, 'data'), '--port', '0'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`zhoukan start exited with ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

describe('zhoukan start', () => {
  it('serves the feeds it built, and newsboat subscribed to rss.xml reads every item', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-service-'));
    const { child, url } = await startService(dir);

    const response = await fetch(`${url}rss.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    const body = await response.text();
    expect(body.match(/<item>/g)).toHaveLength(5);
    // What a feed reader does: revalidate with the ETag (max-age=0, as fetch would otherwise add no-cache).
    const revalidated = await fetch(`${url}rss.xml`, { headers: { 'If-None-Match': etag ?? '', 'Cache-Control': 'max-age=0' } });
    expect(revalidated.status).toBe(304);

    await writeFile(join(dir, 'urls'), `${url}rss.xml\n`);
    await writeFile(join(dir, 'config'), 'reload-threads 1\n');
    const newsboat = await run(
      'newsboat',
      ['-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config'), '-x', 'reload', 'print-unread'],
      { env: { ...process.env, HOME: dir, TERM: 'dumb' } },
    );
    expect(newsboat.stdout.trim()).toBe('5 unread articles');

    const stopped = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  });

  it('lets a manual digest run beside it, and refuses a second collect while one holds the archive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-lock-'));
    const { url } = await startService(dir);
    expect((await fetch(`${url}feed.json`)).status).toBe(200);
    const args = ['--source', SEEDS, '--output', join(dir, 'out'), '--data', join(dir, 'data')];

    const manual = await runCli(['digest', ...args], { cwd: dir });
    expect(manual.code).toBe(0);
    expect(manual.stdout).toMatch(/collected 0 new, 0 updated, 5 unchanged/);

    // Another live process holds the collect lock: a second collect waits, then says so.
    await writeFile(join(dir, 'zhoukan.config.json'), JSON.stringify({ lockWaitSeconds: 1 }));
    const store = SqliteStore.open(join(dir, 'data', 'zhoukan.db'));
    const lock = await store.tryLock('collect', new Date());
    expect(lock).toBeDefined();
    const refused = await runCli(['collect', ...args], { cwd: dir });
    await lock?.release();
    await store.close();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/another collect is running on .*zhoukan\.db \(process \d+ on .*\); try again when it has finished/);
  });
});
