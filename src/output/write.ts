import { join } from 'node:path';
import type { Article } from '../model.js';
import { sha256 } from '../util/hash.js';
import { writeFileIfChanged } from '../util/fs.js';
import { mapWithLimit } from '../util/pool.js';
import { FEED_FILES, renderFeeds, type FeedSite } from './feeds.js';
import { renderArticlePage, renderIndexPage, SITE_CSS, STYLESHEET_FILE, type PageSite } from './site.js';

export interface OutputOptions {
  dir: string;
  site: FeedSite;
  timeZone: string;
}

/** How many files a write changed, and how many it left as they were. */
export interface WriteCount {
  written: number;
  unchanged: number;
}

const WRITE_CONCURRENCY = 16;

/** Writes one page per article; files whose content is unchanged are left alone. */
export async function writeArticlePages(articles: Article[], options: OutputOptions): Promise<WriteCount> {
  const site = pageSite(options);
  return writeAll(
    options.dir,
    articles.map((article) => [`articles/${article.slug}.html`, () => renderArticlePage(article, site)]),
  );
}

/**
 * Writes the feeds, the index and the stylesheet for the newest articles. Called after the pages,
 * so a reader never follows a link to a page not yet written.
 */
export async function writeEntryPoints(latest: Article[], options: OutputOptions): Promise<WriteCount> {
  const feeds = renderFeeds(latest, options.site);
  return writeAll(options.dir, [
    [STYLESHEET_FILE, () => SITE_CSS],
    [FEED_FILES.rss, () => feeds.rss],
    [FEED_FILES.atom, () => feeds.atom],
    [FEED_FILES.json, () => feeds.json],
    ['index.html', () => renderIndexPage(latest, pageSite(options))],
  ]);
}

/**
 * A fingerprint of everything that shapes the output besides the articles: the settings and the
 * templates themselves (a sample page is rendered), so a change to either rebuilds every page.
 */
export function outputFingerprint(options: OutputOptions): string {
  const sample: Article = {
    id: 'tag:example.org,2022:sample',
    source: 'sample',
    slug: 'sample',
    title: '样例',
    link: 'https://example.org/a',
    published: new Date(0),
    dateGuessed: true,
    author: '作者',
    categories: ['分类'],
    html: '<p>正文。</p>',
    text: '正文。',
    summary: '正文。',
    length: 3,
    images: [],
    leadImage: { src: 'https://example.org/a.jpg', alt: '图' },
    meta: { editor: '编辑', origin: '来源', originalTitle: '原标题' },
  };
  return sha256(JSON.stringify([options, SITE_CSS, renderArticlePage(sample, pageSite(options))]));
}

function pageSite(options: OutputOptions): PageSite {
  return { url: options.site.url, title: options.site.title, timeZone: options.timeZone };
}

async function writeAll(dir: string, files: [string, () => string][]): Promise<WriteCount> {
  const changed = await mapWithLimit(files, WRITE_CONCURRENCY, ([name, render]) => writeFileIfChanged(join(dir, name), render()));
  const written = changed.filter(Boolean).length;
  return { written, unchanged: files.length - written };
}
