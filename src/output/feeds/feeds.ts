import { Feed, type Item } from 'feed';
import type { Article } from '../../model.js';
import { absoluteId } from '../../util/ids.js';
import { escapeHtml, stripInvalidXmlChars } from '../../util/text.js';
import { isHttpUrl, joinUrl } from '../../util/url.js';
import { articlePagePath, FEED_FILES, themeFeedPaths, themePagePath } from '../paths.js';
import { themeArticles, type SiteTheme } from '../site/site-themes.js';
import { zh, zhSite } from '../zh.js';

// RSS 2.0, Atom 1.0 and JSON Feed 1.1 of articles. This folder is the only importer of `feed`,
// which is used for RSS and Atom with its known defects worked around (see design.md):
// - RSS <author> must be an e-mail address: names go in <dc:creator> instead.
// - Atom categories need `term`.
// - Enclosures get length="0" and a type guessed from the file extension ("image/jpg", or junk
//   for URLs without one): the lead image goes in <media:content> (RSS) instead.
// - Invalid XML characters pass straight through: every string is stripped first.
// - JSON output says version 1 and drops ids: JSON Feed 1.1 is written here directly.
// - Its Atom writer calls `new URL(id)`, which throws on an id that is no URL: every id handed to
//   it is an absolute URI (archives may hold older ones, made absolute here as the collect does).
// - Escaping is uneven: text nodes are escaped after `&amp;` is turned back into `&`; CDATA
//   sections escape only their first `]]>`; attributes get `&` escaped by `feed` for some and `"`
//   by its XML writer for all, `<` by neither. So every value goes through one of `xmlText`,
//   `cdataHtml` or the attribute helpers below, chosen by where `feed` puts it.

export interface FeedSite {
  /** Base URL of the output folder, ending with a slash. */
  url: string;
  title: string;
  description: string;
  /** Authority of tag: ids, for the feed's own id. */
  idAuthority: string;
}

const MEDIA_NS = 'http://search.yahoo.com/mrss/';
const DC_NS = 'http://purl.org/dc/elements/1.1/';

/** The URL readers should open for an article: its original when known (and http), else its page here. */
export function articleUrl(article: Article, site: Pick<FeedSite, 'url'>): string {
  return article.link && isHttpUrl(article.link) ? article.link : pageUrl(article, site);
}

export function pageUrl(article: Pick<Article, 'slug'>, site: Pick<FeedSite, 'url'>): string {
  return joinUrl(site.url, articlePagePath(article));
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
}

/** Told of an article left out of an output because rendering it failed; the rest is written. */
export type SkipArticle = (article: Article, error: unknown) => void;

/** Without a `SkipArticle`, a failing article fails the whole feed. */
const failWhole: SkipArticle = (_article, error) => {
  throw error;
};

/**
 * Renders the three feeds for the given articles (already sorted and limited). An article that
 * cannot be rendered is left out of a feed and passed to `skip`.
 */
export function renderFeeds(articles: Article[], site: FeedSite, skip: SkipArticle = failWhole): Record<keyof typeof FEED_FILES, string> {
  const channel: Channel = {
    id: `tag:${site.idAuthority}:feed`,
    title: site.title,
    description: site.description,
    home: site.url,
    self: { rss: joinUrl(site.url, FEED_FILES.rss), atom: joinUrl(site.url, FEED_FILES.atom), json: joinUrl(site.url, FEED_FILES.json) },
  };
  return {
    rss: renderEach(articles, (some) => renderRss(some, channel, site), skip),
    atom: renderEach(articles, (some) => renderAtom(some, channel, site), skip),
    json: renderEach(articles, (some) => renderJsonFeed(some, channel, site), skip),
  };
}

/** A theme's feeds, RSS and JSON Feed: its articles among the newest, the page it belongs to its theme page. */
export function renderThemeFeeds(theme: SiteTheme, site: FeedSite, skip: SkipArticle = failWhole): { rss: string; json: string } {
  const paths = themeFeedPaths(theme);
  const channel: Channel = {
    id: `tag:${site.idAuthority}:feed:${theme.slug}`,
    title: zhSite.themeFeedTitle(site.title, theme.name),
    description: zhSite.themeFeedDescription(site.title, theme.name),
    home: joinUrl(site.url, themePagePath(theme)),
    self: { rss: joinUrl(site.url, paths.rss), json: joinUrl(site.url, paths.json) },
  };
  const articles = themeArticles(theme);
  return {
    rss: renderEach(articles, (some) => renderRss(some, channel, site), skip),
    json: renderEach(articles, (some) => renderJsonFeed(some, channel, site), skip),
  };
}

/**
 * A feed of all the articles; when that fails, each is tried alone and those that fail are left
 * out (and passed to `skip`), so one bad item never stops the feed.
 */
