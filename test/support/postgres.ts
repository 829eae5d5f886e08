import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

// A throwaway PostgreSQL cluster for the tests that need a real server: initdb in a temporary
// folder, a server on a free loopback port (and a Unix socket in that folder), a fresh database per
// test, everything stopped and removed at the end. As root, the server runs as the `postgres` user
// (PostgreSQL refuses to run as root). Logins over TCP need a password (scram-sha-256), as a real
// deployment's would.

/** The folder of Debian's PostgreSQL binaries (initdb, pg_ctl), the newest version installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/u.test(name) && existsSync(join(root, name, 'bin', 'initdb')) && existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export interface TestCluster {
  port: number;
  /** The superuser's password (logins over TCP need it). */
  password: string;
  /** A URL for a database of this cluster. */
  url(database: string, options?: { password?: string }): string;
  /** Creates an empty database and returns its URL. */
  freshDatabase(): Promise<string>;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a cluster; the caller stops it (afterAll). */
export async function startCluster(): Promise<TestCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe', timeout: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'zhoukan-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  if (asRoot) chownSync(pwfile, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', 'start']);

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test run that ends without afterAll (a crash) leaves no server behind.
  process.on('exit', stop);

  const url = (database: string, options: { password?: string } = {}) =>
    `postgres://postgres:${encodeURIComponent(options.password ?? password)}@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    port,
    password,
    url,
    stop,
    async freshDatabase() {
      const name = `zhoukan_test_${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      } finally {
        await client.end();
      }
      return url(name);
    },
  };
}

/**
 * A cluster for the tests of the calling `describe`: started before them, stopped after. The
 * returned handle is usable inside the tests (not while the tests are being collected).
 */
export function useTestCluster(): TestCluster {
  let started: TestCluster | undefined;
  beforeAll(async () => {
    started = await startCluster();
  });
  afterAll(() => started?.stop());
  const live = (): TestCluster => {
    if (!started) throw new Error('the test PostgreSQL cluster is not running');
    return started;
  };
  return {
    get port() {
      return live().port;
    },
    get password() {
      return live().password;
    },
    url: (database, options) => live().url(database, options),
    freshDatabase: () => live().freshDatabase(),
    stop: () => live().stop(),
  };
}
