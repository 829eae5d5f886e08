import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/jobs/collect.js';
import { runDigest } from '../../src/jobs/digest.js';
import type { Subscriber } from '../../src/store/store.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { freePort, startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../support/smtp.js';

// Personal digests: each subscriber gets the themes they chose, rendered once per set of themes,
// over pooled connections, with hard bounces suppressed.

const servers: TestSmtpServer[] = [];
const contexts: TestContext[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const context of contexts.splice(0)) await context.store.close();
});

/** Three stories, one for each of three themes of the default taxonomy. */
const POSTS: Record<string, string> = {
  'macro.md': '国家统计局：一季度GDP同比增长4.8%，工业增加值稳步回升，国民经济开局平稳',
  'rates.md': '央行宣布降准0.25个百分点，LPR报价下调，货币政策保持稳健',
  'housing.md': '多城楼市新政出台：房价企稳，商品房成交回暖，房企融资改善',
};
const MACRO = '宏观经济';
const RATES = '货币政策与利率';
const HOUSING = '房地产';

/** A context over its own folder of POSTS, sending to a loopback SMTP server on `port` (or none). */
async function subscriberContext(port: number | undefined, file: Record<string, unknown> = {}): Promise<TestContext> {
  const smtp = port ? { smtp: { host: '127.0.0.1', port, requireTls: false, attempts: 2, retryDelaySeconds: 0, ...(file.smtp as object) } } : {};
  const context = await createTestContext({ file: { digest: { recipients: [], from: '周刊 <digest@news.example.org>' }, ...file, ...smtp } });
  contexts.push(context);
  const folder = join(context.dir, 'posts');
  await mkdir(folder);
  for (const [name, title] of Object.entries(POSTS)) {
    await writeFile(join(folder, name), `---\ntitle: ${title}\ndate: 2022-06-06 09:00\n---\n<p>${title}。${title}。</p>\n`);
  }
  return { ...context, config: { ...context.config, sources: [{ name: 'posts', path: folder }] } };
}

async function subscribe(context: TestContext, address: string, themes?: string[], extra: Partial<Subscriber> = {}): Promise<void> {
  await context.store.subscribers.put({
    address,
    state: 'active',
    origin: 'form',
    createdAt: context.now,
    updatedAt: context.now,
    confirmedAt: context.now,
    softBounces: 0,
    ...(themes ? { themes } : {}),
    ...extra,
  });
}

async function smtp(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server;
}

async function received(server: TestSmtpServer, address: string): Promise<{ subject: string; text: string; html: string }[]> {
  const mine = server.messages.filter((message: ReceivedMessage) => message.to.includes(address));
  return Promise.all(
    mine.map(async (message) => {
      const mail = await simpleParser(message.raw);
      return { subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '' };
    }),
  );
}

