import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../src/jobs/build.js';
import { runCollect } from '../../src/jobs/collect.js';
import { startServer } from '../../src/server/server.js';
import { createMemoryLog } from '../../src/util/log.js';
import { PROJECT_ROOT, SHARED } from '../support/cli.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { can, lacks, needs } from '../support/requirements.js';
import { validateFeeds } from '../support/validate-feeds.js';

const FEEDS = join(SHARED, 'corpus/feeds');
const noCorpus = lacks(needs.shared, 'collecting the feeds corpus over HTTP');
const WELL_FORMED = noCorpus ? [] : ['chardet-gb2312', 'rodel-reader-zh'].flatMap((dir) => readdirSync(join(FEEDS, dir)).map((name) => `${dir}/${name}`));
const MOJIBAKE = /[\u00e2-\u00ef][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/u;
const CJK = /[\u4e00-\u9fff]/u;

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({ root: FEEDS });
});
afterAll(async () => {
  await server.close();
});

function articlesOf(context: TestContext, url: string): { title: string; text: string; summary: string }[] {
  const db = new Database(context.store.path, { readonly: true });
  try {
    const source = context.config.feeds.find((feed) => feed.url === url)?.name;
    return db.prepare('SELECT title, text, summary FROM articles WHERE source = ?').all(source) as never;
  } finally {
    db.close();
  }
}

describe.skipIf(noCorpus)('collecting the real feeds corpus over HTTP', () => {
  it('collects every well-formed feed with its Chinese text intact, then does nothing on 304', async () => {
    const urls = WELL_FORMED.map((path) => server.url(`/${path}`));
    const context = await createTestContext({ feeds: urls, sources: [] });
    const first = await runCollect(context);
    expect(first.failedSources).toEqual([]);
    expect(first.new).toBeGreaterThan(200);

    // The blog's Atom and RSS feeds carry the same posts (same links): each post is stored once.
    const sameBlog = [server.url('/rodel-reader-zh/Atom_ruanyifeng.xml'), server.url('/rodel-reader-zh/Rss_ruanyifeng.xml')];
    const [atomPosts, rssPosts] = sameBlog.map((url) => articlesOf(context, url).length);
    expect((atomPosts ?? 0) + (rssPosts ?? 0)).toBeGreaterThan(0);
    expect(Math.min(atomPosts ?? 0, rssPosts ?? 0)).toBe(0);

    for (const url of urls) {
      const state = await context.store.getSourceState(url);
      expect(state?.errorCount, url).toBe(0);
      expect(state?.lastSuccess, url).toEqual(context.now);
      const articles = sameBlog.includes(url) ? sameBlog.flatMap((blog) => articlesOf(context, blog)) : articlesOf(context, url);
      expect(articles.length, url).toBeGreaterThan(0);
      expect(articles.some((article) => CJK.test(article.title + article.text)), `${url}: no Chinese text`).toBe(true);
      for (const article of articles) {
        for (const text of [article.title, article.text, article.summary]) {
          expect(text, url).not.toContain('\ufffd');
          expect(MOJIBAKE.test(text), `${url}: mojibake in "${text.slice(0, 60)}"`).toBe(false);
        }
      }
    }
    // A GB2312 feed, checked by hand: its title comes out as Chinese.
    const westca = articlesOf(context, server.url('/chardet-gb2312/14.blog.westca.com.xml'));
    expect(westca.map((article) => article.title).join('\n')).toMatch(/[\u4e00-\u9fff]{4}/u);

    const before = server.requests.length;
    const second = await runCollect({ ...context, now: new Date(context.now.getTime() + 60_000) });
    const conditional = server.requests.slice(before);
    expect(conditional).toHaveLength(urls.length);
    for (const request of conditional) expect(request.headers['if-none-match'], request.path).toBeTruthy();
    expect(second).toMatchObject({ new: 0, updated: 0, notModified: urls.length, failedSources: [] });

    await runBuild(context);
    if (can(needs.feedCheckers, 'feed checks')) expect((await validateFeeds(context.config.output)).summary).toBe('3 passed, 0 failed');
    await context.store.close();
  });

  it('gives each malformed feed its own outcome and keeps what a lenient parse recovers', async () => {
    const url = (name: string) => server.url(`/node-feedparser-malformed/${name}`);
    const context = await createTestContext({
      sources: [],
      feeds: ['notafeed.html', 'saxerror.xml', 'illegally-nested.xml', 'iconv.xml', 'guid-dupes.xml', 'rss-with-trailing-meta.xml'].map(url),
    });
    const summary = await runCollect(context);
    expect(summary.failedSources).toEqual([{ source: url('notafeed.html'), error: expect.stringMatching(/not a feed/) as unknown }]);
    expect(await context.store.getSourceState(url('notafeed.html'))).toMatchObject({ errorCount: 1, lastError: expect.stringMatching(/not a feed/) as unknown });
    expect(context.log.lines.some((line) => line.includes('saxerror.xml') && /malformed XML at line \d+.*recovered 3 items/.test(line))).toBe(true);
    expect(articlesOf(context, url('saxerror.xml'))).toHaveLength(3);
    expect(articlesOf(context, url('illegally-nested.xml'))).toHaveLength(10);
    expect(articlesOf(context, url('iconv.xml')).map((article) => article.title).join(' ')).toMatch(/[\u0400-\u04ff]/u);
    await context.store.close();
  });
});

