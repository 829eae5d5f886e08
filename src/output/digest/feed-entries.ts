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

/**
 * Digests a feed carries. A web copy is the whole digest (often 100–300 KB of HTML): ten weeks of
 * them keep the feeds within what readers fetch, and a reader that polls weekly misses none.
 */
export const DIGEST_FEED_ENTRIES = 10;

/**
 * What a feed carries of a page: its main content, sanitized, URLs absolute against the page's
 * URL (the cleaning stage's `pageMainContent`); undefined when the page has none.
 */
export type PageContent = (pageHtml: string, pageUrl: string) => string | undefined;

/** The newest web copies (archive entries newest first) as feed entries. */
export async function readDigestFeedEntries(
  outputDir: string,
  archive: readonly DigestArchiveEntry[],
  site: { url: string },
  content: PageContent,
): Promise<DigestFeedEntry[]> {
  return Promise.all(
    archive.slice(0, DIGEST_FEED_ENTRIES).map(async (entry) => {
      const path = join(outputDir, digestWebCopyPath(entry.id));
      const url = joinUrl(site.url, digestWebCopyPath(encodeURIComponent(entry.id)));
      const summary = digestSummary(entry);
      const html = content(await readFile(path, 'utf8'), url) ?? `<p>${escapeHtml(summary)}</p>`;
      // A web copy of an older version has no date in its <meta>: it was written when it was made.
      const date = entry.date ? new Date(entry.date) : (await stat(path)).mtime;
      return { url, title: entry.week, summary, html, date };
    }),
  );
}

/** 2022年5月16日—5月22日 · 共12篇 · 中小企业与民营经济、… */
function digestSummary(entry: DigestArchiveEntry): string {
  return [entry.period, entry.total !== undefined ? zhDigest.total(entry.total) : undefined, entry.themes.join(zh.listSeparator) || undefined]
    .filter(Boolean)
    .join(zhDigest.separator);
}
