import { XMLValidator } from 'fast-xml-parser';
import {
  type AnyFeed,
  type AtomFeed,
  DetectError,
  type JsonFeed,
  ParseError,
  type MediaNs,
  type RdfFeed,
  type RssFeed,
  parseFeed as parseAnyFeed,
} from 'feedsmith';
import { AppError } from '../errors.js';
import type { RawArticle } from '../model.js';
import { sha256 } from '../util/hash.js';
import { escapeHtml, normalizeSpace, splitSentences, truncateText } from '../util/text.js';
import { parseDate } from '../util/time.js';
import { resolveUrl } from '../util/url.js';

// Feed text → RawArticles. feedsmith reads RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0 and JSON Feed
// leniently; this module maps its four shapes onto one, reads dates in the configured zone,
// resolves URLs, and decides what a broken document still yields.

export interface FeedContext {
  /** The URL the feed was fetched from: names the feed in errors and resolves relative links. */
  url: string;
  /** The configured source name, copied to every article. */
  source: string;
  /** Zone for dates written without one. */
  zone: string;
  /** The fetch time: the date of items the feed does not date at all. */
  now: Date;
}

export interface ParsedFeed {
  title?: string;
  articles: RawArticle[];
  /** Repairs and losses worth telling the user, each starting with the feed URL. */
  warnings: string[];
}

/** Length of a title made up from the text of an untitled item (microblog-style feeds). */
const DERIVED_TITLE_CHARS = 40;

/**
 * Reads a feed. Throws AppError 'SOURCE_NOT_FEED' for a document that is no feed (an HTML page,
 * other XML, other JSON) and 'SOURCE_PARSE' for a feed too broken to yield any item; a feed that
 * is broken after some items keeps those, with a warning.
 */
