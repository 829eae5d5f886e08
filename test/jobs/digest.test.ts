import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runCollect } from '../../src/jobs/collect.js';
import { runDigest } from '../../src/jobs/digest.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { startSmtpServer, freePort, type TestSmtpServer } from '../support/smtp.js';

const SEEDS = join(PROJECT_ROOT, 'seeds');
const RECIPIENTS = ['a@example.org', 'b@example.org', 'c@example.org'];
const servers: TestSmtpServer[] = [];
const contexts: TestContext[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const context of contexts.splice(0)) await context.store.close();
});

/** A context over the seeds, sending to a loopback SMTP server on `port` (or none). */
async function digestContext(port?: number, extra: Record<string, unknown> = {}): Promise<TestContext> {
  const context = await createTestContext({
    sources: [SEEDS],
    file: {
      digest: { recipients: RECIPIENTS, from: '周刊 <digest@news.example.org>' },
      ...(port ? { smtp: { host: '127.0.0.1', port, requireTls: false, attempts: 2, retryDelaySeconds: 0 } } : {}),
      ...extra,
    },
  });
  contexts.push(context);
  return context;
}

async function smtp(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server;
}

async function addPost(context: TestContext, name: string, title: string, date: string): Promise<void> {
  const folder = context.config.sources[0]?.path ?? '';
  await writeFile(join(folder, name), `---\ntitle: ${title}\ndate: ${date}\n---\n<p>${title}的正文，一段足够长的文字。</p>\n`);
}

async function ownSeeds(context: TestContext): Promise<TestContext> {
  // A private copy of the seeds, so tests can add posts.
  const folder = join(context.dir, 'posts');
  await mkdir(folder);
  for (const name of await readdir(SEEDS)) await writeFile(join(folder, name), await readFile(join(SEEDS, name)));
  return { ...context, config: { ...context.config, sources: [{ name: 'posts', path: folder }] } };
}

describe('the digest without SMTP', () => {
  it('writes the e-mail to the outbox as .html, .txt and a complete .eml, and counts nothing as sent', async () => {
    const context = await digestContext();
    await runCollect(context);
    const first = await runDigest(context);
    expect(first.digestId).toMatch(/^2022-W23$/);
    expect(first.outbox).toBe(join(context.config.data, 'outbox', '2022-W23'));
    expect((await readdir(first.outbox ?? '')).sort()).toEqual(['digest.eml', 'digest.html', 'digest.txt']);
    const mail = await simpleParser(await readFile(join(first.outbox ?? '', 'digest.eml')));
    expect(mail.subject).toMatch(/^【周刊】2022年第23周 · 中小企业与民营经济 5 篇$/);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('a@example.org');
    expect(mail.text).toContain('工信部：将做好“1+4+1”帮扶中小企业系列工作');
    expect(await readFile(first.webCopy ?? '', 'utf8')).not.toContain('a@example.org');

    const again = await runDigest(context);
    expect(again).toMatchObject({ digestId: '2022-W23', articles: 5 });
  });
});

describe('sending the digest', () => {
  it('sends one message per recipient, then only what is new: a manual digest is not repeated on Monday', async () => {
    const server = await smtp();
    const base = await digestContext(server.port);
    const context = await ownSeeds(base);
    await runCollect(context);
    const first = await runDigest(context);
    expect(first).toMatchObject({ digestId: '2022-W23', delivered: 3, deferred: 0, failed: 0, articles: 5 });
    expect(server.messages.map((message) => message.to).sort()).toEqual(RECIPIENTS.map((recipient) => [recipient]));

    const monday = { ...context, now: new Date('2022-06-13T00:00:00Z') };
    const nothing = await runDigest(monday);
    expect(nothing.digestId).toBeUndefined();
    expect(nothing.delivered).toBe(0);
    expect(server.messages).toHaveLength(3);

    // A post collected late (published long ago) still goes out once, in the next digest.
    await addPost(context, 'late.md', '迟到的旧闻', '2021-01-05 09:00');
    await runCollect(monday);
    const next = await runDigest(monday);
    expect(next).toMatchObject({ digestId: '2022-W24', articles: 1, delivered: 3 });
    const latest = await simpleParser(server.messages[3]?.raw ?? Buffer.alloc(0));
    expect(latest.text).toContain('迟到的旧闻');
    expect(latest.text).not.toContain('1+4+1');
    expect((await runDigest(monday)).digestId).toBeUndefined();
  });

  it('honours the cap on a first digest and says how many more there are', async () => {
    const server = await smtp();
    const context = await digestContext(server.port, { digest: { recipients: ['a@example.org'], from: 'digest@news.example.org', maxArticles: 2 } });
    await runCollect(context);
    expect(await runDigest(context)).toMatchObject({ articles: 2, omitted: 3, delivered: 1 });
    expect((await simpleParser(server.messages[0]?.raw ?? Buffer.alloc(0))).text).toContain('还有3篇较早的文章未收入');
    // The older ones were never "new since the last digest": they are not sent later.
    expect((await runDigest({ ...context, now: new Date('2022-06-15T00:00:00Z') })).digestId).toBeUndefined();
  });

  it('makes previews (--to, --dry-run) and window digests (--week) without using up the next digest', async () => {
    const server = await smtp();
    const context = await digestContext(server.port);
    await runCollect(context);
    const dry = await runDigest(context, { dryRun: true });
    expect(dry.outbox).toBeDefined();
    expect(server.messages).toHaveLength(0);

    const preview = await runDigest(context, { to: ['editor@example.org'] });
    expect(preview).toMatchObject({ delivered: 1, articles: 5 });
    expect(server.messages.map((message) => message.to)).toEqual([['editor@example.org']]);

    const week = await runDigest(context, { week: '2021-W37', to: ['editor@example.org'] });
    expect(week).toMatchObject({ digestId: '2021-W37', articles: 1 });

    const regular = await runDigest(context);
    expect(regular).toMatchObject({ articles: 5, delivered: 3 });
  });

  it('skips unsubscribed recipients', async () => {
    const server = await smtp();
    const context = await digestContext(server.port);
    await runCollect(context);
    await context.store.digests.unsubscribe('B@example.org', 'test', context.now);
    expect(await runDigest(context)).toMatchObject({ delivered: 2, unsubscribed: 1 });
    expect(server.messages.flatMap((message) => message.to)).toEqual(['a@example.org', 'c@example.org']);
  });
});

