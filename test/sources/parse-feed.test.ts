import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { RawArticle } from '../../src/model.js';
import { decodeFeed } from '../../src/sources/feed-charset.js';
import { type FeedContext, type ParsedFeed, parseFeed } from '../../src/sources/parse-feed.js';
import { fetchFeed } from '../../src/sources/remote.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { lacks, needs } from '../support/requirements.js';

const FEEDS = fileURLToPath(new URL('../../../shared/corpus/feeds/', import.meta.url));
const noCorpus = lacks(needs.shared, 'parseFeed on the shared feed corpora');
const NOW = new Date('2026-01-05T04:00:00Z');
const ZONE = 'Asia/Shanghai';

const CJK = /[\u4e00-\u9fff]/;
const MOJIBAKE = /\ufffd|[ÃÂâäåæçèéï][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]|ä¸/;

let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer({ root: FEEDS });
});

afterAll(async () => {
  await server.close();
});

/** The whole network half: fetch over loopback, decode, parse. */
async function fetchAndParse(path: string): Promise<ParsedFeed> {
  const url = server.url(path);
  const result = await fetchFeed({ url }, { connectTimeoutMs: 1000, totalTimeoutMs: 5000 });
  if (result.status !== 'ok') throw new Error(`expected a body from ${url}`);
  const { text } = decodeFeed(result.body, result.contentType);
  return parseFeed(text, { url: result.url, source: 'test', zone: ZONE, now: NOW });
}