function renderEach(articles: Article[], render: (articles: Article[]) => string, skip: SkipArticle): string {
  try {
    return render(articles);
  } catch {
    // Some article fails: found below, one by one.
  }
  const renderable = articles.filter((article) => {
    try {
      render([article]);
      return true;
    } catch (error) {
      skip(article, error);
      return false;
    }
  });
  return render(renderable);
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
    title: xmlText(channel.title),
    description: xmlText(channel.description),
    link: channel.home,
    language: zh.language,
    updated: newestDate(articles),
    generator: 'zhoukan',
    author: { name: xmlText(site.title) },
    feedLinks: channel.self,
  };
}

function baseItem(article: Article, site: FeedSite): Item {
  return {
    // Both formats put the title and the summary in CDATA as HTML: escaped plain text has no `]]>`.
    title: escapeHtml(clean(article.title)),
    id: xmlText(itemId(article, site)),
    link: articleUrl(article, site),
    date: validDate(article.updated ?? article.published),
    published: validDate(article.published),
    description: escapeHtml(clean(article.summary)),
    content: cdataHtml(article.html),
  };
}

/** RSS would write an invalid date as "Invalid Date": it fails the item instead, as in Atom and JSON. */
function validDate(date: Date): Date {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid time value');
  return date;
}

/** The article's id as an absolute URI: ids archived before every id was one are made so here. */
function itemId(article: Article, site: FeedSite): string {
  return absoluteId(site.idAuthority, article.source, article.id);
}

function renderRss(articles: Article[], channel: Channel, site: FeedSite): string {
  const feed = new Feed(feedOptions(articles, channel, site));
  for (const article of articles) {
    // RSS titles are plain text (readers differ on HTML in them): this element replaces the CDATA
    // one `feed` writes, as extensions are set after it.
    const extensions: NonNullable<Item['extensions']> = [{ name: 'title', objects: { _text: xmlText(article.title) } }];
    if (article.author) extensions.push({ name: 'dc:creator', objects: { _text: xmlText(article.author) } });
    if (article.leadImage && isHttpUrl(article.leadImage.src)) {
      extensions.push({
        name: 'media:content',
        objects: { _attributes: { url: xmlAttribute(article.leadImage.src), medium: 'image' } },
      });
    }
    feed.addItem({
      ...baseItem(article, site),
      category: article.categories.map((name) => ({ name: xmlText(name) })),
      extensions,
    });
  }
  // `feed` declares Dublin Core only with content:encoded (no item of a feed of headlines has it)
  // and Media RSS never: the root element gets what it lacks here.
  const rss = feed.rss2();
  const missing = [`xmlns:media="${MEDIA_NS}"`, ...(rss.includes('xmlns:dc=') ? [] : [`xmlns:dc="${DC_NS}"`])];
  return rss.replace('<rss version="2.0"', `<rss version="2.0" ${missing.join(' ')}`);
}

function renderAtom(articles: Article[], channel: Channel, site: FeedSite): string {
  const feed = new Feed(feedOptions(articles, channel, site));
  for (const article of articles) {
    feed.addItem({
      ...baseItem(article, site),
      author: article.author ? [{ name: xmlText(article.author) }] : undefined,
      category: article.categories.map((name) => ({ term: categoryAttribute(name), label: categoryAttribute(name) })),
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
  const items: JsonFeedItem[] = articles.map((article) => ({
    id: itemId(article, site),
    url: articleUrl(article, site),
    title: clean(article.title),
    content_html: clean(article.html),
    summary: clean(article.summary),
    ...(article.leadImage && isHttpUrl(article.leadImage.src) ? { image: article.leadImage.src } : {}),
    date_published: article.published.toISOString(),
    ...(article.updated ? { date_modified: article.updated.toISOString() } : {}),
    ...(article.author ? { authors: [{ name: clean(article.author) }] } : {}),
    ...(article.categories.length ? { tags: article.categories.map(clean) } : {}),
    language: zh.language,
  }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: clean(channel.title),
    home_page_url: channel.home,
    feed_url: channel.self.json,
    description: clean(channel.description),
    language: zh.language,
    authors: [{ name: clean(site.title) }],
    items,
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

export function clean(text: string): string {
  return stripInvalidXmlChars(text);
}

/**
 * A text node's value. `feed`'s XML writer turns `&amp;` back into `&` before escaping, so `&` is
 * escaped once here to come out once escaped: `AT&amp;T` stays `AT&amp;T`, not `AT&T`.
 */
export function xmlText(text: string): string {
  return clean(text).replaceAll('&', '&amp;');
}

/** HTML in a CDATA section: `]]>` would end it early, and `]]&gt;` says the same in HTML. */
export function cdataHtml(html: string): string {
  return clean(html).replaceAll(']]>', ']]&gt;');
}

/** An attribute `feed` leaves alone (extensions): the XML writer escapes only `"`. */
function xmlAttribute(value: string): string {
  return clean(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}

/**
 * An Atom category's term and label: `feed` escapes `&` and its writer `"`, and nothing can get
 * `<` past both escaped, so the rare `<` left in a plain-text category is written as `＜`.
 */
function categoryAttribute(name: string): string {
  return clean(name).replaceAll('<', '＜');
}
