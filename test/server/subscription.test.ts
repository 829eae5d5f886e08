import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/jobs/collect.js';
import { runDigest } from '../../src/jobs/digest.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { signConfirmation, signPreferences, subscriptionSecret } from '../../src/subscribers/links.js';
import { themeChoices } from '../../src/subscribers/themes.js';
import { signRecipient } from '../../src/util/token.js';
import { linkIn, local, postForm, startSubscriptionServer, waitForMessages, type SubscriptionSetup } from '../support/subscription.js';

// The signup form's server side over a real archive, mailing a real SMTP server on loopback: every
// abuse rule of the subscription, and the whole path from the form to the preference page.

const setups: SubscriptionSetup[] = [];
afterEach(async () => {
  for (const setup of setups.splice(0)) await setup.close();
});

async function setUp(file: Record<string, unknown> = {}, env: { secret?: string } = {}): Promise<SubscriptionSetup> {
  const setup = await startSubscriptionServer(file, env);
  setups.push(setup);
  return setup;
}

const signup = (setup: SubscriptionSetup, address: string, themes?: string[], options: { from?: string; honeypot?: string; headers?: Record<string, string> } = {}) =>
  postForm(
    `${setup.server.url}subscribe`,
    [['address', address], ...(themes ?? themeChoices(setup.context.config)).map((theme): [string, string] => ['theme', theme]), ['website', options.honeypot ?? '']],
    options,
  );

