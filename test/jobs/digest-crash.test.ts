import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
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
