import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { createMemoryLog } from '../../src/util/log.js';
import { formatInZone } from '../../src/util/time.js';
import { findOverflow, launchBrowser, openPage, type OpenedPage, type OpenPageOptions } from '../support/browser.js';
import { PROJECT_ROOT, runCli, SHARED } from '../support/cli.js';

import { lacks, needs } from '../support/requirements.js';
import { validateFeeds } from '../support/validate-feeds.js';

// The site as a reader meets it: real output built from seeds/ and the rsshub-page corpus by the
// command line, served by our server on loopback, read by Chromium. Nothing leaves the machine:
// requests to anything but the server are aborted, except remote pictures (the articles' sinaimg
// images), which get a local placeholder so pages load as they would and an aborted picture is
// not mistaken for, or hidden among, console errors.

const cannotRun = lacks(needs.chromium, 'the site in Chromium') || lacks(needs.shared, 'the site in Chromium (the rsshub-page corpus)');

const SEEDS = join(PROJECT_ROOT, 'seeds');
const RSSHUB = join(SHARED, 'corpus/rsshub-page');
const PICTURE = { width: 800, height: 450 };
const ZONE = 'Asia/Shanghai';
/** A seed article and the theme the default taxonomy gives it. */
const SEED_TITLE = '工信部：将做好“1+4+1”帮扶中小企业系列工作';
const SEED_THEME = { name: '中小企业与民营经济', slug: 'smes-private-economy' };

interface JsonFeed {
  title: string;
  items: { title: string; url: string; date_published: string }[];
}

