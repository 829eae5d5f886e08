import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Article } from '../model.js';
import { sha256 } from '../util/hash.js';
import { type SyncBatch, writeFileIfChanged } from '../util/fs.js';
import { keepDigestDate, listDigestWebCopies, renderDigestArchivePage, renderDigestList } from './digest/archive.js';
import { readDigestFeedEntries, type PageContent } from './digest/feed-entries.js';
import { renderDigestFeeds } from './feeds/digest-feeds.js';
import { articleItems, renderFeedPage, type FeedPageInput } from './site/feed-page.js';
import { renderFeeds, renderThemeFeeds, type FeedSite, type SkipArticle } from './feeds/feeds.js';
import { renderIndexPage } from './site/index-page.js';
import { digestFeeds, siteFeeds, type PageSite } from './site/page-layout.js';
import { SITE_CSS, SITE_ICON } from './site/site-css.js';
import { themeArticles, type SiteTheme } from './site/site-themes.js';
import { renderArticlePage } from './site/article-page.js';
import { renderThemePage, themeFeeds } from './site/theme-page.js';
import { zhFeedPage, zhSite } from './zh.js';
import { articlePagePath, DIGEST_ARCHIVE_FILE, DIGEST_FEED_FILES, FEED_FILES, feedPagePath, ICON_FILE, INDEX_FILE, STYLESHEET_FILE, themeFeedPaths, themePagePath } from './paths.js';

export interface OutputOptions {
  dir: string;
  site: FeedSite;
  timeZone: string;
  /** What the digest feeds carry of a web copy (the cleaning stage's `pageMainContent`). */
  pageContent: PageContent;
  /** The themes the signup form offers. */
  signupThemes?: readonly string[];
}

/** How many files a write changed, and how many it left as they were. */
export interface WriteCount {
  written: number;
  unchanged: number;
}

type FileToWrite = [path: string, render: () => string];

/**
 * Writes one page per article; files whose content is unchanged are left alone. The pages are
 * durable once `batch` is flushed. An article whose page cannot be rendered is passed to `skip`.
 */
export async function writeArticlePages(articles: Article[], options: OutputOptions, batch: SyncBatch, skip: SkipArticle): Promise<WriteCount> {
  const site = pageSite(options);
  const pages: FileToWrite[] = [];
  for (const article of articles) {
    try {
      const page = renderArticlePage(article, site);
      pages.push([articlePagePath(article), () => page]);
    } catch (error) {
      skip(article, error);
    }
  }
  return writeAll(options.dir, pages, batch);
}

/**
 * Writes what leads to the pages: the feeds of the newest articles, their theme pages and theme
 * feeds, the digest archive and feeds (when `digestArchive`), the assets, and last the index, so a
 * reader never follows a link to a file not yet written (call it after the article pages). A theme
 * that is no longer among the newest keeps its files as they were: its subscribers' feed stops
 * getting items, it does not go.
 */
export async function writeEntryPoints(
  latest: Article[],
  themes: readonly SiteTheme[],
  options: OutputOptions,
  skip: SkipArticle,
  { digestArchive }: { digestArchive: boolean },
): Promise<WriteCount> {
  const site = pageSite(options);
  const feeds = renderFeeds(latest, options.site, skip);
  const digests = digestArchive ? await digestFiles(options.dir, site, options.pageContent) : [];
  const first = await writeAll(options.dir, [
    [STYLESHEET_FILE, () => SITE_CSS],
    [ICON_FILE, () => SITE_ICON],
    [FEED_FILES.rss, () => feeds.rss],
    [FEED_FILES.atom, () => feeds.atom],
    [FEED_FILES.json, () => feeds.json],
    ...siteFeeds(site).map((feed) => feedPageFile({ feed, description: site.description, home: INDEX_FILE, items: articleItems(latest, site.timeZone) }, site)),
    ...digests,
    ...themes.flatMap((theme) => themeFiles(theme, options, skip)),
  ]);
  const index = await writeAll(options.dir, [[INDEX_FILE, () => renderIndexPage(themes, site)]]);
  return { written: first.written + index.written, unchanged: first.unchanged + index.unchanged };
}

/** Writes a digest's web copy (`html` for `path`); one made again unchanged keeps its first date. */
export async function writeDigestWebCopy(path: string, html: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return writeFileIfChanged(path, keepDigestDate(html, existing));
}

/**
 * Rewrites the digest feeds, their pages and digests/index.html from the web copies in digests/,
 * e.g. after writing one. True when a file changed.
 */
export async function writeDigestArchive(options: { dir: string; site: Pick<PageSite, 'url' | 'title' | 'signupThemes'>; pageContent: PageContent }): Promise<boolean> {
  const { written } = await writeAll(options.dir, await digestFiles(options.dir, options.site, options.pageContent));
  return written > 0;
}

/** The digest feeds and their pages, then the archive page that announces them. */
async function digestFiles(dir: string, site: Pick<PageSite, 'url' | 'title' | 'signupThemes'>, pageContent: PageContent): Promise<FileToWrite[]> {
  const archive = await listDigestWebCopies(dir);
  const { shown, entries } = await readDigestFeedEntries(dir, archive, site, pageContent);
  const feeds = renderDigestFeeds(entries, site);
  const items = { count: shown.length, unit: zhFeedPage.items.digests, render: () => renderDigestList(shown) };
  const description = zhSite.digestFeedDescription(site.title);
  return [
    [DIGEST_FEED_FILES.atom, () => feeds.atom],
    [DIGEST_FEED_FILES.json, () => feeds.json],
    ...digestFeeds(site).map((feed) => feedPageFile({ feed, description, home: DIGEST_ARCHIVE_FILE, items }, site)),
    [DIGEST_ARCHIVE_FILE, () => renderDigestArchivePage(archive, site)],
  ];
}

function themeFiles(theme: SiteTheme, options: OutputOptions, skip: SkipArticle): FileToWrite[] {
  const site = pageSite(options);
  const paths = themeFeedPaths(theme);
  const feeds = renderThemeFeeds(theme, options.site, skip);
  const articles = themeArticles(theme);
  const description = zhSite.themeFeedDescription(site.title, theme.name);
  return [
    [themePagePath(theme), () => renderThemePage(theme, site)],
    [paths.rss, () => feeds.rss],
    [paths.json, () => feeds.json],
    ...themeFeeds(theme, site).map((feed) => feedPageFile({ feed, description, home: themePagePath(theme), items: articleItems(articles, site.timeZone) }, site)),
  ];
}

function feedPageFile(input: FeedPageInput, site: Pick<PageSite, 'url' | 'title'>): FileToWrite {
  return [feedPagePath(input.feed.path), () => renderFeedPage(input, site)];
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
  return {
    url: options.site.url,
    title: options.site.title,
    description: options.site.description,
    timeZone: options.timeZone,
    ...(options.signupThemes ? { signupThemes: options.signupThemes } : {}),
  };
}

async function writeAll(dir: string, files: FileToWrite[], batch?: SyncBatch): Promise<WriteCount> {
  let written = 0;
  for (const [name, render] of files) if (await writeFileIfChanged(join(dir, name), render(), batch)) written += 1;
  return { written, unchanged: files.length - written };
}
