import { Feed, type Item } from 'feed';
import type { Article } from '../model.js';
import { escapeHtml, stripInvalidXmlChars } from '../util/text.js';
import { joinUrl } from '../util/url.js';
import { themeArticles, themeFeedPaths, themePagePath, type SiteTheme } from './site-themes.js';
import { zh, zhSite } from './zh.js';

// RSS 2.0, Atom 1.0 and JSON Feed 1.1. The only importer of `feed`, which is used for RSS and
// Atom with its known defects worked around (see design.md):
// - RSS <author> must be an e-mail address: names go in <dc:creator> instead.
// - Atom categories need `term`.
// - Enclosures get length="0" and a type guessed from the file extension ("image/jpg", or junk
//   for URLs without one): the lead image goes in <media:content> (RSS) instead.
// - Invalid XML characters pass straight through: every string is stripped first.
// - JSON output says version 1 and drops ids: JSON Feed 1.1 is written here directly.

export interface FeedSite {
  /** Base URL of the output folder, ending with a slash. */
  url: string;
  title: string;
  description: string;
  /** Authority of tag: ids, for the feed's own id. */
  idAuthority: string;
}

export const FEED_FILES = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;

/**
 * The XSL stylesheets that make a readable page of a feed in a browser (feed readers ignore them),
 * one per folder depth, as the page's links are relative: see feed-xsl.ts.
 */
export const FEED_STYLESHEETS = { root: 'assets/feed.xsl', themes: 'assets/theme-feed.xsl' } as const;

const MEDIA_NS = 'http://search.yahoo.com/mrss/';

/** The URL readers should open for an article: its original when known, else its page here. */
export function articleUrl(article: Article, site: Pick<FeedSite, 'url'>): string {
  return article.link ?? pageUrl(article, site);
}

export function pageUrl(article: Pick<Article, 'slug'>, site: Pick<FeedSite, 'url'>): string {
  return joinUrl(site.url, `articles/${article.slug}.html`);
}

/** What sets one feed apart from another: its title, the page it belongs to, its own URLs. */
interface Channel {
  id: string;
  title: string;
  description: string;
  /** The page the feed belongs to. */
  home: string;
  /** Absolute URLs of the feed in each format it is written in. */
  self: { rss: string; atom?: string; json: string };
  /** The XSL stylesheet, relative to the feed. */
  stylesheet: string;
}

/** Renders the three feeds for the given articles (already sorted and limited). */
export function renderFeeds(articles: Article[], site: FeedSite): Record<keyof typeof FEED_FILES, string> {
  const channel: Channel = {
    id: `tag:${site.idAuthority}:feed`,
    title: site.title,
    description: site.description,
    home: site.url,
    self: { rss: joinUrl(site.url, FEED_FILES.rss), atom: joinUrl(site.url, FEED_FILES.atom), json: joinUrl(site.url, FEED_FILES.json) },
    stylesheet: FEED_STYLESHEETS.root,
  };
  return { rss: renderRss(articles, channel, site), atom: renderAtom(articles, channel, site), json: renderJsonFeed(articles, channel, site) };
}

/** A theme's feeds, RSS and JSON Feed: its articles among the newest, the page it belongs to its theme page. */
export function renderThemeFeeds(theme: SiteTheme, site: FeedSite): { rss: string; json: string } {
  const paths = themeFeedPaths(theme);
  const channel: Channel = {
    id: `tag:${site.idAuthority}:feed:${theme.slug}`,
    title: zhSite.themeFeedTitle(site.title, theme.name),
    description: zhSite.themeFeedDescription(site.title, theme.name),
    home: joinUrl(site.url, themePagePath(theme)),
    self: { rss: joinUrl(site.url, paths.rss), json: joinUrl(site.url, paths.json) },
    // The feed is one folder down: its stylesheet's links lead back up.
    stylesheet: `../${FEED_STYLESHEETS.themes}`,
  };
  const articles = themeArticles(theme);
  return { rss: renderRss(articles, channel, site), json: renderJsonFeed(articles, channel, site) };
}

function newestDate(articles: Article[]): Date {
  let newest = 0;
  for (const article of articles) newest = Math.max(newest, (article.updated ?? article.published).getTime());
  // An empty feed still needs a stable date: the epoch, not "now", so reruns rewrite nothing.
  return new Date(newest);
}

function feedOptions(articles: Article[], channel: Channel, site: FeedSite) {
  return {
    id: channel.id,
    title: clean(channel.title),
    description: clean(channel.description),
    link: channel.home,
    language: zh.language,
    updated: newestDate(articles),
    generator: 'zhoukan',
    author: { name: clean(site.title) },
    feedLinks: channel.self,
    stylesheet: channel.stylesheet,
  };
}

function baseItem(article: Article, site: FeedSite): Item {
  return {
    title: clean(article.title),
    id: article.id,
    link: articleUrl(article, site),
    date: article.updated ?? article.published,
    published: article.published,
    description: escapeHtml(clean(article.summary)),
    content: clean(article.html),
  };
}

function renderRss(articles: Article[], channel: Channel, site: FeedSite): string {
  const feed = new Feed(feedOptions(articles, channel, site));
  for (const article of articles) {
    const extensions: NonNullable<Item['extensions']> = [];
    if (article.author) extensions.push({ name: 'dc:creator', objects: { _text: clean(article.author) } });
    if (article.leadImage) {
      extensions.push({
        name: 'media:content',
        objects: { _attributes: { url: article.leadImage.src, medium: 'image' } },
      });
    }
    feed.addItem({
      ...baseItem(article, site),
      category: article.categories.map((name) => ({ name: clean(name) })),
      extensions,
    });
  }
  // `feed` declares only the namespaces it knows; Media RSS is added to the root element here.
  return feed.rss2().replace('<rss version="2.0"', `<rss version="2.0" xmlns:media="${MEDIA_NS}"`);
}

function renderAtom(articles: Article[], channel: Channel, site: FeedSite): string {
  const feed = new Feed(feedOptions(articles, channel, site));
  for (const article of articles) {
    feed.addItem({
      ...baseItem(article, site),
      // Atom titles here are type="html": plain text must be escaped.
      title: escapeHtml(clean(article.title)),
      author: article.author ? [{ name: clean(article.author) }] : undefined,
      category: article.categories.map((name) => ({ term: clean(name), label: clean(name) })),
    });
  }
  return feed.atom1();
}

interface JsonFeedItem {
  id: string;
  url: string;
  external_url?: string;
  title: string;
  content_html: string;
  summary: string;
  image?: string;
  date_published: string;
  date_modified?: string;
  authors?: { name: string }[];
  tags?: string[];
  language: string;
}

function renderJsonFeed(articles: Article[], channel: Channel, site: FeedSite): string {
  const options = feedOptions(articles, channel, site);
  const items: JsonFeedItem[] = articles.map((article) => ({
    id: article.id,
    url: articleUrl(article, site),
    title: clean(article.title),
    content_html: clean(article.html),
    summary: clean(article.summary),
    ...(article.leadImage ? { image: article.leadImage.src } : {}),
    date_published: article.published.toISOString(),
    ...(article.updated ? { date_modified: article.updated.toISOString() } : {}),
    ...(article.author ? { authors: [{ name: clean(article.author) }] } : {}),
    ...(article.categories.length ? { tags: article.categories.map(clean) } : {}),
    language: zh.language,
  }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: options.title,
    home_page_url: channel.home,
    feed_url: channel.self.json,
    description: options.description,
    language: zh.language,
    authors: [options.author],
    items,
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function clean(text: string): string {
  return stripInvalidXmlChars(text);
}
