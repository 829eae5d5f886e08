import { escapeHtml, stripInvalidXmlChars } from '../../util/text.js';
import { zh, zhSite } from '../zh.js';
import { DIGEST_ARCHIVE_FILE, DIGEST_FEED_FILES, FEED_FILES, feedPagePath, ICON_FILE, INDEX_FILE, STYLESHEET_FILE } from '../paths.js';

// What every page of the site shares: the <head>, the header with its navigation and the footer
// with the subscribe links. Links are relative (`root` leads back to output/), so the folder can
// move; no inline styles or scripts, which the server's Content-Security-Policy forbids.


export interface PageSite {
  /** Base URL of output/, ending with a slash. */
  url: string;
  title: string;
  description: string;
  timeZone: string;
}

/** A feed announced for autodiscovery (`<link rel="alternate">`). */
export interface FeedLink {
  title: string;
  format: keyof typeof FEED_FILES;
  /** Path from the root of output/. */
  path: string;
}

const FEED_TYPES: Record<FeedLink['format'], string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

export interface Page {
  /** Path from the page's folder back to the root of output/: '' or '../'. */
  root: string;
  /** The whole <title>. */
  title: string;
  description?: string;
  canonical: string;
  /** More <head> elements, already escaped. */
  head?: string;
  /** The page's own feeds first, then the site's. */
  feeds: FeedLink[];
  mainClass?: string;
  main: string;
  /** A line above the footer's links, already escaped. */
  footerNote?: string;
}

/** The site's three feeds of all articles. */
export function siteFeeds(site: Pick<PageSite, 'title'>): FeedLink[] {
  return (Object.keys(FEED_FILES) as FeedLink['format'][]).map((format) => ({
    title: `${site.title} (${zh.feeds[format]})`,
    format,
    path: FEED_FILES[format],
  }));
}

/** The digest's two feeds (Atom, JSON Feed): one entry per weekly digest. */
export function digestFeeds(site: Pick<PageSite, 'title'>): FeedLink[] {
  const title = zhSite.digestFeedTitle(site.title);
  return [
    { title: `${title} (${zh.feeds.atom})`, format: 'atom', path: DIGEST_FEED_FILES.atom },
    { title: `${title} (${zh.feeds.json})`, format: 'json', path: DIGEST_FEED_FILES.json },
  ];
}

export function renderPage(site: Pick<PageSite, 'title'>, page: Page): string {
  const root = page.root;
  const description = page.description ? `\n<meta name="description" content="${escapeHtml(page.description)}">` : '';
  const alternates = page.feeds
    .map((feed) => `<link rel="alternate" type="${FEED_TYPES[feed.format]}" title="${escapeHtml(feed.title)}" href="${root}${feed.path}">`)
    .join('\n');
  const mainClass = page.mainClass ? ` class="${page.mainClass}"` : '';
  const note = page.footerNote ? `<p>${page.footerNote}</p>\n` : '';
  return stripInvalidXmlChars(`<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(page.title)}</title>${description}
<link rel="canonical" href="${escapeHtml(page.canonical)}">${page.head ? `\n${page.head}` : ''}
${alternates}
<link rel="stylesheet" href="${root}${STYLESHEET_FILE}">
<link rel="icon" type="image/svg+xml" href="${root}${ICON_FILE}">
</head>
<body>
${renderSiteHeader(site.title, root)}
<main${mainClass}>
${page.main}
</main>
<footer class="site">
${note}<p>${subscribeLinks(root)}</p>
</footer>
</body>
</html>
`);
}

/** The header: the site's name (a link home) and the navigation. Also used by the feed stylesheet. */
export function renderSiteHeader(title: string, root: string): string {
  return `<header class="site">
<a class="brand" href="${root}${INDEX_FILE}">${escapeHtml(title)}</a>
<nav aria-label="${zhSite.nav.label}"><a href="${root}${DIGEST_ARCHIVE_FILE}">${zhSite.nav.digests}</a><a href="${root}${INDEX_FILE}#subscribe">${zhSite.nav.subscribe}</a></nav>
</header>`;
}

function subscribeLinks(root: string): string {
  const feeds = (Object.keys(FEED_FILES) as FeedLink['format'][])
    .map((format) => `<a href="${root}${feedPagePath(FEED_FILES[format])}">${zh.feeds[format]}</a>`)
    .join(' · ');
  return `${zh.subscribe}：${feeds} · <a href="${root}${DIGEST_ARCHIVE_FILE}">${zhSite.nav.digests}</a>`;
}

/** Facts about an item (date, source…), separated by a middle dot. */
export function joinFacts(facts: (string | undefined)[]): string {
  return facts.filter(Boolean).join('<span class="sep"> · </span>');
}