describe.skipIf(cannotRun)('the site in Chromium', () => {
  let dir: string;
  let output: string;
  let server: RunningServer;
  let browser: Browser;
  /** Chromium as it will be once XSLT is gone, started by the first test that needs it. */
  let withoutXslt: Browser | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhoukan-e2e-'));
    output = join(dir, 'out');
    // The server first, so the site's URL (in feeds, canonical links, the digest) is the one it serves.
    server = await startServer({ root: output, port: 0, log: createMemoryLog() });
    const result = await runCli(['digest', '-q', '--source', SEEDS, '--source', RSSHUB, '--output', output, '--data', join(dir, 'data')], {
      cwd: dir,
      env: { ZHOUKAN_SITE_URL: server.url },
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await withoutXslt?.close();
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const origin = () => new URL(server.url).origin;
  const urlOf = (path: string) => new URL(path, server.url).href;
  const open = (path: string, options: Partial<OpenPageOptions> = {}): Promise<OpenedPage> =>
    openPage(browser, { url: urlOf(path) }, { width: 375, remoteImages: PICTURE, allowOrigin: origin(), ...options });
  const readJsonFeed = async (path: string) => JSON.parse(await readFile(join(output, path), 'utf8')) as JsonFeed;
  const texts = (page: Page, selector: string) => page.$$eval(selector, (nodes) => nodes.map((node) => (node.textContent ?? '').trim()));

  async function expectFits(opened: OpenedPage, width: number): Promise<void> {
    const report = await findOverflow(opened.page);
    expect(report.innerWidth).toBe(width);
    expect(report.overflowing, `${opened.page.url()}: elements past the right edge at ${width}px`).toEqual([]);
    expect(report.scrollWidth).toBeLessThanOrEqual(width);
  }

  test('the index shows the themes with their articles; a theme leads to its page, an article to its page', async () => {
    const opened = await open('');
    const { page } = opened;
    try {
      const themeNames = await texts(page, 'section.theme > h2 > a');
      expect(themeNames.length).toBeGreaterThanOrEqual(3);
      expect(themeNames).toContain(SEED_THEME.name);
      expect(await texts(page, 'nav.themes li a')).toHaveLength(themeNames.length);
      for (const name of themeNames) {
        const section = page.locator('section.theme', { has: page.locator('h2 > a', { hasText: name }) });
        expect(await section.locator('ol.articles > li > a').count(), name).toBeGreaterThan(0);
      }
      expect(await texts(page, `#theme-${SEED_THEME.slug} ol.articles > li > a`)).toContain(SEED_TITLE);
      // Every feed is announced for autodiscovery: the site's three, the digest's two and two per theme.
      expect(await page.locator('link[rel="alternate"]').count()).toBe(3 + 2 + 2 * themeNames.length);

      await page.click(`#theme-${SEED_THEME.slug} > h2 > a`);
      expect(page.url()).toBe(urlOf(`themes/${SEED_THEME.slug}.html`));
      expect(await texts(page, 'h1')).toEqual([SEED_THEME.name]);
      expect(await texts(page, 'ol.articles > li > a')).toContain(SEED_TITLE);
      expect(await page.locator(`link[rel="alternate"][href="../themes/${SEED_THEME.slug}.xml"]`).count()).toBe(1);

      await page.click(`ol.articles > li > a:text-is("${SEED_TITLE}")`);
      expect(page.url()).toMatch(new RegExp(`^${urlOf('articles/')}[\\w.-]+\\.html$`));
      expect(await texts(page, 'h1')).toEqual([SEED_TITLE]);
      expect(await page.title()).toContain(SEED_TITLE);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  test('the digest archive lists the digest; its web copy opens and links back', async () => {
    const opened = await open('');
    const { page } = opened;
    try {
      await page.click('header.site nav a:text-is("往期摘要")');
      expect(page.url()).toBe(urlOf('digests/index.html'));
      const listed = page.locator('ol.articles > li > a');
      expect(await listed.count()).toBe(1);
      const week = (await listed.first().textContent()) ?? '';
      expect(week).toMatch(/^\d{4}年第\d+周$/);
      expect(await texts(page, 'ol.articles > li > .facts')).toEqual([expect.stringMatching(/共18篇$/)]);

      await listed.first().click();
      expect(page.url()).toMatch(new RegExp(`^${urlOf('digests/')}\\d{4}-W\\d{2}\\.html$`));
      expect(await texts(page, 'h1')).toEqual([week]);
      expect(await page.locator('main.digest section ol.articles > li').count()).toBeGreaterThan(0);
      expect(await page.locator('a[href="../index.html"]').count()).toBeGreaterThan(0);
      expect(await page.locator('a[href="index.html"], a[href="../digests/index.html"]').count()).toBeGreaterThan(0);
      // The e-mail's "view in browser" leads here.
      const email = await readFile(join(dir, 'data/outbox', page.url().split('/').pop()!.replace('.html', ''), 'digest.html'), 'utf8');
      expect(email).toContain(`href="${page.url()}"`);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  // Browsers are dropping XSLT (Chromium 156 shows a banner where it is used): every feed URL must
  // give a person a readable page with XSLT on, and off as it soon will be.
  for (const xslt of ['on', 'off'] as const) {
    for (const feed of [
      { path: 'rss.xml', json: 'feed.json' },
      { path: 'atom.xml', json: 'feed.json' },
      { path: 'feed.json', json: 'feed.json' },
      { path: `themes/${SEED_THEME.slug}.xml`, json: `themes/${SEED_THEME.slug}.json` },
      { path: `themes/${SEED_THEME.slug}.json`, json: `themes/${SEED_THEME.slug}.json` },
      { path: 'digests/atom.xml', json: 'digests/feed.json', digests: true },
      { path: 'digests/feed.json', json: 'digests/feed.json', digests: true },
    ]) {
      test(`${feed.path} opens as a readable page at 320px, XSLT ${xslt}`, async () => {
        const expected = await readJsonFeed(feed.json);
        const viewer = xslt === 'on' ? browser : (withoutXslt ??= await launchBrowser(['--disable-features=XSLT']));
        const opened = await openPage(viewer, { url: urlOf(feed.path) }, { width: 320, remoteImages: PICTURE, allowOrigin: origin() });
        const { page } = opened;
        try {
          const body = await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
          expect(body).not.toMatch(/XSLT|cannot be formatted|style information/i);
          expect(await texts(page, 'h1')).toEqual([expect.stringContaining(expected.title)]);
          // The address to copy into a reader is the feed's own.
          expect(await texts(page, '.feed-url')).toEqual([urlOf(feed.path)]);
          expect(await texts(page, 'ol.articles > li > a')).toEqual(expected.items.map((item) => item.title));
          // Dates in the site's zone, as the index lists them (digests show their period instead).
          if (!('digests' in feed)) {
            expect(await texts(page, 'ol.articles > li > .facts time')).toEqual(
              expected.items.map((item) => formatInZone(new Date(item.date_published), ZONE, 'yyyy年M月d日')),
            );
          }
          // A reader given this page's address finds the feed.
          const alternate = await page.$eval('link[rel="alternate"]', (link) => (link as unknown as { href: string }).href);
          expect(alternate).toBe(urlOf(feed.path));
          await expectFits(opened, 320);
          expect(opened.errors).toEqual([]);
        } finally {
          await opened.close();
        }
      });
    }
  }

  for (const width of [320, 375, 1440]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`the index fits ${width}px, ${colorScheme}`, async () => {
        const opened = await open('', { width, colorScheme });
        try {
          await expectFits(opened, width);
          expect(opened.errors).toEqual([]);
        } finally {
          await opened.close();
        }
      });
    }
  }

  test('every page: links resolve, no console errors, nothing past the right edge at 375px', async () => {
    const opened = await open('');
    const { page } = opened;
    const status = new Map<string, number>();
    const idsOf = new Map<string, Set<string>>();
    const fragments: { from: string; target: string; id: string }[] = [];
    const queue = [urlOf('')];
    try {
      while (queue.length > 0) {
        const url = queue.shift()!;
        if (page.url() !== url) await page.goto(url, { waitUntil: 'load' });
        await expectFits(opened, 375);
        idsOf.set(url, new Set(await page.$$eval('[id]', (nodes) => nodes.map((node) => node.id))));
        const links = await page.$$eval('a[href], link[href], img[src]', (nodes) =>
          nodes.map((node) => (node as unknown as { href?: string; src?: string }).href || (node as unknown as { src: string }).src),
        );
        for (const link of links) {
          const target = new URL(link);
          if (target.origin !== origin()) continue;
          const id = decodeURIComponent(target.hash.slice(1));
          target.hash = '';
          if (id) fragments.push({ from: url, target: target.href, id });
          if (status.has(target.href)) continue;
          const response = await fetch(target.href, { headers: { Accept: 'text/html,application/xml;q=0.9,*/*;q=0.8' } });
          await response.arrayBuffer();
          status.set(target.href, response.status);
          // Pages and feeds (shown through their stylesheet) are read in the browser in turn.
          const type = response.headers.get('content-type') ?? '';
          if (response.ok && /^(text\/html|application\/xml);/.test(type)) queue.push(target.href);
        }
      }
      const broken = [...status].filter(([, code]) => code !== 200);
      expect(broken, 'links within the site that do not resolve').toEqual([]);
      const missingTargets = fragments.filter((fragment) => !idsOf.get(fragment.target)?.has(fragment.id));
      expect(missingTargets, 'links to an id the page does not have').toEqual([]);
      expect(opened.errors).toEqual([]);
      // What the crawl reached: every page and feed of the output.
      const reached = [...idsOf.keys()].map((url) => url.slice(server.url.length));
      expect(reached).toEqual(
        expect.arrayContaining(['', 'digests/index.html', 'rss.xml', 'atom.xml', 'digests/atom.xml', `themes/${SEED_THEME.slug}.html`]),
      );
      expect(reached.filter((path) => path.startsWith('articles/'))).toHaveLength(18);
      expect([...status.keys()]).toEqual(
        expect.arrayContaining([urlOf('feed.json'), urlOf('digests/feed.json'), urlOf(`themes/${SEED_THEME.slug}.json`), urlOf('assets/site.css')]),
      );
    } finally {
      await opened.close();
    }
  });

  test.skipIf(lacks(needs.feedCheckers, 'the site in Chromium: validate-feeds -r'))('validate-feeds -r passes every feed, the theme and digest feeds included', async () => {
    const themes = (await readFile(join(output, 'index.html'), 'utf8')).match(/<section class="theme"/g)?.length ?? 0;
    const validation = await validateFeeds(output, ['-r']);
    expect(validation.summary, validation.output).toBe(`${3 + 2 + 2 * themes} passed, 0 failed`);
    expect(validation.code).toBe(0);
  });
});
