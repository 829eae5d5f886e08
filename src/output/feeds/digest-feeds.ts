import { Feed } from 'feed';
import { escapeHtml } from '../../util/text.js';
import { joinUrl } from '../../util/url.js';
import { DIGEST_ARCHIVE_FILE, DIGEST_FEED_FILES } from '../paths.js';
import { zh, zhSite } from '../zh.js';
import { cdataHtml, clean, xmlText } from './feeds.js';

// The weekly digest as Atom 1.0 and JSON Feed 1.1: one entry per digest, its whole web copy as
// content, for readers who follow the digest in a feed reader instead of their inbox. The escaping
// rules of feeds.ts apply (its helpers are used); ids are the web copies' URLs, so a digest keeps
// its entry however often the feeds are rewritten.

export interface DigestFeedEntry {
  /** Absolute URL of the web copy: the entry's id and link. */
  url: string;
  /** 2022年第20周 */
  title: string;
  /** A line about the digest (period, count, themes), plain text. */
  summary: string;
  /** The web copy's content, sanitized HTML with absolute URLs. */
  html: string;
  /** When the digest was made. */
  date: Date;
}

export interface DigestFeedSite {
  /** Base URL of output/, ending with a slash. */
  url: string;
  title: string;
}

/** Both digest feeds, entries newest first. */
export function renderDigestFeeds(entries: readonly DigestFeedEntry[], site: DigestFeedSite): { atom: string; json: string } {
  return { atom: renderAtom(entries, site), json: renderJsonFeed(entries, site) };
}

function renderAtom(entries: readonly DigestFeedEntry[], site: DigestFeedSite): string {
  const feed = new Feed({
    id: joinUrl(site.url, DIGEST_ARCHIVE_FILE),
    title: xmlText(zhSite.digestFeedTitle(site.title)),
    description: xmlText(zhSite.digestFeedDescription(site.title)),
    link: joinUrl(site.url, DIGEST_ARCHIVE_FILE),
    language: zh.language,
    updated: newestDate(entries),
    generator: 'zhoukan',
    author: { name: xmlText(site.title) },
    feedLinks: { atom: joinUrl(site.url, DIGEST_FEED_FILES.atom), json: joinUrl(site.url, DIGEST_FEED_FILES.json) },
  });
  for (const entry of entries) {
    feed.addItem({
      // Atom titles and summaries are written as HTML in CDATA: escaped plain text has no `]]>`.
      title: escapeHtml(clean(entry.title)),
      id: xmlText(entry.url),
      link: entry.url,
      date: entry.date,
      published: entry.date,
      description: escapeHtml(clean(entry.summary)),
      content: cdataHtml(entry.html),
    });
  }
  return feed.atom1();
}

function renderJsonFeed(entries: readonly DigestFeedEntry[], site: DigestFeedSite): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: clean(zhSite.digestFeedTitle(site.title)),
    home_page_url: joinUrl(site.url, DIGEST_ARCHIVE_FILE),
    feed_url: joinUrl(site.url, DIGEST_FEED_FILES.json),
    description: clean(zhSite.digestFeedDescription(site.title)),
    language: zh.language,
    authors: [{ name: clean(site.title) }],
    items: entries.map((entry) => ({
      id: entry.url,
      url: entry.url,
      title: clean(entry.title),
      content_html: clean(entry.html),
      summary: clean(entry.summary),
      date_published: entry.date.toISOString(),
      language: zh.language,
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** The newest entry's date; the epoch for an empty feed, so rewriting it changes nothing. */
function newestDate(entries: readonly DigestFeedEntry[]): Date {
  return new Date(Math.max(0, ...entries.map((entry) => entry.date.getTime())));
}