describe('sending faults: no duplicate, no loss', () => {
  it('server down: defers everyone quickly, marks nothing sent, and the next run delivers', async () => {
    const port = await freePort();
    const context = await digestContext(port);
    await runCollect(context);
    const down = await runDigest(context);
    expect(down).toMatchObject({ delivered: 0, deferred: 3 });
    expect((await context.store.digests.get(down.digestId ?? ''))?.status).toBe('sending');

    const server = await smtp({ port });
    const later = await runDigest({ ...context, now: new Date(context.now.getTime() + 3_600_000) });
    expect(later).toMatchObject({ resumed: 3, delivered: 3 });
    expect(later.digestId).toBeUndefined();
    expect(server.messages).toHaveLength(3);
    expect((await context.store.digests.get(down.digestId ?? ''))?.status).toBe('sent');
  });

  it('4xx then success is retried within the run', async () => {
    const server = await smtp({ onRcpt: (_address, attempt) => (attempt === 1 ? { code: 451, message: '4.3.0 try later' } : undefined) });
    const context = await digestContext(server.port);
    await runCollect(context);
    expect(await runDigest(context)).toMatchObject({ delivered: 3, deferred: 0 });
    expect(server.messages).toHaveLength(3);
  });

  it('5xx for one of three recipients: the others get it, that one is recorded as failed and not retried', async () => {
    const server = await smtp({ onRcpt: (address) => (address === 'b@example.org' ? { code: 550, message: '5.1.1 no such user' } : undefined) });
    const context = await digestContext(server.port);
    await runCollect(context);
    const result = await runDigest(context);
    expect(result).toMatchObject({ delivered: 2, failed: 1 });
    expect((await context.store.digests.deliveries(result.digestId ?? '')).map((d) => [d.recipient, d.status])).toEqual([
      ['a@example.org', 'sent'],
      ['b@example.org', 'failed'],
      ['c@example.org', 'sent'],
    ]);
    expect(await runDigest(context)).toMatchObject({ resumed: 0, delivered: 0 });
  });

  it('4xx after DATA: deferred, then sent to that recipient alone on the next run', async () => {
    const server = await smtp({ onData: (attempt) => (attempt === 2 || attempt === 3 ? { code: 451, message: '4.3.0 queue full' } : undefined) });
    // One connection, so the second message's two tries are the second and third DATA the server sees
    const context = await digestContext(server.port, { smtp: { host: '127.0.0.1', port: server.port, requireTls: false, attempts: 2, retryDelaySeconds: 0, connections: 1 } });
    await runCollect(context);
    const result = await runDigest(context);
    expect(result).toMatchObject({ delivered: 2, deferred: 1 });
    const next = await runDigest(context);
    expect(next).toMatchObject({ resumed: 1, delivered: 1 });
    expect(server.messages.flatMap((message) => message.to).sort()).toEqual(RECIPIENTS);
  });
});

describe('configuration', () => {
  it('reads SMTP_URL and the password from the environment only', async () => {
    const context = await digestContext();
    const config = loadConfig({ sources: [] }, { SMTP_URL: 'smtps://mail.example.org', SMTP_PASSWORD: 'secret' }, context.dir);
    expect(config.smtp).toEqual({ host: 'mail.example.org', port: 465, secure: true, requireTls: false, password: 'secret', attempts: 4, retryDelaySeconds: 2, connections: 4, ratePerSecond: 100 });
    const submission = loadConfig({ sources: [] }, { SMTP_URL: 'smtp://digest@mail.example.org', SMTP_PASSWORD: 'secret' }, context.dir);
    expect(submission.smtp).toMatchObject({ host: 'mail.example.org', port: 587, secure: false, requireTls: true, user: 'digest' });
    await writeFile(join(context.dir, 'zhoukan.config.json'), JSON.stringify({ smtp: { host: 'x', password: 'no' } }));
    expect(() => loadConfig({}, {}, context.dir)).toThrow(/smtp\.password: set it in the environment/);
  });
});
