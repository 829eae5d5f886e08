import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectAndBuild } from '../../src/jobs/pipeline.js';
import type { Article } from '../../src/model.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { can, needs } from '../support/requirements.js';
import { validateFeeds } from '../support/validate-feeds.js';

// Items as feeds and crawlers in the wild give them, each of which once stopped every build or went
// out unsafe: ids that are no URI, script links, markup in categories and titles, `&` in picture
// URLs, an item with nothing in it, a tracking pixel, `]]>` in a title. Each must fail only itself.

const WILD = join(PROJECT_ROOT, 'test/fixtures/wild');
const OPTIONS = { lockWaitMs: 0, alwaysBuild: true };

let server: FeedServer;
let context: TestContext;
let files: Map<string, string>;

/** Every file under the output folder, by relative path. */
async function outputFiles(dir: string): Promise<Map<string, string>> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const read = names.map(async (entry) => {
    const path = join(entry.parentPath, entry.name);
    return [path.slice(dir.length + 1), await readFile(path, 'utf8')] as const;
  });
  return new Map(await Promise.all(read));
}

/** An article as an archive made before every id had to be an absolute URI holds it. */
function legacyArticle(): Article {
  return {
    id: 'legacy-7',
    source: 'old-feed',
    slug: 'legacy-7',
    title: '旧档案里的条目',
    link: 'javascript:alert(3)',
    published: new Date('2026-12-06T00:00:00Z'),
    dateGuessed: false,
    categories: [],
    html: '<p>旧的正文。</p>',
    text: '旧的正文。',
    summary: '旧的正文。',
    length: 5,
    images: [],
    meta: {},
  };
}

beforeAll(async () => {
  server = await startFeedServer({ root: join(WILD, 'feeds') });
  const created = await createTestContext({
    feeds: [server.url('/wild-items.xml'), server.url('/wild-items.json')],
    sources: [],
    now: new Date('2026-12-07T12:00:00Z'),
  });
  context = { ...created, config: { ...created.config, sources: [{ name: 'wild', path: join(WILD, 'posts') }] } };
  await context.store.saveCollected([{ article: legacyArticle() }], new Date('2026-12-06T00:00:00Z'));
  const run = await runCollectAndBuild(context, OPTIONS);
  expect(run.build).toBeDefined();
  files = await outputFiles(context.config.output);
});

afterAll(async () => {
  await context.store.close();
  await server.close();
});

describe('items from the wild', () => {
  it('builds: ids that are no URI become tag: URIs, in every feed, for new and archived items alike', () => {
    const atom = files.get('atom.xml') ?? '';
    const ids = [...atom.matchAll(/<id>([^<]*)<\/id>/g)].map((match) => match[1] as string);
    for (const id of ids) expect(URL.canParse(id), id).toBe(true);
    expect(ids).toContain(`tag:127.0.0.1,2026-12-07:${encodeURIComponent(context.config.feeds[0]?.name ?? '')}/id:article-12345`);
    expect(ids.some((id) => id.endsWith('/id:j1'))).toBe(true);
    expect(ids.some((id) => id.endsWith('/id:42'))).toBe(true);
    expect(ids).toContain('tag:127.0.0.1,2026-12-07:old-feed/id:legacy-7');
    const json = JSON.parse(files.get('feed.json') ?? '{}') as { items: { id: string }[] };
    expect(json.items.map((item) => item.id).sort()).toEqual(ids.slice(1).sort());
  });

  it('publishes no javascript: link anywhere, and links such items to their page here', () => {
    for (const [name, text] of files) expect(text, name).not.toMatch(/javascript:/i);
    const json = JSON.parse(files.get('feed.json') ?? '{}') as { items: { title: string; url: string }[] };
    const scripted = json.items.filter((item) => ['点我', 'JSON 条目', '旧档案里的条目'].includes(item.title));
    expect(scripted).toHaveLength(3);
    for (const item of scripted) expect(item.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/articles\/.+\.html$/);
    expect(context.log.lines.some((line) => line.includes('link "javascript:alert(1)" is not an http(s) URL; dropped'))).toBe(true);
  });

  it('writes well-formed XML with markup in categories, & in picture URLs and ]]> in titles', async () => {
    for (const [name, text] of files) {
      if (name.endsWith('.xml')) expect(XMLValidator.validate(text), name).toBe(true);
    }
    const rss = files.get('rss.xml') ?? '';
    expect(rss).toContain('<category>A&lt;B &amp; C</category>');
    expect(rss).toContain('url="http://127.0.0.1/img/c.gif?NC=31263&amp;NA=1149"');
    expect(rss).toContain('<title>Two ]]&gt; ends ]]&gt; in a title</title>');
    expect(files.get('atom.xml')).toContain('term="A＜B &amp; C"');
    // The category that was only markup is gone, not published as a tag.
    for (const [name, text] of files) expect(text, name).not.toMatch(/onerror/i);
    if (can(needs.feedCheckers, 'feed checks')) {
      const result = await validateFeeds(context.config.output);
      expect(result.code, result.output).toBe(0);
    }
  });

  it('skips an item or post with neither a title nor any text, saying so', () => {
    const skipped = context.log.lines.filter((line) => line.includes('no title and no text; skipped'));
    expect(skipped.some((line) => line.includes('blank-title-empty-div.md'))).toBe(true);
    expect(skipped.some((line) => line.includes('wild-items.xml'))).toBe(true);
    const json = JSON.parse(files.get('feed.json') ?? '{}') as { items: { title: string }[] };
    for (const item of json.items) expect(item.title.trim()).not.toBe('');
    expect(json.items.map((item) => item.title)).toContain('正常的帖子');
  });

  it('gives plain-text titles in every output', () => {
    for (const [name, text] of files) expect(text, name).not.toMatch(/<script/i);
    const rss = files.get('rss.xml') ?? '';
    expect(rss).toContain('<title>标题里的脚本</title>');
    expect(rss).toContain('<title>AT&amp;T 与 加粗</title>');
    expect(files.get('atom.xml')).toContain('<title type="html"><![CDATA[AT&amp;T 与 加粗]]></title>');
  });

  it('never takes a tracking pixel for a lead image', () => {
    const json = JSON.parse(files.get('feed.json') ?? '{}') as { items: { title: string; image?: string; content_html: string }[] };
    const pixel = json.items.find((item) => item.title === '只有跟踪像素');
    expect(pixel?.content_html).toContain('正文只有一个跟踪像素。');
    expect(pixel?.image).toBeUndefined();
    expect(pixel?.content_html).not.toContain('t.gif');
    expect(json.items.find((item) => item.title === '分类和图片')?.image).toBe('http://127.0.0.1/img/c.gif?NC=31263&NA=1149');
  });
});