describe.skipIf(noCorpus)('failing sources', () => {
  it('records each failure against its source, backs off, and lets the other sources finish', async () => {
    const context = await createTestContext({
      sources: [],
      file: { fetch: { connectTimeoutSeconds: 0.3, timeoutSeconds: 1, maxBytes: 5 * 1024 * 1024 } },
    });
    const faults = {
      timeout: server.url('/_fault/hang'),
      error500: server.url('/_fault/status/500'),
      tooMany: server.url('/_fault/status/429?retry-after=7200'),
      loop: server.url('/_fault/loop/a'),
      huge: server.url('/_fault/huge?bytes=52428800'),
      reset: server.url('/_fault/reset/rodel-reader-zh/Rss_meituan.xml'),
      unaskedNotModified: server.url('/_fault/status/304'),
    };
    const good = server.url('/rodel-reader-zh/Atom_ruanyifeng.xml');
    const config = { ...context.config, feeds: [...Object.values(faults), good].map((url) => ({ name: new URL(url).pathname.replace(/\W+/g, '-'), url })) };
    const summary = await runCollect({ ...context, config });

    expect(summary.new).toBeGreaterThan(0);
    expect((await context.store.getSourceState(good))?.errorCount).toBe(0);
    expect(summary.failedSources.map((failure) => failure.source).sort()).toEqual(Object.values(faults).sort());
    const expectations: Record<keyof typeof faults, RegExp> = {
      timeout: /no response within/,
      error500: /HTTP 500/,
      tooMany: /HTTP 429/,
      loop: /redirect loop/,
      huge: /too large/,
      reset: /connection closed mid-body/,
      unaskedNotModified: /HTTP 304 Not Modified to a request without validators/,
    };
    for (const [name, url] of Object.entries(faults)) {
      const state = await context.store.getSourceState(url);
      expect(state?.errorCount, name).toBe(1);
      expect(state?.lastError, name).toMatch(expectations[name as keyof typeof faults]);
      expect(state?.nextCheck?.getTime(), name).toBeGreaterThan(context.now.getTime());
    }
    // Retry-After (2 h) beats the first backoff step (30 min).
    expect((await context.store.getSourceState(faults.tooMany))?.nextCheck).toEqual(new Date(context.now.getTime() + 7_200_000));

    // Before the backoff ends the failing sources are not fetched again.
    const before = server.requests.length;
    const soon = await runCollect({ ...context, config, now: new Date(context.now.getTime() + 60_000) });
    expect(soon.backingOff).toBe(Object.keys(faults).length);
    expect(server.requests.slice(before).map((request) => request.path)).toEqual(['/rodel-reader-zh/Atom_ruanyifeng.xml']);
    await context.store.close();
  });

  it('follows a permanent redirect and remembers the new address', async () => {
    const context = await createTestContext({ sources: [] });
    const moved = server.url('/_fault/redirect/301?to=/rodel-reader-zh/Rss_ruanyifeng.xml');
    const config = { ...context.config, feeds: [{ name: 'moved', url: moved }] };
    const summary = await runCollect({ ...context, config });
    expect(summary.new).toBeGreaterThan(0);
    expect((await context.store.getSourceState(moved))?.url).toBe(server.url('/rodel-reader-zh/Rss_ruanyifeng.xml'));
    const before = server.requests.length;
    await runCollect({ ...context, config });
    expect(server.requests.slice(before).map((request) => request.path)).toEqual(['/rodel-reader-zh/Rss_ruanyifeng.xml']);
    await context.store.close();
  });
});

