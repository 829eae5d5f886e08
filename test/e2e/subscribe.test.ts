import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'cheerio';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { findOverflow, launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { PROJECT_ROOT, runCli, SHARED } from '../support/cli.js';
import { checkSummary, startMailsink, type Mailsink } from '../support/mailsink.js';
import { lacks, needs } from '../support/requirements.js';
import { freePort } from '../support/smtp.js';

// A reader subscribes as a person does: the form on the index in Chromium, served by `zhoukan
// serve`; the confirmation mail goes through a real Postfix (mailsink) and passes its checks; the
// link is followed and confirmed; the preference page changes the themes, the next digest holds only
// those, then the reader unsubscribes.
// The site's URL is https (as in production: one-click unsubscribe needs it); the links of the
// mails are followed on the local server instead.

const cannotRun =
  lacks(needs.chromium, 'signing up in Chromium') ||
  lacks(needs.mailsink, 'signing up in Chromium (the confirmation mail through mailsink)') ||
  lacks(needs.shared, 'signing up in Chromium (the rsshub-page corpus)');

const SITE = 'https://news.example.org/';
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SECRET = 'a-secret-for-the-e2e-test';

describe.skipIf(cannotRun)('signing up in Chromium', () => {
  let dir: string;
  let sink: Mailsink;
  let serve: ChildProcess;
  let serverUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhoukan-e2e-subscribe-'));
    sink = await startMailsink();
    await writeFile(
      join(dir, 'zhoukan.config.json'),
      JSON.stringify({
        site: { url: SITE },
        // Posts on several themes, so a reader's choice leaves some of the week's out.
        sources: [join(PROJECT_ROOT, 'seeds'), join(SHARED, 'corpus', 'rsshub-page')],
        digest: { from: '周刊 <digest@news.example.org>' },
        smtp: { host: '127.0.0.1', port: sink.port, requireTls: true, caFile: sink.certFile },
      }),
    );
    const env = { ZHOUKAN_UNSUBSCRIBE_SECRET: SECRET };
    const built = await runCli(['update', '-q'], { cwd: dir, env });
    expect(built.code, built.stderr).toBe(0);

    const port = await freePort();
    serve = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    serverUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const url = /serving .* at (http:\/\/\S+)/.exec(out)?.[1];
        if (url) resolve(url);
      });
      serve.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      serve.once('exit', (code) => reject(new Error(`zhoukan serve exited ${code}: ${out}`)));
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    await sink?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const local = (link: string) => link.replace(SITE, serverUrl);
  const subscriber = async (address: string) => {
    const store = SqliteStore.open(join(dir, 'data', 'zhoukan.db'));
    try {
      return await store.subscribers.get(address);
    } finally {
      await store.close();
    }
  };
  /** Mails the sink has received so far, each awaited by mailLink. */
  let mails = 0;
  /** The link to `path` in the next mail, once it arrived. */
  const mailLink = async (path: string) => {
    mails += 1;
    const waited = await sink.run(['wait', String(mails), '30']);
    expect(waited.code, waited.output).toBe(0);
    const text = await sink.run(['text', 'last']);
    const link = new RegExp(`${SITE.replace(/[./]/g, '\\$&')}${path}\\?t=[\\w.-]+`).exec(text.output)?.[0];
    expect(link, text.output).toBeDefined();
    return local(link!);
  };

  test('form on the index → confirmation mail → confirm → preference page changes the themes → unsubscribe', async () => {
    const opened: OpenedPage = await openPage(browser, { url: serverUrl }, { width: 375, allowOrigin: new URL(serverUrl).origin });
    const { page } = opened;
    try {
      // The form fits a phone and has a checkbox per theme, all ticked; the honeypot is out of sight.
      const report = await findOverflow(page);
      expect(report.overflowing, 'elements past the right edge at 375px').toEqual([]);
      const boxes = page.locator('#signup input[type="checkbox"][name="theme"]');
      const themes = await boxes.evaluateAll((nodes) => nodes.map((node) => (node as unknown as { value: string }).value));
      expect(themes.length).toBeGreaterThan(3);
      expect(themes.at(-1)).toBe('其他要闻');
      expect(await page.locator('#signup input[type="checkbox"]:checked').count()).toBe(themes.length);
      const honeypot = await page.locator('#signup-website').boundingBox();
      expect(honeypot && honeypot.x + honeypot.width <= 0, 'the honeypot lies outside the page').toBe(true);
      expect(await page.locator('#signup .hp[aria-hidden="true"] #signup-website[tabindex="-1"]').count()).toBe(1);

      await page.fill('#signup-address', 'Reader@Example.org');
      for (const theme of themes.slice(2)) await page.locator(`#signup input[value="${theme}"]`).uncheck();
      await Promise.all([page.waitForURL(`${serverUrl}subscribe`), page.click('#signup button[type="submit"]')]);
      expect(await page.locator('h1').textContent()).toBe('请查收确认邮件');

      // The confirmation mail, through Postfix, passes every check.
      const confirmLink = await mailLink('confirm');
      const check = await sink.run(['check', 'last']);
      expect(checkSummary(check.output), check.output).toMatch(/^\d+ passed, 0 failed$/);
      expect((await subscriber('reader@example.org'))?.state).toBe('pending');

      // Following the link shows what and when, and subscribes only on the button.
      await page.goto(confirmLink);
      expect(await page.locator('h1').textContent()).toBe('确认订阅');
      expect(await page.locator('main').textContent()).toContain(`${themes[0]}、${themes[1]}`);
      expect(await page.locator('main').textContent()).toContain('每周一 08:00（北京时间）发送');
      expect((await subscriber('reader@example.org'))?.state).toBe('pending');
      await Promise.all([page.waitForLoadState('load'), page.click('main form button')]);
      expect(await page.locator('h1').textContent()).toBe('订阅成功');
      expect(await subscriber('reader@example.org')).toMatchObject({ state: 'active', themes: themes.slice(0, 2) });

      // The preference page: other themes.
      const manage = await page.locator('a', { hasText: '管理订阅' }).getAttribute('href');
      await page.goto(local(manage ?? ''));
      expect(await page.locator('h1').textContent()).toBe('管理订阅');
      await page.locator(`input[value="${themes[0]}"]`).uncheck();
      await page.locator(`input[value="${themes[2]}"]`).check();
      await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("保存主题")')]);
      expect(await page.locator('h1').textContent()).toBe('设置已保存');
      expect((await subscriber('reader@example.org'))?.themes).toEqual([themes[1], themes[2]]);

      // The next digest holds only what the reader chose. Which themes this week has is seen in a
      // dry run's web copy (a dry run sends and records nothing); the reader keeps one of them.
      const preview = await runCli(['digest', '--dry-run', '-q'], { cwd: dir, env: { ZHOUKAN_UNSUBSCRIBE_SECRET: SECRET } });
      expect(preview.code, preview.stderr).toBe(0);
      const webCopy = /digests\/[\w-]+\.html/.exec(preview.stdout)?.[0];
      expect(webCopy, preview.stdout).toBeDefined();
      const $ = load(await (await fetch(`${serverUrl}${webCopy}`)).text());
      const weekThemes = $('section[id^="theme-"] > h2')
        .map((_index, heading) => $(heading).contents().first().text().trim())
        .get();
      const kept = weekThemes.find((name) => themes.includes(name));
      expect(weekThemes.length, 'the week has themes to choose between').toBeGreaterThan(1);
      expect(kept, `a theme of the week among ${themes.join('、')}`).toBeDefined();
      await page.goto(local(manage ?? ''));
      for (const theme of themes) await page.locator(`input[value="${theme}"]`).setChecked(theme === kept);
      await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("保存主题")')]);
      expect((await subscriber('reader@example.org'))?.themes).toEqual([kept]);
      const sent = await runCli(['digest', '-q'], { cwd: dir, env: { ZHOUKAN_UNSUBSCRIBE_SECRET: SECRET } });
      expect(sent.code, sent.stderr).toBe(0);
      mails += 1;
      const waited = await sink.run(['wait', String(mails), '30']);
      expect(waited.code, waited.output).toBe(0);
      const digestText = (await sink.run(['text', 'last'])).output;
      expect(digestText).toContain(kept!);
      for (const other of weekThemes.filter((name) => name !== kept)) expect(digestText, `${other} is not among the reader's themes`).not.toContain(other);
      const digestCheck = await sink.run(['check', 'last']);
      expect(checkSummary(digestCheck.output), digestCheck.output).toMatch(/^\d+ passed, 0 failed$/);

      // And leaving.
      await page.click('a:text-is("返回管理页面")');
      await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("退订")')]);
      expect(await page.locator('h1').textContent()).toBe('已退订');
      expect((await subscriber('reader@example.org'))?.state).toBe('unsubscribed');
      // Under the server's CSP nothing was refused and no script ran.
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  test('a signup for an address already subscribed changes nothing and mails its preference link, which passes mailsink check', async () => {
    const added = await runCli(['subscribers', 'add', 'known@example.org', '--themes', '宏观经济'], { cwd: dir });
    expect(added.code, added.stderr).toBe(0);
    const before = await subscriber('known@example.org');
    const opened = await openPage(browser, { url: `${serverUrl}digests/index.html` }, { width: 375, allowOrigin: new URL(serverUrl).origin });
    const { page } = opened;
    try {
      await page.fill('#signup-address', 'known@example.org');
      await Promise.all([page.waitForURL(`${serverUrl}subscribe`), page.click('#signup button[type="submit"]')]);
      expect(await page.locator('h1').textContent()).toBe('请查收确认邮件');
      const manage = await mailLink('preferences');
      const check = await sink.run(['check', 'last']);
      expect(checkSummary(check.output), check.output).toMatch(/^\d+ passed, 0 failed$/);
      const after = await subscriber('known@example.org');
      expect(after).toMatchObject({ state: 'active', themes: ['宏观经济'], origin: 'operator' });
      expect(after?.confirmedAt).toEqual(before?.confirmedAt);
      await page.goto(manage);
      expect(await page.locator('main').textContent()).toContain('状态：订阅中');
      expect(await page.locator('input[type="checkbox"]:checked').evaluateAll((nodes) => nodes.map((node) => (node as unknown as { value: string }).value))).toEqual(['宏观经济']);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
