import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/model.js';
import { renderFeeds } from '../../../src/output/feeds/feeds.js';
import { can, lacks, needs } from '../../support/requirements.js';
import { validateFeeds } from '../../support/validate-feeds.js';
import { FEED_FILES } from '../../../src/output/paths.js';

const site = {
  url: 'http://127.0.0.1:8080/',
  title: '周刊 · 财经要闻',
  description: '测试用的站点',
  idAuthority: '127.0.0.1,2026-11-21',
};

function article(overrides: Partial<Article>): Article {
  return {
    id: 'tag:127.0.0.1,2026-11-21:seeds/a.txt',
    source: 'seeds',
    path: 'a.txt',
    title: '工信部：将做好“1+4+1”帮扶中小企业系列工作',
    published: new Date('2022-05-18T08:02:55Z'),
    dateGuessed: false,
    categories: ['金融', '新浪财经'],
    html: '<p>5月18日，国务院新闻办公室举行国务院政策例行吹风会。</p>',
    text: '5月18日，国务院新闻办公室举行国务院政策例行吹风会。',
    summary: '5月18日，国务院新闻办公室举行国务院政策例行吹风会。',
    length: 26,
    images: [],
    meta: {},
    slug: 'seeds-a',
    ...overrides,
  };
}

const awkward: Article[] = [
  article({ author: '新浪财经' }),
  article({
    id: 'https://finance.sina.com.cn/china/2022-05-18/doc-x.shtml?from=rss&src=1',
    link: 'https://finance.sina.com.cn/china/2022-05-18/doc-x.shtml?from=rss&src=1',
    path: undefined,
    slug: 'remote-x',
    title: 'A&B <公司> ]]> 业绩\u0001预告',
    summary: '营收 ]]> 增长 & 利润\u000b下滑',
    html: '<p>营收 ]]&gt; 增长 &amp; 利润\u0008下滑。</p><figure><img src="https://img.36krcdn.com/20220211/v2_img_000" alt=""></figure>',
    categories: ['A&B 证券', '股市'],
    leadImage: { src: 'https://img.36krcdn.com/20220211/v2_img_000', alt: '' },
    images: [{ src: 'https://img.36krcdn.com/20220211/v2_img_000', alt: '' }],
    published: new Date('2022-07-17T01:07:57Z'),
    updated: new Date('2022-07-18T00:00:00Z'),
  }),
  article({ id: 'tag:127.0.0.1,2026-11-21:seeds/%E4%B8%AD.txt', path: '中.txt', slug: 'seeds-3f2a', categories: [] }),
];

describe('renderFeeds', () => {
  it.skipIf(lacks(needs.feedCheckers, 'renderFeeds: every checker accepts awkward content'))('writes RSS, Atom and JSON Feed that every checker accepts, even with awkward content', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-feeds-'));
    const feeds = renderFeeds(awkward, site);
    await writeFile(join(dir, FEED_FILES.rss), feeds.rss);
    await writeFile(join(dir, FEED_FILES.atom), feeds.atom);
    await writeFile(join(dir, FEED_FILES.json), feeds.json);
    const result = await validateFeeds(dir);
    expect(result.output).not.toMatch(/^FAIL/m);
    expect(result.summary).toBe('3 passed, 0 failed');
    expect(result.code).toBe(0);
  });

  it('works around the defects of the feed library', () => {
    const { rss, atom, json } = renderFeeds(awkward, site);
    // RSS: names in dc:creator (never <author>), lead image as Media RSS, no zero-length enclosure.
    expect(rss).toContain('<dc:creator>新浪财经</dc:creator>');
    expect(rss).not.toMatch(/<author>/);
    expect(rss).toContain('xmlns:media="http://search.yahoo.com/mrss/"');
    expect(rss).toContain('<media:content url="https://img.36krcdn.com/20220211/v2_img_000" medium="image"/>');
    expect(rss).not.toContain('<enclosure');
    // Atom: categories carry a term; titles are escaped HTML.
    expect(atom).toContain('term="A&amp;B 证券"');
    expect(atom).toContain('A&amp;B &lt;公司&gt;');
    // Invalid XML characters never reach the output.
    for (const text of [rss, atom, json]) expect(text).not.toMatch(/[\u0001\u0008\u000b]/);
    // JSON Feed 1.1 with ids, authors and language.
    const parsed = JSON.parse(json) as { version: string; items: { id: string; authors?: unknown; url: string }[]; language: string };
    expect(parsed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(parsed.language).toBe('zh-CN');
    expect(parsed.items.map((item) => item.id)).toEqual(awkward.map((item) => item.id));
    expect(parsed.items[0]?.authors).toEqual([{ name: '新浪财经' }]);
    // An article with an original link points there; one without points at its page here.
    expect(parsed.items[1]?.url).toBe(awkward[1]?.link);
    expect(parsed.items[0]?.url).toBe('http://127.0.0.1:8080/articles/seeds-a.html');
  });

  it('leaves out an article that cannot be rendered, tells of it, and writes the others', () => {
    const broken = article({ id: 'tag:127.0.0.1,2026-11-21:seeds/broken', slug: 'broken', published: new Date(Number.NaN) });
    const skipped: string[] = [];
    const feeds = renderFeeds([awkward[0] as Article, broken, awkward[2] as Article], site, (left) => skipped.push(left.id));
    expect(new Set(skipped)).toEqual(new Set([broken.id]));
    for (const text of Object.values(feeds)) {
      expect(text).toContain(awkward[2]?.id);
      expect(text).not.toContain(broken.id);
    }
    // Without someone to tell, the failure is the caller's.
    expect(() => renderFeeds([broken], site)).toThrow(RangeError);
  });

  it('declares the namespaces of what it writes, also in a feed of headlines without bodies', async () => {
    const headline = article({ author: '新华社', html: '', text: '', leadImage: { src: 'https://example.org/a.jpg', alt: '' } });
    const { rss } = renderFeeds([headline], site);
    expect(rss).toContain('<dc:creator>新华社</dc:creator>');
    expect(rss).not.toContain('content:encoded');
    const root = /<rss [^>]*>/.exec(rss)?.[0] ?? '';
    expect(root).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(root).toContain('xmlns:media="http://search.yahoo.com/mrss/"');
    expect(root.match(/xmlns:dc=/g)).toHaveLength(1);
    expect(renderFeeds([article({ author: '新华社' })], site).rss.match(/xmlns:dc=/g)).toHaveLength(1);
    if (can(needs.feedCheckers, 'feed checks')) {
      const dir = await mkdtemp(join(tmpdir(), 'zhoukan-feeds-'));
      await writeFile(join(dir, FEED_FILES.rss), rss);
      expect((await validateFeeds(dir)).summary).toBe('1 passed, 0 failed');
    }
  });

  it('escapes `&` in text as written, so entity-like text survives', () => {
    const { rss } = renderFeeds([article({ title: 'AT&amp;T 与 &lt;', categories: ['R&D'] })], site);
    expect(rss).toContain('<title>AT&amp;amp;T 与 &amp;lt;</title>');
    expect(rss).toContain('<category>R&amp;D</category>');
  });

  it('is deterministic: the feed date comes from the articles, not the clock', () => {
    const first = renderFeeds(awkward, site);
    const second = renderFeeds(awkward, site);
    expect(second).toEqual(first);
    expect(first.atom).toContain('<updated>2022-07-18T00:00:00.000Z</updated>');
    expect(first.rss).toContain('<lastBuildDate>Mon, 18 Jul 2022 00:00:00 GMT</lastBuildDate>');
  });
});
