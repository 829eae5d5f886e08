import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../../util/text.js';
import { joinUrl } from '../../util/url.js';
import type { DigestFeedEntry } from '../feeds/digest-feeds.js';
import { zh, zhDigest } from '../zh.js';
import { digestWebCopyPath } from '../paths.js';
import type { DigestArchiveEntry } from './archive.js';

// The web copies as entries of the digest feeds. The web copies are the record (as for the
// archive page), so the feeds hold exactly the digests the archive lists, the newest first.

/** Digests a feed carries at most: ten weeks, so a reader that polls weekly misses none. */
export const DIGEST_FEED_ENTRIES = 10;
/**
 * Bytes of web copies a feed carries at most (the newest digest always): a web copy is the whole
 * digest, 9 KB for a week of 12 articles and 320 KB for one of 300, and readers fetch feeds
 * of a few MB at most. It also bounds what every build reads and sanitizes again.
 */
export const DIGEST_FEED_MAX_BYTES = 1536 * 1024;

/**
 * What a feed carries of a page: its main content, sanitized, URLs absolute against the page's
 * URL (the cleaning stage's `pageMainContent`); undefined when the page has none.
 */
export type PageContent = (pageHtml: string, pageUrl: string) => string | undefined;

/**
 * The newest web copies (archive entries newest first) as feed entries, as many as
 * DIGEST_FEED_ENTRIES and DIGEST_FEED_MAX_BYTES allow; `shown` are their archive entries.
 */
export async function readDigestFeedEntries(
  outputDir: string,
  archive: readonly DigestArchiveEntry[],
  site: { url: string },
  content: PageContent,
): Promise<{ shown: DigestArchiveEntry[]; entries: DigestFeedEntry[] }> {
  const shown: DigestArchiveEntry[] = [];
  const entries: DigestFeedEntry[] = [];
  let bytes = 0;
  for (const entry of archive.slice(0, DIGEST_FEED_ENTRIES)) {
    const path = join(outputDir, digestWebCopyPath(entry.id));
    const info = await stat(path);
    bytes += info.size;
    if (shown.length > 0 && bytes > DIGEST_FEED_MAX_BYTES) break;
    const url = joinUrl(site.url, digestWebCopyPath(encodeURIComponent(entry.id)));
    const summary = digestSummary(entry);
    const html = content(await readFile(path, 'utf8'), url) ?? `<p>${escapeHtml(summary)}</p>`;
    // A web copy of an older version has no date in its <meta>: it was written when it was made.
    const date = entry.date ? new Date(entry.date) : info.mtime;
    shown.push(entry);
    entries.push({ url, title: entry.week, summary, html, date });
  }
  return { shown, entries };
}

/** 2022年5月16日—5月22日 · 共12篇 · 中小企业与民营经济、… */
function digestSummary(entry: DigestArchiveEntry): string {
  return [entry.period, entry.total !== undefined ? zhDigest.total(entry.total) : undefined, entry.themes.join(zh.listSeparator) || undefined]
    .filter(Boolean)
    .join(zhDigest.separator);
}
