import type { Article } from '../../model.js';
import { escapeHtml } from '../../util/text.js';
import { joinUrl } from '../../util/url.js';
import { renderArticleList } from './article-list.js';
import { renderPage, type FeedLink, type PageSite } from './page-layout.js';
import { zh, zhFeedPage } from '../zh.js';
import { feedPagePath } from '../paths.js';

// A feed as a person sees it in a browser: what the feed is, its address to copy into a reader,
// how to subscribe, and its items (articles, or digests). One page per feed (`rss.xml` →
// `rss.xml.html`), written with the feeds: the server sends it to browsers at the feed's own URL, and a static host links it
// from the index and theme pages. Browsers are dropping XSLT, so no feed names a stylesheet.

export interface FeedPageInput {
  /** The feed, as the pages link it. */
  feed: FeedLink;
  description: string;
  /** Path of the page the feed belongs to (index.html, a theme page), from the root of output/. */
  home: string;
  /** What the feed carries, newest first. */
  items: FeedPageItems;
}

/** A feed's items as its page lists them. */
export interface FeedPageItems {
  count: number;
  /** What counts them: 篇 for articles, 期 for digests. */
  unit: string;
  /** The list, its links relative to `root` (the way back to output/ from the page). */
  render(root: string): string;
}

/** Articles, as the index and theme pages list them. */
export function articleItems(articles: readonly Article[], timeZone: string): FeedPageItems {
  return {
    count: articles.length,
    unit: zhFeedPage.items.articles,
    render: (root) =>
      renderArticleList(
        articles.map((article) => ({ article, similar: [] })),
        root,
        timeZone,
      ),
  };
}

export function renderFeedPage(input: FeedPageInput, site: Pick<PageSite, 'url' | 'title'>): string {
  const { feed } = input;
  const path = feedPagePath(feed.path);
  // The page sits beside its feed: links lead back to output/ from the feed's folder.
  const root = '../'.repeat(feed.path.split('/').length - 1);
  const feedUrl = joinUrl(site.url, feed.path);
  return renderPage(site, {
    root,
    title: `${feed.title} · ${zhFeedPage.kind}`,
    description: input.description,
    canonical: joinUrl(site.url, path),
    head: '<meta name="robots" content="noindex">',
    // Announced first, so a reader given this page's address finds the feed itself.
    feeds: [feed],
    mainClass: 'feed-page',
    main: `<h1>${escapeHtml(feed.title)}</h1>
<p class="lede">${escapeHtml(input.description)}</p>
<div class="feed-notice">
<p>${escapeHtml(zhFeedPage.notice)}</p>
<p class="feed-url"><a href="${escapeHtml(feedUrl)}">${escapeHtml(feedUrl)}</a></p>
<p class="feed-how">${escapeHtml(zhFeedPage.howTo(zh.feeds[feed.format]))}</p>
</div>
<section class="theme">
<h2><span>${zhFeedPage.items.before}${input.items.count}${input.items.unit}</span><a class="count" href="${root}${escapeHtml(input.home)}">${zhFeedPage.webPage} →</a></h2>
${input.items.render(root)}
</section>`,
  });
}