describe('personal digests', () => {
  it('gives each subscriber only their themes, renders each set of themes once, and sends nothing to one with none', async () => {
    const server = await smtp();
    const context = await subscriberContext(server.port);
    await runCollect(context);
    await subscribe(context, 'all@example.org');
    await subscribe(context, 'macro@example.org', [MACRO]);
    await subscribe(context, 'macro2@example.org', [MACRO, '已经删除的主题']);
    await subscribe(context, 'two@example.org', [HOUSING, RATES]);
    await subscribe(context, 'none@example.org', ['科技与互联网']);
    await subscribe(context, 'paused@example.org', undefined, { state: 'paused' });
    await subscribe(context, 'pending@example.org', undefined, { state: 'pending', confirmedAt: undefined });

    const summary = await runDigest(context);
    expect(summary).toMatchObject({ themes: 3, delivered: 4, nothingFor: 1, renders: 3 });
    expect(server.messages.flatMap((message) => message.to).sort()).toEqual(['all@example.org', 'macro2@example.org', 'macro@example.org', 'two@example.org']);
    expect(context.log.lines.join('\n')).toMatch(/nothing for 1 of 5 readers/);

    const [all] = await received(server, 'all@example.org');
    for (const title of Object.values(POSTS)) expect(all?.text).toContain(title);

    const [macro] = await received(server, 'macro@example.org');
    expect(macro?.text).toContain(POSTS['macro.md']);
    expect(macro?.text).not.toContain(POSTS['rates.md']);
    expect(macro?.text).not.toContain(POSTS['housing.md']);
    expect(macro?.subject).toMatch(new RegExp(`· ${MACRO} 1 篇$`));
    expect((await received(server, 'macro2@example.org'))[0]?.text.replace(/macro2@/g, 'macro@')).toBe(macro?.text);

    const [two] = await received(server, 'two@example.org');
    expect(two?.text).toContain(POSTS['rates.md']);
    expect(two?.text).toContain(POSTS['housing.md']);
    expect(two?.text).not.toContain(POSTS['macro.md']);
    // In the digest's order, whatever order they were chosen in
    expect(two?.text.indexOf(POSTS['rates.md'] ?? '-')).toBeLessThan(two?.text.indexOf(POSTS['housing.md'] ?? '-') ?? 0);

    // The web copy is the whole digest
    const web = await readFile(summary.webCopy ?? '', 'utf8');
    for (const title of Object.values(POSTS)) expect(web).toContain(title);
    const deliveries = await context.store.digests.deliveries(summary.digestId ?? '');
    expect(deliveries.find((delivery) => delivery.recipient === 'two@example.org')?.themes).toEqual([RATES, HOUSING]);
    expect(deliveries.find((delivery) => delivery.recipient === 'all@example.org')?.themes).toBeUndefined();
  });

  it('keeps digest.recipients working: made subscribers of every theme, an unsubscribed one stays so, a removed one gets nothing', async () => {
    const server = await smtp();
    const context = await subscriberContext(server.port, {
      digest: { recipients: ['Config@Example.org', 'left@example.org', 'known@example.org', 'legacy@example.org'], from: '周刊 <digest@news.example.org>' },
    });
    await runCollect(context);
    await subscribe(context, 'left@example.org', undefined, { state: 'unsubscribed' });
    await subscribe(context, 'known@example.org', [HOUSING]);
    // Unsubscribed by one-click before there were subscribers: stays unsubscribed.
    await context.store.digests.unsubscribe('legacy@example.org', 'test', context.now);
    // Unsubscribed once, then subscribed again: the subscriber's state is the truth.
    await context.store.digests.unsubscribe('again@example.org', 'test', context.now);
    await subscribe(context, 'again@example.org');
    await subscribe(context, 'former@example.org', undefined, { origin: 'config' });

    expect(await runDigest(context)).toMatchObject({ delivered: 3, unsubscribed: 2 });
    expect(server.messages.flatMap((message) => message.to).sort()).toEqual(['again@example.org', 'config@example.org', 'known@example.org']);
    expect(await context.store.subscribers.get('config@example.org')).toMatchObject({ state: 'active', origin: 'config' });
    expect((await context.store.subscribers.get('config@example.org'))?.themes).toBeUndefined();
    expect((await context.store.subscribers.get('left@example.org'))?.state).toBe('unsubscribed');
    expect(await context.store.subscribers.get('legacy@example.org')).toMatchObject({ state: 'unsubscribed', origin: 'config' });
    expect((await received(server, 'known@example.org'))[0]?.text).not.toContain(POSTS['macro.md']);
  });

  it('previews with --to go to that address alone, the whole digest', async () => {
    const server = await smtp();
    const context = await subscriberContext(server.port);
    await runCollect(context);
    await subscribe(context, 'macro@example.org', [MACRO]);
    expect(await runDigest(context, { to: ['editor@example.org'] })).toMatchObject({ delivered: 1 });
    expect(server.messages.flatMap((message) => message.to)).toEqual(['editor@example.org']);
    const [preview] = await received(server, 'editor@example.org');
    for (const title of Object.values(POSTS)) expect(preview?.text).toContain(title);
  });

  it('resumes a deferred personal delivery with the same themes', async () => {
    const port = await freePort();
    const context = await subscriberContext(port);
    await runCollect(context);
    await subscribe(context, 'two@example.org', [HOUSING, RATES]);
    expect(await runDigest(context)).toMatchObject({ deferred: 1 });
    // The subscriber changes their themes after the digest was chosen: the delivery keeps what it held
    await subscribe(context, 'two@example.org', [MACRO]);
    const server = await smtp({ port });
    expect(await runDigest(context)).toMatchObject({ resumed: 1, delivered: 1 });
    const [two] = await received(server, 'two@example.org');
    expect(two?.text).toContain(POSTS['housing.md']);
    expect(two?.text).not.toContain(POSTS['macro.md']);
  });
});

describe('sending at scale', () => {
  it('sends over as many connections at once as configured, and no more', async () => {
    let waiting = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    const server = await smtp({
      onRcpt: async () => {
        waiting += 1;
        most = Math.max(most, waiting);
        // Hold the first three until all three are waiting (or, were sending serial, until a fallback)
        if (waiting >= 3) release();
        const fallback = setTimeout(release, 5000);
        await gate;
        clearTimeout(fallback);
        waiting -= 1;
        return undefined;
      },
    });
    const context = await subscriberContext(server.port, { smtp: { connections: 3 } });
    await runCollect(context);
    for (let index = 0; index < 8; index += 1) await subscribe(context, `reader${index}@example.org`);
    expect(await runDigest(context)).toMatchObject({ delivered: 8 });
    expect(most).toBe(3);
  });

  it('a 5xx refusing the address suppresses it: skipped from then on; a 4xx does not', async () => {
    const server = await smtp({
      onRcpt: (address) =>
        address === 'gone@example.org'
          ? { code: 550, message: '5.1.1 <gone@example.org>: Recipient address rejected: User unknown' }
          : address === 'busy@example.org'
            ? { code: 452, message: '4.2.2 Mailbox full' }
            : undefined,
    });
    const context = await subscriberContext(server.port);
    await runCollect(context);
    for (const address of ['gone@example.org', 'busy@example.org', 'ok@example.org']) await subscribe(context, address);
    expect(await runDigest(context)).toMatchObject({ delivered: 1, failed: 1, deferred: 1, bounced: 1 });
    expect(await context.store.subscribers.get('gone@example.org')).toMatchObject({ suppressedReason: expect.stringMatching(/hard bounce at send time: .*5\.1\.1/) });
    expect((await context.store.subscribers.get('busy@example.org'))?.suppressedAt).toBeUndefined();

    await writeFile(join(context.config.sources[0]?.path ?? '', 'later.md'), '---\ntitle: 央行再次降息\ndate: 2022-06-07 09:00\n---\n<p>央行宣布降息，LPR下调。</p>\n');
    await runCollect(context);
    const next = await runDigest({ ...context, now: new Date('2022-06-13T00:00:00Z') });
    expect(next).toMatchObject({ suppressed: 1 });
    const tried = server.messages.flatMap((message) => message.to);
    expect(tried.filter((address) => address === 'gone@example.org')).toEqual([]);
  });
});
