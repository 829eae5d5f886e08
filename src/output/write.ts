import { join } from 'node:path';
import type { Article } from '../model.js';
import { writeFileIfChanged } from '../util/fs.js';
import { mapWithLimit } from '../util/pool.js';
import { FEED_FILES, renderFeeds, type FeedSite } from './feeds.js';
import { renderArticlePage, renderIndexPage, SITE_CSS, STYLESHEET_FILE } from './site.js';

export interface OutputOptions {
  dir: string;
  site: FeedSite;
  timeZone: string;
  feedSize: number;
}

export interface OutputSummary {
  feeds: number;
  pages: number;
  /** Files whose content changed and were rewritten. */
  written: number;
  unchanged: number;
}

/** Writes the feeds, the index, the stylesheet and one page per article; unchanged files are left alone. */
export async function writeOutputs(articles: Article[], options: OutputOptions): Promise<OutputSummary> {
  const { dir, site, timeZone, feedSize } = options;
  const latest = articles.slice(0, feedSize);
  const feeds = renderFeeds(latest, site);
  const pageSite = { url: site.url, title: site.title, timeZone };

  // Pages first, feeds and index last: a reader never gets a link to a page not yet written.
  const pages: [string, () => string][] = [
    [STYLESHEET_FILE, () => SITE_CSS],
    ...articles.map((article): [string, () => string] => [
      `articles/${article.slug}.html`,
      () => renderArticlePage(article, pageSite),
    ]),
  ];
  const entryPoints: [string, () => string][] = [
    [FEED_FILES.rss, () => feeds.rss],
    [FEED_FILES.atom, () => feeds.atom],
    [FEED_FILES.json, () => feeds.json],
    ['index.html', () => renderIndexPage(latest, pageSite)],
  ];
  let written = 0;
  for (const files of [pages, entryPoints]) {
    const changed = await mapWithLimit(files, 16, ([name, render]) => writeFileIfChanged(join(dir, name), render()));
    written += changed.filter(Boolean).length;
  }
  const total = pages.length + entryPoints.length;
  return { feeds: 3, pages: articles.length, written, unchanged: total - written };
}
