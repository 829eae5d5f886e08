import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PgStore } from '../src/store/postgres.js';
import { runCli, PROJECT_ROOT } from './support/cli.js';
import { useTestCluster } from './support/postgres.js';
import { can, lacks, needs } from './support/requirements.js';
import { validateFeeds } from './support/validate-feeds.js';

// The command line with its archive on a real PostgreSQL server (ZHOUKAN_DATABASE_URL): the same
// runs as on the SQLite file, the same output, and the server's faults as one clear message.

const SEEDS = join(PROJECT_ROOT, 'seeds');

describe.skipIf(lacks(needs.postgres, 'the command line on a PostgreSQL archive'))('zhoukan on PostgreSQL', () => {
  const cluster = useTestCluster();

  it('digest, update and build run on the server and write what the SQLite archive writes', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-cli-pg-'));
    const url = await cluster.freshDatabase();
    const env = { ZHOUKAN_DATABASE_URL: url };
    const output = join(cwd, 'out');
    const data = join(cwd, 'data');
    const args = (command: string, out = output, dataDir = data) => [command, '--source', SEEDS, '--output', out, '--data', dataDir];

    const digest = await runCli(args('digest'), { cwd, env });
    expect(digest.stderr).not.toMatch(/error/iu);
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/collected 5 new, 0 updated, 0 unchanged, 0 duplicates, 0 skipped, 0 failed sources; built 5 pages, 3 feeds and 1 theme from 5 articles/u);
    expect(digest.stdout).toMatch(/digest \S+ \(5 articles in 1 theme\) written to/u);
    // The archive is on the server, not in data/.
    expect(existsSync(join(data, 'zhoukan.db'))).toBe(false);
    const store = await PgStore.open(url);
    try {
      expect(await store.counts()).toEqual({ articles: 5, duplicates: 0 });
      expect((await store.revisionsSince(0)).length).toBe(5);
    } finally {
      await store.close();
    }

    const update = await runCli(args('update'), { cwd, env });
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/collected 0 new, 0 updated, 5 unchanged, .*; built 0 pages, /u);
    const build = await runCli(['build', '--output', join(cwd, 'rebuilt'), '--data', data], { cwd, env });
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/built 5 pages, 3 feeds and 1 theme from 5 articles/u);
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(join(cwd, 'rebuilt'))).summary).toBe('3 passed, 0 failed');

    // The same run on the SQLite file: the same files, the same article pages.
    const sqliteOutput = join(cwd, 'sqlite-out');
    expect((await runCli(args('update', sqliteOutput, join(cwd, 'sqlite-data')), { cwd })).code).toBe(0);
    const files = async (dir: string) => (await readdir(dir, { recursive: true })).sort();
    expect(await files(join(cwd, 'rebuilt'))).toEqual(await files(sqliteOutput));
    for (const page of await readdir(join(sqliteOutput, 'articles'))) {
      expect(await readFile(join(cwd, 'rebuilt', 'articles', page), 'utf8')).toBe(await readFile(join(sqliteOutput, 'articles', page), 'utf8'));
    }
  });

  it('says once, without the password, that the server cannot be reached or refused the login, and exits 1', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-cli-pg-'));
    const closed = cluster.url('postgres').replace(`:${cluster.port}/`, ':1/');
    const unreachable = await runCli(['build', '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], { cwd, env: { ZHOUKAN_DATABASE_URL: closed } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: cannot reach the PostgreSQL server \(.*ECONNREFUSED.*\n$/u);
    expect(unreachable.stderr).not.toContain(cluster.password);

    const wrong = cluster.url('postgres', { password: 'not-the-secret' });
    const refused = await runCli(['build', '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], { cwd, env: { ZHOUKAN_DATABASE_URL: wrong } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`postgres://postgres@127.0.0.1:${cluster.port}/postgres: the PostgreSQL server refused the login`);
    expect(refused.stderr).not.toContain('not-the-secret');
  });

  it('refuses a second collect while another process holds the lock in the database, naming it without the password', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-cli-pg-'));
    const url = await cluster.freshDatabase();
    await writeFile(join(cwd, 'zhoukan.config.json'), JSON.stringify({ lockWaitSeconds: 1 }));
    const store = await PgStore.open(url);
    try {
      const lock = await store.tryLock('collect', new Date());
      expect(lock).toBeDefined();
      const args = ['collect', '--source', SEEDS, '--data', join(cwd, 'data')];
      const refused = await runCli(args, { cwd, env: { ZHOUKAN_DATABASE_URL: url } });
      expect(refused.code).toBe(1);
      const where = `postgres://postgres@127\\.0\\.0\\.1:${cluster.port}/`;
      expect(refused.stderr).toMatch(new RegExp(`another collect is running on ${where}\\w+ \\(process ${process.pid} on .*\\); try again when it has finished`, 'u'));
      expect(refused.stderr).not.toContain(cluster.password);
      await lock?.release();
      expect((await runCli(args, { cwd, env: { ZHOUKAN_DATABASE_URL: url } })).code).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('refuses a password in the config file and takes it from PGPASSWORD', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'zhoukan-cli-pg-'));
    const url = await cluster.freshDatabase();
    const config = join(cwd, 'zhoukan.config.json');
    await writeFile(config, JSON.stringify({ database: { url } }));
    const withPassword = await runCli(['build', '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], { cwd });
    expect(withPassword.code).toBe(1);
    expect(withPassword.stderr).toContain('database.url: holds a password; keep the password out of the config file: give it in PGPASSWORD');
    expect(withPassword.stderr).not.toContain(cluster.password);

    await writeFile(config, JSON.stringify({ database: { url: url.replace(`:${encodeURIComponent(cluster.password)}@`, '@') } }));
    const fromEnv = await runCli(['update', '--source', SEEDS, '--output', join(cwd, 'out'), '--data', join(cwd, 'data')], {
      cwd,
      env: { PGPASSWORD: cluster.password },
    });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toMatch(/collected 5 new/u);
  });
});