describe.skipIf(noCorpus)('conditional GET against a server that honours Cache-Control', () => {
  it('gets 304 from our own server (serve-static) on the second run', async () => {
    const site = await startServer({ root: join(PROJECT_ROOT, 'test/fixtures/site'), port: 0, log: createMemoryLog() });
    try {
      const context = await createTestContext({ sources: [], feeds: [`${site.url}rss.xml`] });
      expect((await runCollect(context)).new).toBeGreaterThan(0);
      expect(await runCollect(context)).toMatchObject({ new: 0, notModified: 1 });
      await context.store.close();
    } finally {
      await site.close();
    }
  });
});

describe.skipIf(noCorpus)('politeness', () => {
  it('fetches at most two feeds at a time from one host', async () => {
    let inFlight = 0;
    let most = 0;
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) {
      server.route(`/slow/${name}.xml`, (_request, response) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        setTimeout(() => {
          inFlight -= 1;
          response.writeHead(200, { 'Content-Type': 'application/rss+xml' });
          response.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>慢</title><item><title>第${name}篇</title><link>https://slow.example/${name}</link></item></channel></rss>`);
        }, 100);
      });
    }
    const context = await createTestContext({ sources: [], feeds: names.map((name) => server.url(`/slow/${name}.xml`)) });
    const summary = await runCollect(context);
    expect(summary.new).toBe(5);
    expect(most).toBe(2);
    await context.store.close();
  });
});

describe('feed items nested thousands deep', () => {
  it('cleans each through the capped parse, text kept, whether the body is CDATA, escaped or raw XML', async () => {
    const depth = 5000; // the cost at any depth is the clean tests' business; this is about the path
    // Each item's own sentence: the same text twice would be archived as a duplicate.
    const unclosed = (name: string) => `<p>开头。</p>${'<i>'.repeat(depth)}深处的正文（${name}）。`;
    const balanced = (name: string) => `<p>开头。</p>${'<i>'.repeat(depth)}深处的正文（${name}）。${'</i>'.repeat(depth)}`;
    const escaped = unclosed('escaped').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const item = (name: string, description: string) =>
      `<item><title>${name}</title><link>https://deep.example/${name}</link><pubDate>Wed, 08 Jun 2022 00:00:00 GMT</pubDate><description>${description}</description></item>`;
    const rss = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>深</title><link>https://deep.example/</link>${[
      item('cdata', `<![CDATA[${unclosed('cdata')}]]>`),
      item('escaped', escaped),
      item('raw', balanced('raw')),
    ].join('')}</channel></rss>`;
    const atom = `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>深</title><id>urn:deep</id><updated>2022-06-08T00:00:00Z</updated><entry><id>urn:deep:xhtml</id><title>xhtml</title><link href="https://deep.example/xhtml"/><updated>2022-06-08T00:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${balanced('xhtml')}</div></content></entry></feed>`;
    for (const [path, body] of [['/deep/rss.xml', rss], ['/deep/atom.xml', atom]] as const) {
      server.route(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        response.end(body);
      });
    }
    const urls = [server.url('/deep/rss.xml'), server.url('/deep/atom.xml')];
    const context = await createTestContext({ sources: [], feeds: urls });
    const summary = await runCollect(context);
    expect(summary).toMatchObject({ new: 4, skipped: 0, failedSources: [] });
    const articles = urls.flatMap((url) => articlesOf(context, url));
    expect(articles.map((article) => article.title).sort()).toEqual(['cdata', 'escaped', 'raw', 'xhtml']);
    for (const article of articles) expect(article.text).toBe(`开头。\n\n深处的正文（${article.title}）。`);
    for (const name of ['cdata', 'escaped', 'raw', 'xhtml']) {
      expect(context.log.lines, name).toContainEqual(
        expect.stringMatching(new RegExp(`^warning: https://deep\\.example/${name}: markup nested more than 256 levels deep: \\d+ elements`, 'u')),
      );
    }
    await context.store.close();
  });
});