/** Lets the mail that goes out after an answer arrive, or not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('signing up', () => {
  it('sends a confirmation link; GET shows what and when without subscribing; POST subscribes with the themes chosen, once', async () => {
    const setup = await setUp();
    const [first, second] = themeChoices(setup.context.config);
    const answer = await signup(setup, '  Reader@Example.ORG ', [first!, second!]);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('请查收确认邮件');
    await waitForMessages(setup.smtp, 1);
    expect(setup.smtp.messages[0]?.to).toEqual(['reader@example.org']);
    const mail = await linkIn(setup.smtp.messages[0]!.raw, 'confirm');
    expect(mail.subject).toContain('请确认订阅');
    expect(mail.text).toContain(`${first}、${second}`);
    expect(mail.link).toBeDefined();
    expect(await setup.context.store.subscribers.get('reader@example.org')).toMatchObject({ state: 'pending', origin: 'form' });

    const url = local(setup.server, mail.link!);
    const shown = await fetch(url);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('确认订阅');
    expect(page).toContain(`${first}、${second}`);
    expect(page).toContain('每周一 08:00（北京时间）发送');
    expect(page).toContain('<form method="post"');
    expect((await setup.context.store.subscribers.get('reader@example.org'))?.state).toBe('pending');

    const confirmed = await fetch(url, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('订阅成功');
    const subscriber = await setup.context.store.subscribers.get('reader@example.org');
    expect(subscriber).toMatchObject({ state: 'active', themes: [first, second], origin: 'form' });
    expect(subscriber?.confirmedAt).toBeInstanceOf(Date);

    const again = await fetch(url, { method: 'POST' });
    expect(await again.text()).toContain('已经订阅');
  });

  it('answers byte for byte the same whatever the address is: unknown, pending, active, paused, unsubscribed, or a bot', async () => {
    const setup = await setUp({ signup: { burst: 50 } });
    const { store } = setup.context;
    const at = new Date('2026-03-01T00:00:00Z');
    for (const [address, state] of [['pending@example.org', 'pending'], ['active@example.org', 'active'], ['paused@example.org', 'paused'], ['gone@example.org', 'unsubscribed'], ['bounced@example.org', 'active']] as const) {
      await store.subscribers.put({ address, state, origin: 'form', createdAt: at, updatedAt: at, softBounces: 0 });
    }
    await store.subscribers.suppress('bounced@example.org', '550 5.1.1 mailbox unknown', at);
    const answers = [
      await signup(setup, 'new@example.org'),
      await signup(setup, 'pending@example.org'),
      await signup(setup, 'active@example.org', [themeChoices(setup.context.config)[0]!]),
      await signup(setup, 'paused@example.org'),
      await signup(setup, 'gone@example.org'),
      await signup(setup, 'bot@example.org', undefined, { honeypot: 'http://spam.example' }),
      await signup(setup, 'bounced@example.org'), // suppressed: nothing is sent to it
      await signup(setup, 'new@example.org'), // a second one inside the resend interval: no mail, same answer
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(answers[0]!.body);
      expect(answer.headers['content-type']).toBe(answers[0]!.headers['content-type']);
      expect(answer.headers['content-length']).toBe(answers[0]!.headers['content-length']);
    }
    await waitForMessages(setup.smtp, 5);
    await settle();
    const subjects = await Promise.all(setup.smtp.messages.map(async (message) => [message.to[0], (await linkIn(message.raw, 'x')).subject]));
    expect(subjects.sort()).toEqual(
      [
        ['active@example.org', '管理您的「周刊 · 财经要闻」每周摘要订阅'],
        ['gone@example.org', '请确认订阅「周刊 · 财经要闻」每周摘要'],
        ['new@example.org', '请确认订阅「周刊 · 财经要闻」每周摘要'],
        ['paused@example.org', '管理您的「周刊 · 财经要闻」每周摘要订阅'],
        ['pending@example.org', '请确认订阅「周刊 · 财经要闻」每周摘要'],
      ].sort(),
    );
    // Nobody's subscription changed without a click: the active one keeps all its themes, the one who left stays gone.
    expect(await store.subscribers.get('active@example.org')).toMatchObject({ state: 'active' });
    expect((await store.subscribers.get('active@example.org'))?.themes).toBeUndefined();
    expect((await store.subscribers.get('gone@example.org'))?.state).toBe('unsubscribed');
    expect((await store.subscribers.get('paused@example.org'))?.state).toBe('paused');
    expect(await store.subscribers.get('bot@example.org')).toBeUndefined();
  });

  it('sends at most one confirmation mail per address per signup.resendMinutes', async () => {
    const setup = await setUp({ signup: { resendMinutes: 10 } });
    await signup(setup, 'reader@example.org');
    await signup(setup, 'reader@example.org');
    await waitForMessages(setup.smtp, 1);
    setup.clock.now = new Date(setup.clock.now.getTime() + 9 * 60_000);
    await signup(setup, 'READER@example.org');
    await settle();
    expect(setup.smtp.messages).toHaveLength(1);
    setup.clock.now = new Date(setup.clock.now.getTime() + 2 * 60_000);
    await signup(setup, 'reader@example.org');
    await waitForMessages(setup.smtp, 2);
    expect(setup.smtp.messages.map((message) => message.to[0])).toEqual(['reader@example.org', 'reader@example.org']);
  });

  it('limits signups per client address: 429 with Retry-After once the bucket is empty, other clients unaffected', async () => {
    const setup = await setUp({ signup: { burst: 2, perHour: 6 } });
    expect((await signup(setup, 'a@example.org')).status).toBe(200);
    expect((await signup(setup, 'b@example.org')).status).toBe(200);
    const refused = await signup(setup, 'c@example.org');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('600'); // 6 an hour: one every 10 minutes
    expect(refused.body).toContain('请求过于频繁');
    // The honeypot does not get around it either, and nothing of c@ was stored.
    expect((await signup(setup, 'd@example.org', undefined, { honeypot: 'x' })).status).toBe(429);
    expect(await setup.context.store.subscribers.get('c@example.org')).toBeUndefined();
    expect((await signup(setup, 'c@example.org', undefined, { from: '127.0.0.2' })).status).toBe(200);
    setup.clock.now = new Date(setup.clock.now.getTime() + 600_000);
    expect((await signup(setup, 'e@example.org')).status).toBe(200);
    expect((await signup(setup, 'f@example.org')).status).toBe(429);
  });

  it('counts clients by X-Forwarded-For only when signup.trustProxy says a proxy sets it', async () => {
    const direct = await setUp({ signup: { burst: 1, perHour: 1 } });
    expect((await signup(direct, 'a@example.org', undefined, { headers: { 'X-Forwarded-For': '198.51.100.1' } })).status).toBe(200);
    // A client writing the header itself gets nothing from it.
    expect((await signup(direct, 'b@example.org', undefined, { headers: { 'X-Forwarded-For': '198.51.100.2' } })).status).toBe(429);

    const proxied = await setUp({ signup: { burst: 1, perHour: 1, trustProxy: true } });
    const via = (address: string, forwarded: string) => signup(proxied, address, undefined, { headers: { 'X-Forwarded-For': forwarded } });
    expect((await via('a@example.org', '198.51.100.1')).status).toBe(200);
    expect((await via('b@example.org', '198.51.100.2')).status).toBe(200);
    // What the client put before the proxy's entry does not count.
    expect((await via('c@example.org', '203.0.113.9, 198.51.100.1')).status).toBe(429);
  });

  it('refuses addresses that are not one plain address, the same way for all, storing nothing', async () => {
    const setup = await setUp({ signup: { burst: 50 } });
    const bad = [
      'reader@example.org\r\nBcc: victim@example.org',
      'reader@example.org,victim@example.org',
      'reader@example.org;victim@example.org',
      '"reader"@example.org',
      'Reader <reader@example.org>',
      `${'a'.repeat(65)}@example.org`,
      `reader@${'a'.repeat(250)}.org`,
      'reader@localhost',
      'reader@[127.0.0.1]',
      '读者@example.org',
      '',
    ];
    for (const address of bad) {
      const answer = await signup(setup, address);
      expect(answer.status, address).toBe(400);
      expect(answer.body).toContain('邮箱地址无效');
    }
    expect(await setup.context.store.subscribers.list()).toEqual([]);
    // An internationalised domain is kept in its ASCII form.
    expect((await signup(setup, 'reader@例子.中国')).status).toBe(200);
    expect((await setup.context.store.subscribers.list()).map((subscriber) => subscriber.address)).toEqual(['reader@xn--fsqu00a.xn--fiqs8s']);
  });

  it('needs at least one theme, and keeps "all themes" open for new ones when every box is ticked', async () => {
    const setup = await setUp();
    const reload = await fetch(`${setup.server.url}subscribe`, { redirect: 'manual' });
    expect(reload.status).toBe(303);
    expect(reload.headers.get('location')).toBe('./#signup');
    expect((await fetch(`${setup.server.url}subscribe`, { method: 'PUT' })).status).toBe(405);
    expect((await signup(setup, 'none@example.org', [])).status).toBe(400);
    expect((await signup(setup, 'all@example.org')).status).toBe(200);
    expect((await setup.context.store.subscribers.get('all@example.org'))?.themes).toBeUndefined();
    expect((await signup(setup, 'odd@example.org', ['不存在的主题', themeChoices(setup.context.config)[1]!])).status).toBe(200);
    expect((await setup.context.store.subscribers.get('odd@example.org'))?.themes).toEqual([themeChoices(setup.context.config)[1]]);
  });

  it('refuses forged, tampered, foreign and expired links, changing nothing', async () => {
    const setup = await setUp({}, { secret: 'the-configured-secret' });
    const { store } = setup.context;
    const secret = await subscriptionSecret(setup.context.config, store);
    const expires = new Date(setup.clock.now.getTime() + 3600_000);
    const good = signConfirmation(secret, { address: 'reader@example.org', themes: undefined, expires });
    const [payload, mac] = good.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ a: 'victim@example.org', t: null, e: Math.floor(expires.getTime() / 1000) })).toString('base64url');
    const forged = [
      signConfirmation('another-secret', { address: 'reader@example.org', themes: undefined, expires }),
      `${otherPayload}.${mac}`,
      `${payload}.${mac!.slice(0, -2)}AA`,
      signPreferences(secret, 'reader@example.org'), // a preference link is no confirmation
      signRecipient(secret, 'reader@example.org'), // nor is an unsubscribe link
      'garbage',
      '',
    ];
    for (const token of forged) {
      const response = await fetch(`${setup.server.url}confirm?t=${encodeURIComponent(token)}`, { method: 'POST' });
      expect(response.status, token).toBe(400);
      expect(await response.text()).toContain('链接无效');
    }
    for (const token of [signConfirmation(secret, { address: 'reader@example.org', themes: undefined, expires }), signRecipient(secret, 'reader@example.org'), `${signPreferences(secret, 'reader@example.org')}x`]) {
      const response = await fetch(`${setup.server.url}preferences?t=${encodeURIComponent(token)}`, { method: 'POST', body: new URLSearchParams({ action: 'unsubscribe' }) });
      expect(response.status, token).toBe(400);
    }
    setup.clock.now = new Date(expires.getTime() + 1);
    const expired = await fetch(`${setup.server.url}confirm?t=${good}`, { method: 'POST' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('链接已过期');
    expect(await store.subscribers.list()).toEqual([]);
    expect(await store.digests.isUnsubscribed('reader@example.org')).toBe(false);
  });

  it('forgets a signup never confirmed after signup.pendingDays, and its link expires with it', async () => {
    const setup = await setUp({ signup: { pendingDays: 7 } });
    await signup(setup, 'late@example.org');
    await waitForMessages(setup.smtp, 1);
    const link = (await linkIn(setup.smtp.messages[0]!.raw, 'confirm')).link!;
    setup.clock.now = new Date(setup.clock.now.getTime() + 6 * 24 * 3600_000);
    await signup(setup, 'other@example.org');
    expect((await setup.context.store.subscribers.get('late@example.org'))?.state).toBe('pending');
    setup.clock.now = new Date(setup.clock.now.getTime() + 1 * 24 * 3600_000 + 1000);
    await signup(setup, 'third@example.org');
    expect(await setup.context.store.subscribers.get('late@example.org')).toBeUndefined();
    const response = await fetch(local(setup.server, link), { method: 'POST' });
    expect(response.status).toBe(410);
    expect(await setup.context.store.subscribers.get('late@example.org')).toBeUndefined();
  });

  it('with digest.doubleOptIn false subscribes a new address at once, but asks one who left and leaves the active alone', async () => {
    const setup = await setUp({ digest: { doubleOptIn: false } });
    const { store } = setup.context;
    const at = new Date('2026-03-01T00:00:00Z');
    await store.subscribers.put({ address: 'gone@example.org', state: 'unsubscribed', origin: 'form', createdAt: at, updatedAt: at, softBounces: 0 });
    await store.subscribers.put({ address: 'active@example.org', state: 'active', themes: ['宏观经济'], origin: 'form', createdAt: at, updatedAt: at, softBounces: 0 });
    const answers = await Promise.all(['new@example.org', 'gone@example.org', 'active@example.org'].map((address) => signup(setup, address)));
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(answers[0]?.body).toContain('订阅已提交');
    expect(await store.subscribers.get('new@example.org')).toMatchObject({ state: 'active', origin: 'form' });
    expect((await store.subscribers.get('gone@example.org'))?.state).toBe('unsubscribed');
    expect((await store.subscribers.get('active@example.org'))?.themes).toEqual(['宏观经济']);
    await waitForMessages(setup.smtp, 2);
    expect(setup.smtp.messages.map((message) => message.to[0]).sort()).toEqual(['active@example.org', 'gone@example.org']);
  });
});

describe('the preference page', () => {
  it('reached from the "manage" mail of a second signup: changes themes, pauses, resumes and unsubscribes', async () => {
    const setup = await setUp();
    const { store } = setup.context;
    const choices = themeChoices(setup.context.config);
    const at = new Date('2026-03-01T00:00:00Z');
    await store.subscribers.put({ address: 'reader@example.org', state: 'active', origin: 'form', createdAt: at, updatedAt: at, confirmedAt: at, softBounces: 0 });
    await signup(setup, 'reader@example.org', [choices[0]!]);
    await waitForMessages(setup.smtp, 1);
    const link = (await linkIn(setup.smtp.messages[0]!.raw, 'preferences')).link;
    expect(link).toBeDefined();
    const url = local(setup.server, link!);

    const page = await (await fetch(url)).text();
    expect(page).toContain('reader@example.org 的订阅设置');
    expect(page).toContain('状态：订阅中');
    expect(page.match(/ checked>/g)).toHaveLength(choices.length);

    const post = (fields: [string, string][]) => fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
    const saved = await post([['action', 'themes'], ['theme', choices[1]!], ['theme', choices[2]!]]);
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain(`今后的每周摘要只包含：${choices[1]}、${choices[2]}`);
    expect((await store.subscribers.get('reader@example.org'))?.themes).toEqual([choices[1], choices[2]]);
    expect((await (await fetch(url)).text()).match(/ checked>/g)).toHaveLength(2);
    expect((await post([['action', 'themes']])).status).toBe(400);
    expect((await store.subscribers.get('reader@example.org'))?.themes).toEqual([choices[1], choices[2]]);

    await post([['action', 'pause']]);
    expect((await store.subscribers.get('reader@example.org'))?.state).toBe('paused');
    await post([['action', 'resume']]);
    expect((await store.subscribers.get('reader@example.org'))?.state).toBe('active');
    const left = await post([['action', 'unsubscribe']]);
    expect(await left.text()).toContain('已退订');
    expect((await store.subscribers.get('reader@example.org'))?.state).toBe('unsubscribed');
    expect(await store.digests.isUnsubscribed('reader@example.org')).toBe(true);
    expect((await store.subscribers.get('reader@example.org'))?.themes).toEqual([choices[1], choices[2]]);
  });

  it('is refused for a link signed for another address; no one changes another person', async () => {
    const setup = await setUp();
    const secret = await subscriptionSecret(setup.context.config, setup.context.store);
    const mine = signPreferences(secret, 'me@example.org');
    const [, mac] = mine.split('.');
    const theirs = `${Buffer.from(JSON.stringify({ a: 'victim@example.org' })).toString('base64url')}.${mac}`;
    const response = await fetch(`${setup.server.url}preferences?t=${theirs}`, { method: 'POST', body: new URLSearchParams({ action: 'unsubscribe' }) });
    expect(response.status).toBe(400);
    expect(await setup.context.store.digests.isUnsubscribed('victim@example.org')).toBe(false);
  });

  it('is linked, per recipient, from the footer of every digest (HTML and text) when the secret is set', async () => {
    const setup = await setUp(
      { sources: [join(PROJECT_ROOT, 'seeds')], digest: { recipients: ['reader@example.org', 'other@example.org'] } },
      { secret: 'the-configured-secret' },
    );
    const { context } = setup;
    await runCollect(context);
    expect(await runDigest(context)).toMatchObject({ delivered: 2 });
    for (const message of setup.smtp.messages) {
      const recipient = message.to[0]!;
      const mail = await simpleParser(message.raw);
      const link = /https:\/\/news\.example\.org\/preferences\?t=[\w.-]+/.exec(mail.text ?? '')?.[0];
      expect(link, recipient).toBeDefined();
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.html).toContain('管理订阅（主题、暂停、退订）');
      const page = await (await fetch(local(setup.server, link!))).text();
      expect(page).toContain(`${recipient} 的订阅设置`);
      expect(page).toContain('状态：订阅中');
    }
    // A recipient of the config who chooses themes gets a record of their own.
    const link = /https:\/\/news\.example\.org\/preferences\?t=[\w.-]+/.exec((await simpleParser(setup.smtp.messages[0]!.raw)).text ?? '')![0];
    const theme = themeChoices(context.config)[0]!;
    expect((await fetch(local(setup.server, link), { method: 'POST', body: new URLSearchParams([['action', 'themes'], ['theme', theme]]) })).status).toBe(200);
    expect(await context.store.subscribers.get(setup.smtp.messages[0]!.to[0]!)).toMatchObject({ state: 'active', themes: [theme], origin: 'config' });
  });
});

describe('the subscription mails without SMTP', () => {
  it('are written to data/outbox/subscriptions/ as complete messages, and the log says where', async () => {
    const { createTestContext } = await import('../support/context.js');
    const { createSubscriptionMailer } = await import('../../src/jobs/subscription.js');
    const { renderConfirmationMail } = await import('../../src/output/subscription/email.js');
    const { readdir, readFile } = await import('node:fs/promises');
    const context = await createTestContext({ file: { site: { url: 'https://news.example.org/' }, digest: { from: '周刊 <digest@news.example.org>' } } });
    try {
      const mailer = createSubscriptionMailer(context.config, context.log);
      const url = 'https://news.example.org/confirm?t=abc.def';
      await mailer.send('reader@example.org', renderConfirmationMail({ site: context.config.site, url, themes: '全部主题', schedule: '每周一 08:00（北京时间）发送', days: 7 }));
      const folder = join(context.config.data, 'outbox', 'subscriptions');
      const files = await readdir(folder);
      expect(files).toHaveLength(1);
      const mail = await simpleParser(await readFile(join(folder, files[0]!)));
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('reader@example.org');
      expect(mail.subject).toBe('请确认订阅「周刊 · 财经要闻」每周摘要');
      expect(mail.text).toContain(url);
      expect(mail.html).toContain(`href="${url}"`);
      expect(context.log.lines.join('\n')).toContain(join(folder, files[0]!));
    } finally {
      await context.store.close();
    }
  });
});