export function parseFeed(text: string, context: FeedContext): ParsedFeed {
  const leading = /^[\uFEFF\s]*/.exec(text)?.[0] ?? '';
  const document = text.slice(leading.length);
  if (!document) throw notAFeed(context.url, 'an empty document');

  const warnings: string[] = [];
  const parsed = /^[{[]/.test(document)
    ? readJson(document, context.url)
    : readXml(document, context.url, lineCount(leading), warnings);
  const shape = parsed ? toShape(parsed) : { head: {}, entries: [] };
  const articles = dedupeById(collectArticles(shape, context, warnings), context.url, warnings);
  return { ...(shape.head.title && { title: normalizeSpace(shape.head.title) }), articles, warnings };
}

// ---------------------------------------------------------------------------------------------
// Documents: which parse, and what a broken one still gives.

function readJson(document: string, url: string): AnyFeed {
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch (cause) {
    throw new AppError('SOURCE_PARSE', `${url}: malformed JSON: ${(cause as Error).message}`, { cause });
  }
  try {
    return parseAnyFeed(value);
  } catch (cause) {
    if (cause instanceof DetectError) throw notAFeed(url, 'JSON that is not a JSON Feed', cause);
    throw new AppError('SOURCE_PARSE', `${url}: unreadable JSON Feed: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Parses XML leniently; undefined for a well-formed feed that holds nothing. A document the strict
 * checker rejects but the lenient parser reads is kept with a warning naming the first error; one the lenient parser rejects is cut after its
 * last complete item that still parses (a truncated or half-broken feed keeps its first items).
 */
function readXml(document: string, url: string, lineOffset: number, warnings: string[]): AnyFeed | undefined {
  const root = rootElementName(document);
  if (root?.toLowerCase() === 'html') throw notAFeed(url, htmlPageDescription(document));

  const problem = firstXmlError(document, lineOffset);
  const report = (feed: AnyFeed, note = '') => {
    if (problem) warnings.push(`${url}: malformed XML at ${problem}; recovered ${items(itemCount(feed))}${note}`);
    return feed;
  };

  try {
    return report(parseAnyFeed(document));
  } catch (cause) {
    if (cause instanceof DetectError) {
      throw notAFeed(url, root ? `an XML document with root element <${root}>` : 'no XML document', cause);
    }
    // A well-formed feed with nothing in it (a new blog, a channel without items) is no failure.
    if (cause instanceof ParseError && !problem) return undefined;
    const recovered = parseLongestItemPrefix(document);
    if (recovered && itemCount(recovered) > 0) return report(recovered, ' before the break; the rest is lost');
    const where = problem ? ` at ${problem}` : `: ${(cause as Error).message}`;
    throw new AppError('SOURCE_PARSE', `${url}: malformed XML${where}; no items could be recovered`, { cause });
  }
}

/**
 * Where and what the first well-formedness error is (`line 15, column 41 (char '&' is not
 * expected)`), or undefined when the XML is well-formed.
 */
function firstXmlError(document: string, lineOffset: number): string | undefined {
  const result = XMLValidator.validate(document);
  if (result === true) return undefined;
  const { line, col, msg } = result.err;
  // The checker reports tags left open at the end as a JSON list "found" at line 1, column 1.
  const unclosed = /^Invalid '(\[[\s\S]*\])' found/.exec(msg)?.[1];
  if (unclosed) return `the end of the document (unclosed ${openTags(unclosed)})`;
  return `line ${line + lineOffset}, column ${col} (${msg.replace(/\.$/, '')})`;
}

function openTags(list: string): string {
  try {
    return (JSON.parse(list) as string[]).map((name) => `<${name}>`).join(', ');
  } catch {
    // Not the list we expected: show it as the checker wrote it.
    return list.replace(/\s+/g, ' ');
  }
}

/** Tries prefixes of the document that end after an item, longest first by binary search. */
function parseLongestItemPrefix(document: string): AnyFeed | undefined {
  const ends = [...document.matchAll(/<\/(?:[\w-]+:)?(?:item|entry)\s*>/gi)].map((match) => match.index + match[0].length);
  let low = 0;
  let high = ends.length - 1;
  let best: AnyFeed | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const prefix = document.slice(0, ends[middle]);
    const feed = tryParse(prefix);
    if (feed) {
      best = feed;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

function tryParse(document: string): AnyFeed | undefined {
  try {
    return parseAnyFeed(document);
  } catch {
    // A failed attempt only means a shorter prefix must be tried.
    return undefined;
  }
}

function itemCount(parsed: AnyFeed): number {
  return (parsed.format === 'atom' ? parsed.feed.entries : parsed.feed.items)?.length ?? 0;
}

/** The name of the first element, after the XML declaration, comments, PIs and doctype. */
function rootElementName(document: string): string | undefined {
  const prolog = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)*/i.exec(document);
  const start = prolog ? prolog[0].length : 0;
  return /^<([A-Za-z_][\w.:-]*)/.exec(document.slice(start))?.[1];
}

function htmlPageDescription(document: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(document)?.[1];
  const text = title ? normalizeSpace(htmlToText(title)) : '';
  return text ? `an HTML page ("${truncateText(text, 80)}")` : 'an HTML page';
}

function notAFeed(url: string, what: string, cause?: unknown): AppError {
  return new AppError('SOURCE_NOT_FEED', `${url}: not a feed: got ${what}`, cause === undefined ? undefined : { cause });
}

function items(count: number): string {
  return count === 1 ? '1 item' : `${count} items`;
}

function lineCount(text: string): number {
  return text.split('\n').length - 1;
}

// ---------------------------------------------------------------------------------------------
// Shapes: the four formats as one list of entries, still as the feed wrote them.

interface FeedHead {
  title?: string;
  link?: string;
  /** Raw date of the feed as a whole: stands in for undated items. */
  date?: string;
  author?: string;
  /** xml:base of the feed element. */
  base?: string;
}

interface FeedEntry {
  id?: string;
  title?: string;
  link?: string;
  published?: string;
  updated?: string;
  author?: string;
  categories: (string | undefined)[];
  images: (string | undefined)[];
  summary?: string;
  /** Body candidates as HTML; the longest is the body. */
  bodies: (string | undefined)[];
  /** xml:base of the item element: for its link and pictures. */
  base?: string;
  /** xml:base of the body element, within the item's. */
  contentBase?: string;
}

interface FeedShape {
  head: FeedHead;
  entries: FeedEntry[];
}

function toShape(parsed: AnyFeed): FeedShape {
  switch (parsed.format) {
    case 'rss':
      return rssShape(parsed.feed);
    case 'atom':
      return atomShape(parsed.feed);
    case 'rdf':
      return rdfShape(parsed.feed);
    case 'json':
      return jsonShape(parsed.feed);
  }
}

function rssShape(feed: RssFeed.Feed<string>): FeedShape {
  return {
    head: {
      title: feed.title,
      link: feed.link ?? alternateLink(feed.atom?.links),
      date: feed.pubDate ?? feed.lastBuildDate ?? feed.dc?.dates?.[0],
      author: feed.dc?.creators?.[0] ?? feed.itunes?.author,
      base: feed.xml?.base,
    },
    entries: (feed.items ?? []).map((item) => ({
      id: item.guid?.value,
      title: item.title ?? item.dc?.titles?.[0],
      link: item.link ?? permalinkGuid(item.guid) ?? alternateLink(item.atom?.links),
      published: item.pubDate ?? item.dc?.dates?.[0] ?? item.atom?.published ?? item.dcterms?.issued?.[0],
      updated: item.atom?.updated ?? item.dcterms?.modified?.[0],
      author: item.dc?.creators?.[0] ?? personName(item.authors?.[0]) ?? item.itunes?.author,
      categories: [...(item.categories ?? []).map((category) => category.name), ...(item.dc?.subjects ?? [])],
      images: [...mediaImages(item.media), ...enclosureImages(item.enclosures), item.itunes?.image],
      summary: item.description,
      bodies: [item.content?.encoded, item.description],
      base: item.xml?.base,
    })),
  };
}

function atomShape(feed: AtomFeed.Feed<string>): FeedShape {
  const feedAuthor = personName(feed.authors?.[0]);
  return {
    head: {
      title: atomText(feed.title),
      link: alternateLink(feed.links),
      date: feed.updated,
      author: feedAuthor,
      base: feed.xml?.base,
    },
    entries: (feed.entries ?? []).map((entry) => ({
      id: entry.id,
      title: atomText(entry.title),
      link: alternateLink(entry.links),
      published: entry.published ?? entry.dc?.dates?.[0],
      updated: entry.updated,
      // RFC 4287: an entry without author inherits the feed's.
      author: personName(entry.authors?.[0]) ?? entry.dc?.creators?.[0] ?? feedAuthor,
      categories: (entry.categories ?? []).map((category) => category.label ?? category.term),
      images: [
        ...mediaImages(entry.media),
        ...(entry.links ?? []).filter((link) => link.rel === 'enclosure' && isImageType(link.type)).map((link) => link.href),
        entry.itunes?.image,
      ],
      summary: atomHtml(entry.summary),
      bodies: [entry.content?.src ? undefined : atomHtml(entry.content), atomHtml(entry.summary)],
      base: entry.xml?.base,
      contentBase: entry.content?.xml?.base,
    })),
  };
}

function rdfShape(feed: RdfFeed.Feed<string>): FeedShape {
  return {
    head: {
      title: feed.title,
      link: feed.link,
      date: feed.dc?.dates?.[0],
      author: feed.dc?.creators?.[0],
      base: feed.xml?.base,
    },
    entries: (feed.items ?? []).map((item) => ({
      id: item.rdf?.about,
      title: item.title ?? item.dc?.titles?.[0],
      link: item.link ?? item.rdf?.about,
      published: item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0],
      updated: item.dcterms?.modified?.[0],
      author: item.dc?.creators?.[0],
      categories: item.dc?.subjects ?? [],
      images: mediaImages(item.media),
      summary: item.description,
      bodies: [item.content?.encoded, item.description],
      base: item.xml?.base,
    })),
  };
}

function jsonShape(feed: JsonFeed.Feed<string>): FeedShape {
  const feedAuthor = feed.authors?.[0]?.name;
  return {
    head: { title: feed.title, link: feed.home_page_url, author: feedAuthor },
    entries: (feed.items ?? []).map((item) => ({
      id: item.id,
      title: item.title,
      link: item.url ?? item.external_url,
      published: item.date_published,
      updated: item.date_modified,
      author: item.authors?.[0]?.name ?? feedAuthor,
      categories: item.tags ?? [],
      images: [
        item.image,
        item.banner_image,
        ...(item.attachments ?? []).filter((file) => isImageType(file.mime_type)).map((file) => file.url),
      ],
      summary: item.summary,
      bodies: [item.content_html, item.content_text === undefined ? undefined : textToHtml(item.content_text)],
    })),
  };
}

function alternateLink(links: { href?: string; rel?: string }[] | undefined): string | undefined {
  const alternate = links?.find((link) => !link.rel || link.rel === 'alternate');
  return alternate?.href;
}

/** An RSS guid is the item's URL unless isPermaLink="false" says otherwise. */
function permalinkGuid(guid: RssFeed.Guid | undefined): string | undefined {
  if (!guid?.value || guid.isPermaLink === false) return undefined;
  return /^https?:\/\//i.test(guid.value.trim()) ? guid.value.trim() : undefined;
}

function personName(person: { name?: string; email?: string } | undefined): string | undefined {
  return person?.name ?? person?.email;
}

function mediaImages(media: MediaNs.ItemOrFeed | undefined): (string | undefined)[] {
  if (!media) return [];
  const contents = [...(media.contents ?? []), ...(media.groups ?? []).flatMap((group) => group.contents ?? [])];
  const thumbnails = [...(media.thumbnails ?? []), ...(media.groups ?? []).flatMap((group) => group.thumbnails ?? [])];
  return [
    ...thumbnails.filter(isVisible).map((thumbnail) => thumbnail.url),
    ...contents.filter((content) => isVisible(content) && (content.medium === 'image' || isImageType(content.type))).map((content) => content.url),
  ];
}

/** A picture said to be a pixel or less wide or high is a tracking pixel, nobody's lead image. */
function isVisible(picture: { width?: number; height?: number }): boolean {
  return !(picture.width !== undefined && picture.width <= 1) && !(picture.height !== undefined && picture.height <= 1);
}

function enclosureImages(enclosures: RssFeed.Enclosure[] | undefined): (string | undefined)[] {
  return (enclosures ?? []).filter((enclosure) => isImageType(enclosure.type)).map((enclosure) => enclosure.url);
}

function isImageType(type: string | undefined): boolean {
  return type?.toLowerCase().startsWith('image/') ?? false;
}

/** An Atom text construct as plain text (titles): markup of html/xhtml types removed. */
function atomText(text: AtomFeed.Text | undefined): string | undefined {
  if (!text) return undefined;
  return isHtmlType(text.type) ? htmlToText(text.value) : text.value;
}

/** An Atom text construct as HTML (bodies): type="text" is escaped. */
function atomHtml(text: AtomFeed.Text | AtomFeed.Content | undefined): string | undefined {
  if (text?.value === undefined) return undefined;
  return isHtmlType(text.type) ? text.value : textToHtml(text.value);
}

/** Atom 1.0 says `html`/`xhtml`; Atom 0.3 says `text/html` or `application/xhtml+xml`. */
function isHtmlType(type: string | undefined): boolean {
  return type?.toLowerCase().includes('html') ?? false;
}

// ---------------------------------------------------------------------------------------------
// Articles: dates in the zone, absolute URLs, ids that stay the same run after run.

function collectArticles(shape: FeedShape, context: FeedContext, warnings: string[]): RawArticle[] {
  const feedBase = resolveUrl(shape.head.base ?? '', context.url) ?? context.url;
  const feedDate = parseDate(shape.head.date, context.zone);
  const unreadableDates: string[] = [];
  let empty = 0;

  const articles: RawArticle[] = [];
  for (const entry of shape.entries) {
    const article = toArticle(entry, { context, feedBase, feedDate, feedAuthor: shape.head.author, unreadableDates });
    if (article) articles.push(article);
    else empty += 1;
  }

  if (unreadableDates.length > 0) {
    warnings.push(
      `${context.url}: ${items(unreadableDates.length)} with a date that cannot be read (e.g. "${unreadableDates[0]}"); ` +
        'the feed date or fetch time stands in',
    );
  }
  if (empty > 0) warnings.push(`${context.url}: skipped ${items(empty)} with no title, link or text`);
  return articles;
}

interface ArticleScope {
  context: FeedContext;
  feedBase: string;
  feedDate: Date | undefined;
  feedAuthor: string | undefined;
  unreadableDates: string[];
}

function toArticle(entry: FeedEntry, scope: ArticleScope): RawArticle | undefined {
  const { context } = scope;
  const base = resolveUrl(entry.base ?? '', scope.feedBase) ?? scope.feedBase;
  const contentBase = resolveUrl(entry.contentBase ?? '', base) ?? base;
  const link = resolveUrl(entry.link ?? '', base);
  const html = longest(entry.bodies) ?? '';
  const summary = entry.summary?.trim() ? entry.summary : undefined;
  const description = summary !== undefined && summary !== html ? normalizeSpace(htmlToText(summary)) : '';
  const title = normalizeSpace(entry.title ?? '') || derivedTitle(html || summary || '');
  if (!title && !html && !link) return undefined;

  const published = readDate(entry.published, context.zone, scope.unreadableDates);
  const updated = readDate(entry.updated, context.zone, scope.unreadableDates);
  const date = published ?? updated ?? scope.feedDate ?? context.now;
  const image = entry.images.map((src) => resolveUrl(src ?? '', base)).find((src) => src !== undefined);
  const author = normalizeSpace(entry.author ?? scope.feedAuthor ?? '');
  const categories = unique(entry.categories.map((category) => normalizeSpace(category ?? '')).filter(Boolean));
  const hasExplicitBase = Boolean(entry.base || entry.contentBase) || scope.feedBase !== context.url;

  return {
    id: entry.id?.trim() || link || contentId(title, html),
    source: context.source,
    title,
    ...(link && { link }),
    published: date,
    dateGuessed: !published && !updated,
    ...(updated && published && updated.getTime() !== published.getTime() && { updated }),
    ...(author && { author }),
    categories,
    ...(image && { image }),
    // Plain text, like a front-matter description. A summary that is also the body says nothing
    // more: the clean stage writes its own.
    ...(description && { description }),
    html,
    // Relative URLs in the body follow xml:base when the feed sets one, else the item's page.
    baseUrl: hasExplicitBase ? contentBase : (link ?? contentBase),
  };
}

function readDate(raw: string | undefined, zone: string, unreadable: string[]): Date | undefined {
  if (raw === undefined || !raw.trim()) return undefined;
  const date = parseDate(raw, zone);
  if (!date) unreadable.push(raw.trim());
  return date;
}

/** `urn:sha256:` of title and body: the same item gets the same id in every run. */
function contentId(title: string, html: string): string {
  return `urn:sha256:${sha256(`${title}\n${html}`)}`;
}

function derivedTitle(html: string): string {
  const text = normalizeSpace(htmlToText(html));
  const first = splitSentences(text)[0] ?? '';
  return first ? truncateText(first, DERIVED_TITLE_CHARS) : '';
}

function longest(values: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const value of values) if (value?.trim() && (!best || value.length > best.length)) best = value;
  return best;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Ids must be unique within a feed. An item listed twice is kept once. When a feed gives one id
 * to different items (a guid that is the home page, WordPress links with an empty slug), each of
 * them is told apart by its link when the links differ, else by its content, so none is lost and
 * each keeps its id from run to run.
 */
function dedupeById(articles: RawArticle[], url: string, warnings: string[]): RawArticle[] {
  const groups = new Map<string, RawArticle[]>();
  for (const article of articles) {
    const group = groups.get(article.id);
    if (group) group.push(article);
    else groups.set(article.id, [article]);
  }

  const replacementIds = new Map<RawArticle, string>();
  for (const group of groups.values()) {
    const distinct = uniqueBy(group, fingerprint);
    if (distinct.length < 2) continue;
    const linksDiffer = new Set(distinct.map((article) => article.link)).size === distinct.length;
    for (const article of group) {
      replacementIds.set(article, linksDiffer && article.link ? article.link : contentId(article.title, article.html));
    }
  }

  const seen = new Set<string>();
  const kept: RawArticle[] = [];
  for (const article of articles) {
    const id = replacementIds.get(article) ?? article.id;
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push(id === article.id ? article : { ...article, id });
  }

  if (replacementIds.size > 0) {
    warnings.push(`${url}: ${items(replacementIds.size)} share an id with a different item; identified by link or content instead`);
  }
  const repeated = articles.length - kept.length;
  if (repeated > 0) warnings.push(`${url}: ${items(repeated)} listed twice; kept the first`);
  return kept;
}

/** What makes two items the same item: where it points and what it says. */
function fingerprint(article: RawArticle): string {
  return `${article.link ?? ''}\n${article.title}\n${article.html}`;
}

function uniqueBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Text helpers for titles: feeds put markup and entities where plain text belongs.

/** The named entities feeds actually put in titles and summaries; others are left as written. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  middot: '·',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  times: '×',
};

/** Scripts and styles dropped whole, other tags dropped and the common entities decoded: enough for a title, not a renderer. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    // Block tags end a run of words; inline tags must not split 中文 with a space.
    .replace(/<\/?(?:br|p|div|li|h[1-6]|tr|td|blockquote)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return NAMED_ENTITIES[name] ?? entity;
    });
}

/** Plain text as HTML: escaped, blank lines as paragraphs, single line breaks kept. */
function textToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