/** The AppError a call throws. */
async function parseError(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

function expectWellFormedArticles(articles: RawArticle[]): void {
  const ids = new Set<string>();
  for (const article of articles) {
    expect(article.id).toBeTruthy();
    ids.add(article.id);
    expect(article.source).toBe('test');
    expect(article.title).not.toMatch(MOJIBAKE);
    expect(article.html).not.toMatch(MOJIBAKE);
    expect(article.description ?? '').not.toMatch(MOJIBAKE);
    expect(Number.isNaN(article.published.getTime())).toBe(false);
    if (article.link) expect(article.link).toMatch(/^https?:\/\//);
    if (article.image) expect(article.image).toMatch(/^https?:\/\//);
    expect(article.baseUrl).toMatch(/^https?:\/\//);
  }
  expect(ids.size).toBe(articles.length);
}

describe.skipIf(noCorpus)('the corpus over loopback: fetched, decoded and parsed with Chinese intact', () => {
  const expectedCounts: Record<string, number> = {
    'chardet-gb2312/14.blog.westca.com.xml': 4,
    'chardet-gb2312/2.blog.westca.com.xml': 4,
    'chardet-gb2312/acnnewswire.net.xml': 8,
    'chardet-gb2312/bbs.blogsome.com.xml': 10,
    'chardet-gb2312/cappuccinos.3322.org.xml': 10,
    'chardet-gb2312/chen56.blogcn.com.xml': 15,
    'chardet-gb2312/cindychen.com.xml': 5,
    'chardet-gb2312/cnblog.org.xml': 16,
    'chardet-gb2312/coverer.com.xml': 15,
    'chardet-gb2312/eighthday.blogspot.com.xml': 7,
    'chardet-gb2312/godthink.blogsome.com.xml': 10,
    'chardet-gb2312/jjgod.3322.org.xml': 10,
    'chardet-gb2312/lily.blogsome.com.xml': 10,
    'chardet-gb2312/luciferwang.blogcn.com.xml': 20,
    'chardet-gb2312/pda.blogsome.com.xml': 10,
    'chardet-gb2312/softsea.net.xml': 100,
    'chardet-gb2312/w3cn.org.xml': 20,
    'chardet-gb2312/xy15400.blogcn.com.xml': 20,
    'rodel-reader-zh/Atom_ruanyifeng.xml': 3,
    'rodel-reader-zh/Atom_v2ex.xml': 50,
    'rodel-reader-zh/Podcast_ld.xml': 190,
    'rodel-reader-zh/Rss_meituan.xml': 10,
    'rodel-reader-zh/Rss_ruanyifeng.xml': 6,
  };

  const ENGLISH_TITLES = new Set(['chardet-gb2312/jjgod.3322.org.xml']);

  it('covers every well-formed feed in the corpus', () => {
    const onDisk = ['chardet-gb2312', 'rodel-reader-zh'].flatMap((dir) =>
      readdirSync(`${FEEDS}${dir}`).map((name) => `${dir}/${name}`),
    );
    expect(onDisk.sort()).toEqual(Object.keys(expectedCounts).sort());
  });

  for (const [path, count] of Object.entries(expectedCounts)) {
    it(`${path}: ${count} items, CJK titles, no U+FFFD or mojibake`, async () => {
      const feed = await fetchAndParse(`/${path}`);
      expect(feed.articles).toHaveLength(count);
      expectWellFormedArticles(feed.articles);
      const titles = [feed.title ?? '', ...feed.articles.map((article) => article.title)];
      // jjgod.3322.org writes English titles over Chinese posts.
      const chinese = ENGLISH_TITLES.has(path) ? feed.articles.map((article) => article.html) : titles;
      expect(chinese.some((text) => CJK.test(text))).toBe(true);
      expect(feed.warnings.filter((warning) => warning.includes('malformed'))).toEqual([]);
    });
  }

  it('reads the titles a person reads (checked by hand)', async () => {
    const first = async (path: string) => (await fetchAndParse(path)).articles[0]?.title;
    expect(await first('/chardet-gb2312/14.blog.westca.com.xml')).toBe('想要飞 却怎么样也飞不高');
    expect(await first('/chardet-gb2312/eighthday.blogspot.com.xml')).toBe('又颠了');
    expect(await first('/chardet-gb2312/w3cn.org.xml')).toBe('如何以及何时使用sIFR');
    expect(await first('/chardet-gb2312/luciferwang.blogcn.com.xml')).toBe('奥登说的大实话');
    expect(await first('/rodel-reader-zh/Atom_v2ex.xml')).toBe('[生活] 因为智能家居吵架');
    expect(await first('/rodel-reader-zh/Podcast_ld.xml')).toBe('昔日“用户思维”，今朝“韭菜思维”，聊聊大厂的傲慢与偏见');
    expect((await fetchAndParse('/chardet-gb2312/w3cn.org.xml')).title).toBe('网页设计师 - 文章教程');
    expect((await fetchAndParse('/rodel-reader-zh/Rss_meituan.xml')).title).toBe('美团技术团队');
  });

  it('maps an Atom 1.0 entry fully (ruanyifeng)', async () => {
    const [article] = (await fetchAndParse('/rodel-reader-zh/Atom_ruanyifeng.xml')).articles;
    expect(article).toMatchObject({
      id: 'tag:www.ruanyifeng.com,2025:/blog//1.2511',
      title: '科技爱好者周刊（第 375 期）：一扇门的 Bug',
      link: 'http://www.ruanyifeng.com/blog/2025/11/weekly-issue-375.html',
      published: new Date('2025-11-28T00:14:06Z'),
      updated: new Date('2025-12-01T03:04:54Z'),
      dateGuessed: false,
      author: '阮一峰',
      categories: ['Weekly'],
      // The content carries xml:base, which is what its relative links mean.
      baseUrl: 'http://www.ruanyifeng.com/blog/',
    });
    expect(article?.html).toContain('这里记录每周值得分享的科技内容');
    expect(article?.description).toContain('这里记录每周值得分享的科技内容');
    expect(article!.html.length).toBeGreaterThan(article!.description!.length);
  });

  it('maps a podcast item: RFC 822 date with offset, itunes image, description as body', async () => {
    const [episode] = (await fetchAndParse('/rodel-reader-zh/Podcast_ld.xml')).articles;
    expect(episode).toMatchObject({
      id: 'https://hosting.wavpub.cn/dao-sub/?p=1199',
      published: new Date('2025-11-20T16:00:00Z'),
      image: 'https://media.wavpub.com/fe/a0/a0/20251121000624-AepfHhpkEKtqUWnB.jpg',
      author: 'DAO',
    });
    expect(episode?.html).toContain('你是否也感觉');
  });

  it('dates items of an undated RDF feed at the fetch time and flags the guess', async () => {
    const { articles } = await fetchAndParse('/chardet-gb2312/chen56.blogcn.com.xml');
    for (const article of articles) expect(article).toMatchObject({ published: NOW, dateGuessed: true });
  });

  it('dates undated items of an RSS 0.92 feed with the feed date, flagged as a guess', async () => {
    const { articles } = await fetchAndParse('/chardet-gb2312/bbs.blogsome.com.xml');
    expect(articles[0]).toMatchObject({ published: new Date('2004-12-27T11:12:20Z'), dateGuessed: true });
  });

  it('parses the 770 KB podcast feed quickly', () => {
    // Timed in its own test: the fetch is not part of it.
    return fetchFeed({ url: server.url('/rodel-reader-zh/Podcast_ld.xml') }).then((result) => {
      if (result.status !== 'ok') throw new Error('expected a body');
      const { text } = decodeFeed(result.body, result.contentType);
      const started = performance.now();
      const feed = parseFeed(text, { url: result.url, source: 'test', zone: ZONE, now: NOW });
      const ms = performance.now() - started;
      expect(feed.articles).toHaveLength(190);
      expect(ms).toBeLessThan(1500);
    });
  });
});

describe.skipIf(noCorpus)('the malformed corpus: what each file gives', () => {
  const dir = '/node-feedparser-malformed';

  it('covers every file', () => {
    expect(readdirSync(`${FEEDS}${dir}`).sort()).toEqual([
      'guid-dupes.xml',
      'iconv.xml',
      'illegally-nested.xml',
      'notafeed.html',
      'rss-with-trailing-meta.xml',
      'saxerror.xml',
    ]);
  });

  it('guid-dupes.xml: one item with its guid written twice is one article', async () => {
    const feed = await fetchAndParse(`${dir}/guid-dupes.xml`);
    expect(feed.articles).toHaveLength(1);
    expect(feed.articles[0]).toMatchObject({ id: 'http://www.braingle.com/50366.html', title: 'Huh?' });
    expect(feed.warnings).toEqual([]);
  });

  it('iconv.xml: windows-1251 is decoded', async () => {
    const feed = await fetchAndParse(`${dir}/iconv.xml`);
    expect(feed.articles).toHaveLength(10);
    expect(feed.title).toBe('Новости Оренбурга и области / Раздел Новости');
    expect(feed.articles[0]?.title).toBe('В Бузулуке главные стройплощадки – детсад и Ледовый дворец');
    expectWellFormedArticles(feed.articles);
  });

  it('illegally-nested.xml: the ten real items, none made of the stray <item />', async () => {
    const feed = await fetchAndParse(`${dir}/illegally-nested.xml`);
    expect(feed.articles).toHaveLength(10);
    expect(feed.articles[0]).toMatchObject({
      title: 'My Professional Armchair Analysis of CES',
      published: new Date('2018-01-17T20:50:00Z'),
    });
    expect(feed.articles.every((article) => article.title && article.link)).toBe(true);
    expect(feed.warnings).toEqual([]);
  });

  it('notafeed.html: SOURCE_NOT_FEED naming the URL', async () => {
    const error = await parseError(() => fetchAndParse(`${dir}/notafeed.html`));
    expect(error.code).toBe('SOURCE_NOT_FEED');
    expect(error.message).toBe(
      `${server.url(`${dir}/notafeed.html`)}: not a feed: got an HTML page ("The Is Not The Feed You're Looking For")`,
    );
  });

  it('rss-with-trailing-meta.xml: metadata after the items is accepted', async () => {
    const feed = await fetchAndParse(`${dir}/rss-with-trailing-meta.xml`);
    expect(feed.title).toBe('Trailing Meta Feed');
    expect(feed.articles).toHaveLength(1);
    expect(feed.articles[0]).toMatchObject({ id: 'https://example.com/items/1', title: 'First item' });
    expect(feed.warnings).toEqual([]);
  });

  it('saxerror.xml: all three items recovered, with a warning naming the line', async () => {
    const feed = await fetchAndParse(`${dir}/saxerror.xml`);
    expect(feed.articles.map((article) => article.link)).toEqual([
      'http://example.com/good',
      'http://example.com/bad?foo=1&bar=2',
      'http://example.com/after',
    ]);
    expect(feed.warnings).toEqual([
      `${server.url(`${dir}/saxerror.xml`)}: malformed XML at line 15, column 41 (char '&' is not expected); recovered 3 items`,
    ]);
  });
});

describe('parseFeed: mapping', () => {
  const context: FeedContext = { url: 'https://news.example.cn/feeds/rss.xml', source: 'test', zone: ZONE, now: NOW };
  const rss = (items: string, channel = '') =>
    `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>新闻</title><link>https://news.example.cn/</link>${channel}${items}</channel></rss>`;

  it('maps an RSS 2.0 item: the fullest body, the summary, names and pictures', () => {
    const { articles } = parseFeed(
      rss(`<item>
        <title>标题 &amp; 副标题 &#20013;</title>
        <link>/2024/05/18/story.html</link>
        <guid isPermaLink="false">story-42</guid>
        <pubDate>Sat, 18 May 2024 16:02:00 +0800</pubDate>
        <dc:creator>王小明</dc:creator>
        <category>国内</category><category> 财经 </category><category>国内</category>
        <description>&lt;p&gt;摘要&lt;/p&gt;</description>
        <content:encoded><![CDATA[<p>正文第一段。</p><p>正文第二段。<img src="pic.jpg"></p>]]></content:encoded>
        <media:thumbnail url="/img/thumb.jpg"/>
      </item>`),
      context,
    );
    expect(articles).toEqual([
      {
        id: 'story-42',
        source: 'test',
        title: '标题 & 副标题 中',
        link: 'https://news.example.cn/2024/05/18/story.html',
        published: new Date('2024-05-18T08:02:00Z'),
        dateGuessed: false,
        author: '王小明',
        categories: ['国内', '财经'],
        image: 'https://news.example.cn/img/thumb.jpg',
        description: '摘要',
        html: '<p>正文第一段。</p><p>正文第二段。<img src="pic.jpg"></p>',
        baseUrl: 'https://news.example.cn/2024/05/18/story.html',
      },
    ]);
  });

  it('reads zone-less and Chinese dates in the configured zone', () => {
    const { articles } = parseFeed(
      rss(`<item><title>a</title><link>https://x.cn/a</link><dc:date>2024-05-18 16:02:00</dc:date></item>
           <item><title>b</title><link>https://x.cn/b</link><pubDate>2024年5月18日 16:02</pubDate></item>`),
      context,
    );
    expect(articles.map((article) => article.published)).toEqual([
      new Date('2024-05-18T08:02:00Z'),
      new Date('2024-05-18T08:02:00Z'),
    ]);
  });

  it('falls back to the feed date, then the fetch time, and warns about unreadable dates', () => {
    const withFeedDate = parseFeed(
      rss('<item><title>a</title><link>https://x.cn/a</link></item>', '<lastBuildDate>Mon, 01 Jan 2024 08:00:00 +0800</lastBuildDate>'),
      context,
    );
    expect(withFeedDate.articles[0]).toMatchObject({ published: new Date('2024-01-01T00:00:00Z'), dateGuessed: true });

    const unreadable = parseFeed(rss('<item><title>a</title><link>https://x.cn/a</link><pubDate>昨天</pubDate></item>'), context);
    expect(unreadable.articles[0]).toMatchObject({ published: NOW, dateGuessed: true });
    expect(unreadable.warnings).toEqual([
      `${context.url}: 1 item with a date that cannot be read (e.g. "昨天"); the feed date or fetch time stands in`,
    ]);
  });

  it('uses the link as id without a guid, and a stable content hash without either', () => {
    const feed = rss(`<item><title>有链接</title><link>https://x.cn/a</link></item>
                      <item><title>无链接</title><description>只有正文</description></item>`);
    const first = parseFeed(feed, context).articles;
    const second = parseFeed(feed, { ...context, now: new Date('2030-01-01T00:00:00Z') }).articles;
    expect(first[0]?.id).toBe('https://x.cn/a');
    expect(first[1]?.id).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    expect(second[1]?.id).toBe(first[1]?.id);
    expect(first[1]?.baseUrl).toBe(context.url);
  });

  it('picks the first image among media:content, enclosures and itunes:image', () => {
    const { articles } = parseFeed(
      rss(`<item><title>a</title><link>https://x.cn/a</link>
             <enclosure url="https://cdn.x.cn/a.mp3" type="audio/mpeg" length="1"/>
             <enclosure url="https://cdn.x.cn/a.png" type="image/png" length="1"/></item>
           <item><title>b</title><link>https://x.cn/b</link><itunes:image href="https://cdn.x.cn/b.jpg"/></item>
           <item><title>c</title><link>https://x.cn/c</link><media:content url="https://cdn.x.cn/c.jpg" medium="image"/></item>`),
      context,
    );
    expect(articles.map((article) => article.image)).toEqual([
      'https://cdn.x.cn/a.png',
      'https://cdn.x.cn/b.jpg',
      'https://cdn.x.cn/c.jpg',
    ]);
  });

  it('makes a title from the text of an untitled item and skips items with nothing at all', () => {
    const { articles, warnings } = parseFeed(
      rss(`<item><title></title><description>今天天气很好。我们去公园散步了。</description><link>https://x.cn/w</link></item>
           <item><title></title><guid isPermaLink="false">only-an-id</guid></item>`),
      context,
    );
    expect(articles).toHaveLength(1);
    expect(articles[0]?.title).toBe('今天天气很好。');
    expect(warnings).toEqual([`${context.url}: skipped 1 item with no title, link or text`]);
  });

  it('keeps an item listed twice once', () => {
    const item = '<item><title>同一条</title><link>https://x.cn/same</link><guid>g1</guid></item>';
    const { articles, warnings } = parseFeed(rss(item + item), context);
    expect(articles).toHaveLength(1);
    expect(warnings).toEqual([`${context.url}: 1 item listed twice; kept the first`]);
  });

  it('tells apart different items that share a guid by their links', () => {
    const { articles, warnings } = parseFeed(
      rss(`<item><title>一</title><link>https://x.cn/1</link><guid>https://x.cn/</guid></item>
           <item><title>二</title><link>https://x.cn/2</link><guid>https://x.cn/</guid></item>`),
      context,
    );
    expect(articles.map((article) => article.id)).toEqual(['https://x.cn/1', 'https://x.cn/2']);
    expect(warnings).toEqual([`${context.url}: 2 items share an id with a different item; identified by link or content instead`]);
  });

  it('maps Atom: html titles as text, text content escaped, xml:base, inherited author', () => {
    const atom = `
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.cn/">
  <title type="html">&lt;b&gt;博客&lt;/b&gt;</title><id>urn:feed</id><updated>2024-05-18T08:00:00Z</updated>
  <author><name>作者甲</name></author>
  <entry xml:base="posts/">
    <id>urn:entry:1</id>
    <title type="html">&lt;em&gt;重要&lt;/em&gt;新闻 &amp;amp; 评论</title>
    <link rel="alternate" href="one.html"/><link rel="replies" href="one/comments"/>
    <updated>2024-05-18T08:00:00Z</updated>
    <category term="tech" label="科技"/>
    <summary type="text">a &lt; b</summary>
    <content type="xhtml" xml:base="/static/"><div xmlns="http://www.w3.org/1999/xhtml"><p>正文 <img src="i.png"/></p></div></content>
  </entry>
  <entry><id>urn:entry:2</id><title>纯文本</title><updated>2024-05-17T08:00:00Z</updated>
    <content type="text">第一行
第二行 &lt;b&gt;不是标签&lt;/b&gt;

第二段</content></entry>
</feed>`;
    const feed = parseFeed(atom, context);
    expect(feed.title).toBe('博客');
    const [first, second] = feed.articles;
    expect(first).toMatchObject({
      id: 'urn:entry:1',
      title: '重要新闻 & 评论',
      link: 'https://blog.example.cn/posts/one.html',
      published: new Date('2024-05-18T08:00:00Z'),
      dateGuessed: false,
      author: '作者甲',
      categories: ['科技'],
      description: 'a < b',
      html: '<p>正文 <img src="i.png"/></p>',
      baseUrl: 'https://blog.example.cn/static/',
    });
    expect(second).toMatchObject({
      title: '纯文本',
      html: '<p>第一行<br>第二行 &lt;b&gt;不是标签&lt;/b&gt;</p>\n<p>第二段</p>',
      baseUrl: 'https://blog.example.cn/',
    });
    expect(second?.link).toBeUndefined();
  });

  it('drops a script in an html title whole, not only its tags', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x</id>
      <title type="html">safe&lt;script&gt;location.href='http://example.com/';&lt;/script&gt; description</title>
      <summary type="html">摘要&lt;script&gt;alert(1)&lt;/script&gt;正文</summary><content type="html">&lt;p&gt;这是比摘要长得多的正文，它才是文章的主体，摘要只是它的一小部分而已。&lt;/p&gt;</content></entry></feed>`;
    const [article] = parseFeed(atom, context).articles;
    expect(article?.title).toBe('safe description');
    expect(article?.description).toBe('摘要 正文');
  });

  it('maps JSON Feed 1.1 and 1.0', () => {
    const v11 = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'JSON 新闻',
      home_page_url: 'https://j.example.cn/',
      authors: [{ name: '编辑部' }],
      items: [
        {
          id: 'j1',
          url: 'https://j.example.cn/1',
          title: '第一条',
          content_html: '<p>正文</p>',
          summary: '摘要',
          date_published: '2024-05-18T16:02:00+08:00',
          tags: ['要闻'],
          image: 'https://j.example.cn/1.jpg',
        },
        { id: 2, content_text: '纯文本 <不是标签>', date_published: '2024-05-18T10:00:00Z' },
      ],
    });
    const feed = parseFeed(v11, context);
    expect(feed.title).toBe('JSON 新闻');
    expect(feed.articles[0]).toMatchObject({
      id: 'j1',
      title: '第一条',
      link: 'https://j.example.cn/1',
      published: new Date('2024-05-18T08:02:00Z'),
      author: '编辑部',
      categories: ['要闻'],
      image: 'https://j.example.cn/1.jpg',
      description: '摘要',
      html: '<p>正文</p>',
    });
    expect(feed.articles[1]).toMatchObject({ id: '2', title: '纯文本 <不是标签>', html: '<p>纯文本 &lt;不是标签&gt;</p>' });

    const v10 = JSON.stringify({
      version: 'https://jsonfeed.org/version/1',
      title: '旧版',
      author: { name: '老王' },
      items: [{ id: 'x', title: '旧条目', content_text: '内容', date_published: '2020-01-01T00:00:00Z' }],
    });
    expect(parseFeed(v10, context).articles[0]).toMatchObject({ id: 'x', title: '旧条目', author: '老王' });
  });

  it('tolerates blank lines and a BOM before <?xml', () => {
    const feed = parseFeed(`\uFEFF\n\n  ${rss('<item><title>前面有空行</title><link>https://x.cn/a</link></item>')}`, context);
    expect(feed.articles[0]?.title).toBe('前面有空行');
  });
});

describe('parseFeed: broken and foreign documents', () => {
  const context: FeedContext = { url: 'https://news.example.cn/rss', source: 'test', zone: ZONE, now: NOW };
  const items = Array.from(
    { length: 12 },
    (_, index) => `<item><title>条目 ${index + 1}</title><link>https://x.cn/${index + 1}</link><description>正文 ${index + 1}</description></item>`,
  ).join('\n');
  const whole = `<?xml version="1.0"?>\n<rss version="2.0"><channel><title>截断</title>\n${items}\n</channel></rss>`;

  it('keeps the items before the break of a truncated feed, with a warning', () => {
    // Cut inside the description of item 9: the lenient parser alone rejects the document.
    const cut = whole.slice(0, whole.indexOf('正文 9'));
    const feed = parseFeed(cut, context);
    expect(feed.articles.map((article) => article.title)).toEqual(
      Array.from({ length: 8 }, (_, index) => `条目 ${index + 1}`),
    );
    expect(feed.warnings).toEqual([
      `${context.url}: malformed XML at the end of the document (unclosed <rss>, <channel>, <item>, <description>); ` +
        'recovered 8 items before the break; the rest is lost',
    ]);
  });

  it('fails as a whole with SOURCE_PARSE when no item can be recovered', async () => {
    const error = await parseError(() =>
      parseFeed('<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>a</title><description>never closed', context),
    );
    expect(error.code).toBe('SOURCE_PARSE');
    expect(error.message).toBe(
      `${context.url}: malformed XML at the end of the document (unclosed <rss>, <channel>, <item>, <description>); no items could be recovered`,
    );
  });

  it('says SOURCE_NOT_FEED for other XML, other JSON, and nothing', async () => {
    const sitemap = await parseError(() =>
      parseFeed('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>', context),
    );
    expect(sitemap).toMatchObject({
      code: 'SOURCE_NOT_FEED',
      message: `${context.url}: not a feed: got an XML document with root element <urlset>`,
    });

    const json = await parseError(() => parseFeed('{"status":"ok","data":[]}', context));
    expect(json).toMatchObject({ code: 'SOURCE_NOT_FEED', message: `${context.url}: not a feed: got JSON that is not a JSON Feed` });

    const empty = await parseError(() => parseFeed('  \n', context));
    expect(empty).toMatchObject({ code: 'SOURCE_NOT_FEED', message: `${context.url}: not a feed: got an empty document` });

    const page = await parseError(() => parseFeed('<!DOCTYPE html>\n<html><head><title>首页 - 新闻网</title></head><body></body></html>', context));
    expect(page).toMatchObject({ code: 'SOURCE_NOT_FEED', message: `${context.url}: not a feed: got an HTML page ("首页 - 新闻网")` });
  });

  it('reads a well-formed feed with nothing in it as no items, not as a failure', () => {
    for (const empty of [
      '<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
      '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"></rdf:RDF>',
    ]) {
      expect(parseFeed(empty, context), empty).toEqual({ articles: [], warnings: [] });
    }
  });

  it('says SOURCE_PARSE for malformed JSON', async () => {
    const error = await parseError(() => parseFeed('{"version": "https://jsonfeed.org/version/1.1", "items": [', context));
    expect(error.code).toBe('SOURCE_PARSE');
    expect(error.message).toMatch(new RegExp(`^${context.url}: malformed JSON: `));
  });
});