describe('a feed of very many items', () => {
  /** An RSS feed of `count` items, listed oldest first (the order must not matter), every seventh undated. */
  function generatedFeed(count: number): string {
    const items = Array.from({ length: count }, (_, index) => {
      const date = index % 7 === 3 ? '' : `<pubDate>${new Date(Date.UTC(2022, 0, 1) + index * 3_600_000).toUTCString()}</pubDate>`;
      return `<item><title>第${index}条快讯</title><link>https://many.example/${index}</link>${date}<description>&lt;p&gt;第${index}条正文。&lt;/p&gt;</description></item>`;
    });
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>很多条</title><link>https://many.example/</link><pubDate>${new Date(Date.UTC(2021, 0, 1)).toUTCString()}</pubDate>${items.join('')}</channel></rss>`;
  }

  it('keeps the newest fetch.maxItems items by date and says how many were left out', async () => {
    const feed = generatedFeed(60);
    server.route('/many/sixty.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(feed);
    });
    const url = server.url('/many/sixty.xml');
    const context = await createTestContext({ sources: [], feeds: [url], file: { fetch: { maxItems: 20 } } });
    const summary = await runCollect(context);
    expect(summary).toMatchObject({ new: 20, failedSources: [] });
    // The 20 newest dated items, 59 back to 36 less the undated ones among them (38, 45, 52, 59);
    // the undated ones stand at the feed's date (2021), the oldest.
    const expected = Array.from({ length: 60 }, (_, index) => index).filter((index) => index % 7 !== 3).slice(-20);
    const titles = articlesOf(context, url).map((article) => article.title);
    expect(new Set(titles)).toEqual(new Set(expected.map((index) => `第${index}条快讯`)));
    expect(context.log.lines).toContain(`warning: ${url}: 60 items; kept the newest 20 (fetch.maxItems) and left out 40`);
    await context.store.close();
  });

  it('keeps 500 by default, in the order the feed lists them when none is dated', async () => {
    const undated = generatedFeed(700).replace(/<pubDate>[^<]*<\/pubDate>/g, '');
    server.route('/many/undated.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(undated);
    });
    const url = server.url('/many/undated.xml');
    const context = await createTestContext({ sources: [], feeds: [url] });
    expect((await runCollect(context)).new).toBe(500);
    const titles = new Set(articlesOf(context, url).map((article) => article.title));
    expect(titles.has('第0条快讯') && titles.has('第499条快讯') && !titles.has('第500条快讯')).toBe(true);
    expect(context.log.lines).toContain(`warning: ${url}: 700 items; kept the newest 500 (fetch.maxItems) and left out 200`);
    await context.store.close();
  });
});

describe.skipIf(noCorpus)('a charset label that lies', () => {
  it('reads GBK bytes served as UTF-8 (header and declaration) as GB18030, with a warning naming both', async () => {
    const gbk = readFileSync(join(FEEDS, 'chardet-gb2312/softsea.net.xml'));
    const lying = Buffer.from(gbk.toString('latin1').replace('encoding="gb2312"', 'encoding="UTF-8"'), 'latin1');
    expect(lying.includes('encoding="UTF-8"')).toBe(true);
    server.route('/lying/gbk.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8' });
      response.end(lying);
    });
    const url = server.url('/lying/gbk.xml');
    const context = await createTestContext({ sources: [], feeds: [url] });
    const summary = await runCollect(context);
    expect(summary.new).toBeGreaterThan(0);
    const articles = articlesOf(context, url);
    expect(articles.map((article) => article.title).join('\n')).toMatch(/[\u4e00-\u9fff]{4}/u);
    for (const article of articles) expect(article.title + article.text, article.title).not.toContain('\ufffd');
    expect(context.log.lines).toContainEqual(expect.stringContaining(`${url}: declared UTF-8 (HTTP header and XML declaration) but the bytes are not UTF-8; read as GB18030`));
    await context.store.close();
  });
});

describe.skipIf(noCorpus)('Traditional Chinese', () => {
  it('keeps the text as written and stores a Simplified form for analysis', async () => {
    const context = await createTestContext({ sources: [join(PROJECT_ROOT, 'test/fixtures/posts')] });
    await runCollect(context);
    const big5 = (await context.store.latestArticles(50)).find((article) => article.path === 'big5.md');
    expect(big5?.title).toBe('臺灣央行宣布升息半碼');
    expect(big5?.text).toContain('中央銀行理監事會今日決議升息半碼');
    expect(big5?.simplifiedText).toContain('中央银行理监事会今日决议升息半码');
    const gbk = (await context.store.latestArticles(50)).find((article) => article.path === 'gbk.md');
    expect(gbk?.simplifiedText).toBeUndefined();
    await context.store.close();
  });
});
