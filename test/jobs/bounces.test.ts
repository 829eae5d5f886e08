import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { PROJECT_ROOT, runCli } from '../support/cli.js';

// `zhoukan bounces DIR` on a Maildir of real delivery status notifications (Postfix's own, Sendmail's).

const DSN = join(PROJECT_ROOT, 'test/fixtures/dsn');

async function setUp(): Promise<{ dir: string; maildir: string; database: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-bounces-'));
  await writeFile(join(dir, 'zhoukan.config.json'), JSON.stringify({ sources: [], digest: { softBounceLimit: 2 } }));
  const maildir = join(dir, 'Maildir');
  for (const folder of ['new', 'cur', 'tmp']) await mkdir(join(maildir, folder), { recursive: true });
  const database = join(dir, 'data', 'zhoukan.db');
  await mkdir(join(dir, 'data'));
  const store = SqliteStore.open(database);
  const now = new Date();
  for (const address of ['alice@unknown-user.test', 'carol@unknown-user.test', 'erin@full.test', 'zhang.wei@slow.example.net', 'bob@nodomain.test']) {
    await store.subscribers.put({ address, state: 'active', origin: 'form', createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0 });
  }
  await store.close();
  return { dir, maildir, database };
}

async function subscribers(database: string) {
  const store = SqliteStore.open(database);
  try {
    return new Map((await store.subscribers.list()).map((subscriber) => [subscriber.address, subscriber]));
  } finally {
    await store.close();
  }
}

describe('zhoukan bounces DIR', () => {
  it('suppresses hard bounces, counts soft ones up to the limit, and reads each message once', async () => {
    const { dir, maildir, database } = await setUp();
    const put = (from: string, name: string, folder = 'new') => copyFile(join(DSN, from), join(maildir, folder, name));
    await put('postfix/unknown-user.eml', '1001.a.host');
    await put('postfix/two-recipients.eml', '1002.a.host');
    await put('postfix/delayed-mailbox-full.eml', '1003.a.host');
    await put('other/sendmail-delayed.eml', '1004.a.host');
    await put('not-bounces/auto-reply.eml', '1005.a.host');
    // Moved to cur/ by a mail client but not seen: still to read. Seen already: left alone.
    await put('postfix/expired-mailbox-full.eml', '1006.a.host:2,', 'cur');
    await put('postfix/no-domain-headers-only.eml', '1007.a.host:2,S', 'cur');

    const first = await runCli(['bounces', maildir], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/bounces: read 6 messages: 3 hard, 3 soft, 3 suppressed, 1 not subscribers, 1 skipped/);
    expect(first.stderr).toContain('1005.a.host');
    let known = await subscribers(database);
    expect(known.get('alice@unknown-user.test')?.suppressedReason).toMatch(/^hard bounce: 5\.1\.1/);
    expect(known.get('carol@unknown-user.test')?.suppressedAt).toBeDefined();
    expect(known.get('erin@full.test')).toMatchObject({ softBounces: 2, suppressedReason: expect.stringMatching(/^2 soft bounces/) });
    expect(known.get('zhang.wei@slow.example.net')).toMatchObject({ softBounces: 1 });
    expect(known.get('zhang.wei@slow.example.net')?.suppressedAt).toBeUndefined();
    expect(known.get('bob@nodomain.test')?.suppressedAt).toBeUndefined();
    expect(await readdir(join(maildir, 'new'))).toEqual([]);
    expect((await readdir(join(maildir, 'cur'))).sort()).toEqual(
      ['1001.a.host:2,S', '1002.a.host:2,S', '1003.a.host:2,S', '1004.a.host:2,S', '1005.a.host:2,S', '1006.a.host:2,S', '1007.a.host:2,S'],
    );

    const again = await runCli(['bounces', maildir], { cwd: dir });
    expect(again.stdout).toMatch(/bounces: read 0 messages/);
    known = await subscribers(database);
    expect(known.get('zhang.wei@slow.example.net')).toMatchObject({ softBounces: 1 });

    // A second report of the same delay, arriving later: the limit is reached
    await put('other/sendmail-delayed.eml', '1008.a.host');
    const later = await runCli(['bounces', maildir], { cwd: dir });
    expect(later.stdout).toMatch(/bounces: read 1 message: 0 hard, 1 soft, 1 suppressed/);
    expect((await subscribers(database)).get('zhang.wei@slow.example.net')?.suppressedAt).toBeDefined();
  });

  it('names a folder that is no Maildir, and wants exactly one folder', async () => {
    const { dir } = await setUp();
    const wrong = await runCli(['bounces', dir], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`${dir} is not a Maildir`);
    expect((await runCli(['bounces'], { cwd: dir })).code).toBe(2);
  });
});
