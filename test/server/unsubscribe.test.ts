import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/jobs/collect.js';
import { runDigest } from '../../src/jobs/digest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { unsubscribeRoute } from '../../src/server/unsubscribe.js';
import { signRecipient } from '../../src/util/token.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const SECRET = 'test-secret-for-unsubscribe-tokens';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(smtpPort?: number): Promise<{ context: TestContext; server: RunningServer }> {
  const base = await createTestContext({
    sources: [join(PROJECT_ROOT, 'seeds')],
    file: {
      site: { url: 'https://news.example.org/' },
      digest: { recipients: ['reader@example.org', 'other@example.org'], from: 'digest@news.example.org' },
      ...(smtpPort ? { smtp: { host: '127.0.0.1', port: smtpPort, requireTls: false } } : {}),
    },
  });
  const context = { ...base, config: { ...base.config, unsubscribeSecret: SECRET } };
  const server = await startServer({
    root: context.config.output,
    port: 0,
    log: context.log,
    routes: { '/unsubscribe': unsubscribeRoute({ config: context.config, store: context.store, log: context.log }) },
  });
  cleanups.push(() => context.store.close(), () => server.close());
  return { context, server };
}

describe('/unsubscribe', () => {
  it('confirms on GET without unsubscribing, and unsubscribes on the one-click POST', async () => {
    const { context, server } = await setUp();
    const url = `${server.url}unsubscribe?t=${signRecipient(SECRET, 'reader@example.org')}`;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('确认退订');
    expect(html).toContain('<form method="post"');
    expect(await context.store.digests.isUnsubscribed('reader@example.org')).toBe(false);

    const post = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('已退订');
    expect(await context.store.digests.isUnsubscribed('reader@example.org')).toBe(true);
    expect(await context.store.digests.isUnsubscribed('other@example.org')).toBe(false);
  });

  it('marks the subscriber as unsubscribed too, keeping the rest of the record', async () => {
    const { context, server } = await setUp();
    const at = new Date('2026-03-01T00:00:00Z');
    await context.store.subscribers.put({ address: 'reader@example.org', state: 'active', themes: ['宏观经济'], origin: 'form', createdAt: at, updatedAt: at, confirmedAt: at, softBounces: 0 });
    const url = `${server.url}unsubscribe?t=${signRecipient(SECRET, 'reader@example.org')}`;
    expect((await fetch(url)).status).toBe(200);
    expect((await context.store.subscribers.get('reader@example.org'))?.state).toBe('active');
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(await context.store.subscribers.get('reader@example.org')).toMatchObject({ state: 'unsubscribed', themes: ['宏观经济'], origin: 'form', confirmedAt: at });
  });

  it('refuses forged or damaged tokens and other methods', async () => {
    const { context, server } = await setUp();
    const forged = signRecipient('another-secret', 'reader@example.org');
    for (const token of [forged, 'garbage', '', `${signRecipient(SECRET, 'reader@example.org')}x`]) {
      const response = await fetch(`${server.url}unsubscribe?t=${encodeURIComponent(token)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
      expect(response.status, token).toBe(400);
    }
    expect((await fetch(`${server.url}unsubscribe?t=x`, { method: 'PUT' })).status).toBe(405);
    expect(await context.store.digests.isUnsubscribed('reader@example.org')).toBe(false);
  });

  it('works from the List-Unsubscribe header of a digest that was sent, and the next digest skips that reader', async () => {
    const smtp: TestSmtpServer = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const { context, server } = await setUp(smtp.port);
    await runCollect(context);
    expect(await runDigest(context)).toMatchObject({ delivered: 2 });

    const raw = smtp.messages.find((message) => message.to[0] === 'reader@example.org')?.raw.toString() ?? '';
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const link = /^List-Unsubscribe: <(https:\/\/news\.example\.org\/unsubscribe\?t=[\w.-]+)>, <mailto:/m.exec(headers)?.[1];
    expect(link).toBeDefined();
    const local = (link ?? '').replace('https://news.example.org/', server.url);
    expect((await fetch(local, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);

    const extra = await mkdtemp(join(context.dir, 'more-'));
    await writeFile(join(extra, 'new.md'), '---\ntitle: 新的一期\ndate: 2022-06-09 10:00\n---\n<p>新文章的正文。</p>\n');
    const config = { ...context.config, sources: [...context.config.sources, { name: 'more', path: extra }] };
    await runCollect({ ...context, config });
    const next = await runDigest({ ...context, config });
    expect(next).toMatchObject({ delivered: 1, unsubscribed: 1 });
    expect(smtp.messages.at(-1)?.to).toEqual(['other@example.org']);
  });
});
