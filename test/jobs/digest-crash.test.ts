import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { PROJECT_ROOT, runCli } from '../support/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const CLI = join(PROJECT_ROOT, 'dist/cli.js');
const servers: TestSmtpServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

function sentCount(database: string): number {
  const db = new Database(database, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a digest run killed between two recipients', () => {
  it('sends the others on the next run, and nobody twice', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    let holding = true;
    // b's RCPT is held until the sender has been killed: the crash falls between a and b.
    const server = await startSmtpServer({ onRcpt: (address) => (address === 'b@example.org' && holding ? held : undefined) });
    servers.push(server);

    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-digest-crash-'));
    await writeFile(
      join(dir, 'zhoukan.config.json'),
      JSON.stringify({
        sources: [join(PROJECT_ROOT, 'seeds')],
        digest: { recipients: ['a@example.org', 'b@example.org', 'c@example.org'], from: 'digest@news.example.org' },
        // One connection: the messages go one after another, so the kill falls between a and b
        smtp: { host: '127.0.0.1', port: server.port, requireTls: false, retryDelaySeconds: 0, connections: 1 },
      }),
    );
    const database = join(dir, 'data', 'zhoukan.db');
    const child = spawn(process.execPath, [CLI, 'digest', '--quiet'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let waited = 0; waited < 30_000 && child.exitCode === null; waited += 20) {
      if (server.messages.length === 1 && sentCount(database) === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.messages.map((message) => message.to)).toEqual([['a@example.org']]);
    child.kill('SIGKILL');
    await exited;
    holding = false;
    release();

    const again = await runCli(['digest'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/finished 2 earlier deliveries; digest: nothing new since the last digest/);
    expect(server.messages.flatMap((message) => message.to).sort()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
    const ids = server.messages.map((message) => /^Message-ID: (.*)$/im.exec(message.raw.toString())?.[1]);
    expect(new Set(ids).size).toBe(3);
  });
});

function deliveriesIn(database: string, status: string): string[] {
  const db = new Database(database, { readonly: true });
  try {
    return (db.prepare('SELECT recipient FROM deliveries WHERE status = ?').all(status) as { recipient: string }[]).map((row) => row.recipient);
  } finally {
    db.close();
  }
}

describe('a personal digest to 300 subscribers over pooled connections, killed mid-run', () => {
  it('reaches each subscriber once after a rerun; only a message in flight at the kill may arrive twice', async () => {
    const server = await startSmtpServer();
    servers.push(server);
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-digest-crash-pool-'));
    const connections = 4;
    await writeFile(
      join(dir, 'zhoukan.config.json'),
      JSON.stringify({
        sources: [join(PROJECT_ROOT, 'seeds')],
        digest: { from: 'digest@news.example.org' },
        smtp: { host: '127.0.0.1', port: server.port, requireTls: false, retryDelaySeconds: 0, connections, ratePerSecond: 10_000 },
      }),
    );
    const database = join(dir, 'data', 'zhoukan.db');
    await mkdir(join(dir, 'data'));
    const store = SqliteStore.open(database);
    const addresses = Array.from({ length: 300 }, (_, index) => `reader${String(index).padStart(3, '0')}@example.org`);
    const now = new Date();
    for (const address of addresses) {
      await store.subscribers.put({ address, state: 'active', origin: 'import', createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0 });
    }
    await store.close();

    const child = spawn(process.execPath, [CLI, 'digest', '--quiet'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let waited = 0; waited < 60_000 && child.exitCode === null && server.messages.length < 100; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;
    const before = server.messages.length;
    expect(before).toBeGreaterThanOrEqual(100);
    expect(before).toBeLessThan(300);
    const inFlight = deliveriesIn(database, 'sending');
    expect(inFlight.length).toBeLessThanOrEqual(connections);

    const again = await runCli(['digest'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/finished \d+ earlier deliveries; digest: nothing new since the last digest/);
    const counts = new Map<string, number>();
    for (const address of server.messages.flatMap((message) => message.to)) counts.set(address, (counts.get(address) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(addresses);
    const twice = [...counts].filter(([, count]) => count > 1).map(([address]) => address);
    // Sent twice: only those accepted by the server while still recorded as sending when killed
    for (const address of twice) expect(inFlight).toContain(address);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(deliveriesIn(database, 'sent')).toHaveLength(300);
  });
});
