import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Article } from '../../src/model.js';
import { renderFeedXsl } from '../../src/output/feed-xsl.js';
import { FEED_STYLESHEETS, renderFeeds } from '../../src/output/feeds.js';
import { SITE_CSS, SITE_ICON } from '../../src/output/site-css.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMemoryLog } from '../../src/util/log.js';
import { formatInZone } from '../../src/util/time.js';
import { chromiumMissing, launchBrowser, openPage } from '../support/browser.js';

// The feed stylesheet's own logic, in the browser that runs it: dates moved across day, month,
// year and leap-day boundaries by the zone's offset, either way, and escaped text shown as text.

const missing = chromiumMissing();

const DATES = [
  '2020-12-31T16:30:00Z', // next year in China
  '2004-02-28T20:00:00Z', // leap day in China
  '2004-02-29T16:00:00Z', // 1 March in China
  '2021-01-01T02:00:00Z', // last year at UTC-5
  '2021-03-01T03:00:00Z', // 28 February at UTC-5
  '2024-03-01T03:00:00Z', // leap day at UTC-5
  '2022-05-18T08:02:00Z', // an ordinary day
];
const AWKWARD_TITLE = `A&B <b>"引号"</b> 'single' &amp; 1+4+1`;

function article(index: number, published: string): Article {
  return {
    id: `tag:example.org,2022:xsl-${index}`,
    source: 'xsl',
    slug: `xsl-${index}`,
    title: index === 0 ? AWKWARD_TITLE : `第${index}篇`,
    link: `https://example.org/${index}`,
    published: new Date(published),
    dateGuessed: false,
    categories: [],
    html: '<p>正文。</p>',
    text: '正文。',
    summary: index === 0 ? `摘要 ${AWKWARD_TITLE}` : '摘要。',
    length: 3,
    images: [],
    meta: {},
  };
}

describe.skipIf(missing !== undefined)('the feed stylesheet in Chromium', () => {
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'zhoukan-xsl-'));
    server = await startServer({ root, port: 0, log: createMemoryLog() });
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'assets/site.css'), SITE_CSS);
    await writeFile(join(root, 'assets/icon.svg'), SITE_ICON);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const zone of [{ name: 'UTC+8', offset: 480 }, { name: 'UTC-5', offset: -300 }]) {
    test(`shows dates at ${zone.name} and escaped text as text, in RSS and Atom`, async () => {
      const articles = DATES.map((date, index) => article(index, date));
      const feeds = renderFeeds(articles, { url: server.url, title: '周刊', description: '测试', idAuthority: 'example.org,2022' });
      await writeFile(join(root, FEED_STYLESHEETS.root), renderFeedXsl({ root: '', siteTitle: '周刊', offsetMinutes: zone.offset }));
      await writeFile(join(root, 'rss.xml'), feeds.rss);
      await writeFile(join(root, 'atom.xml'), feeds.atom);
      for (const file of ['rss.xml', 'atom.xml']) {
        const opened = await openPage(browser, { url: `${server.url}${file}` }, { width: 375, allowOrigin: new URL(server.url).origin });
        try {
          const items = await opened.page.$$eval('ol.articles > li', (nodes) =>
            nodes.map((node) => ({
              title: node.querySelector('a')?.textContent,
              date: node.querySelector('.facts')?.textContent,
              summary: node.querySelector('.summary')?.textContent,
            })),
          );
          expect(items.map((item) => item.date), file).toEqual(DATES.map((date) => formatInZone(new Date(date), zone.name, 'yyyy年M月d日 HH:mm')));
          expect(items[0]?.title, file).toBe(AWKWARD_TITLE);
          expect(items[0]?.summary, file).toBe(`摘要 ${AWKWARD_TITLE}`);
          expect(opened.errors).toEqual([]);
        } finally {
          await opened.close();
        }
      }
    });
  }
});
