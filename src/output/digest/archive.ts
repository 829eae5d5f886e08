import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../../util/text.js';
import { joinUrl } from '../../util/url.js';
import { digestFeeds, joinFacts, renderPage, siteFeeds, type PageSite } from '../site/page-layout.js';
import { renderFeedLinks } from '../site/theme-page.js';
import { zh, zhDigest, zhSite } from '../zh.js';
import { DIGEST_ARCHIVE_FILE, DIGEST_FEED_FILES, DIGESTS_FOLDER, digestWebCopyPath, feedPagePath, INDEX_FILE } from '../paths.js';

// The digest archive, digests/index.html: every web copy in digests/, newest first. The web copies
// themselves are the record: each carries a <meta> with what the archive shows (week, period,
// counts), so the archive lists exactly the files there are, whether the digest was sent, written
// to the outbox, or came from an older version (then it shows its id alone).


export interface DigestArchiveEntry {
  /** The web copy's file name without .html: `2022-W20`, `2022-W20-2`. */
  id: string;
  /** 2022年第20周 */
  week: string;
  /** 2022年5月16日—5月22日 */
  period?: string;
  /** Articles in the digest, similar reports folded in. */
  total?: number;
  themes: string[];
  /** When the digest was made (ISO 8601); web copies of older versions have none. */
  date?: string;
}

const META_NAME = 'zhoukan:digest';
const META = /<meta name="zhoukan:digest" content="([^"]*)">/;
/** The pages in digests/ that are no web copy: the archive itself and the pages of the digest feeds. */
const NOT_WEB_COPIES: ReadonlySet<string> = new Set([
  INDEX_FILE,
  ...Object.values(DIGEST_FEED_FILES).map((path) => feedPagePath(path).slice(DIGESTS_FOLDER.length + 1)),
]);
/** The <meta> sits near the top of the <head>: this much of a web copy is read to find it. */
const HEAD_BYTES = 8192;

/** The <meta> a web copy carries for the archive. */
export function digestArchiveMeta(entry: Omit<DigestArchiveEntry, 'id'>): string {
  return `<meta name="${META_NAME}" content="${escapeHtml(JSON.stringify(entry))}">`;
}

/** What the archive shows of a web copy, from its <meta>; its id alone when it has none. */
export function readDigestArchiveEntry(id: string, html: string): DigestArchiveEntry {
  const match = META.exec(html);
  let data: Partial<DigestArchiveEntry> = {};
  if (match?.[1]) {
    try {
      data = JSON.parse(unescapeHtml(match[1])) as Partial<DigestArchiveEntry>;
    } catch {
      data = {}; // a damaged <meta>: listed by its id, like a web copy without one
    }
  }
  return {
    id,
    week: typeof data.week === 'string' ? data.week : id,
    ...(typeof data.period === 'string' ? { period: data.period } : {}),
    ...(typeof data.total === 'number' ? { total: data.total } : {}),
    themes: Array.isArray(data.themes) ? data.themes.filter((name): name is string => typeof name === 'string') : [],
    ...(typeof data.date === 'string' && !Number.isNaN(Date.parse(data.date)) ? { date: data.date } : {}),
  };
}

/**
 * The web copy to write when one is there already: a digest made again (the same id, a rerun
 * before it was sent) whose copy differs only in its date keeps the date it was first made, so
 * the rerun rewrites no file and its entry in the digest feeds is not dated anew.
 */
export function keepDigestDate(html: string, existing: string | undefined): string {
  const meta = META.exec(html)?.[0];
  const date = readDigestArchiveEntry('', html).date;
  const firstDate = existing === undefined ? undefined : readDigestArchiveEntry('', existing).date;
  if (!meta || !date || !firstDate) return html;
  const candidate = html.replace(meta, meta.replace(date, firstDate));
  return candidate === existing ? existing : html;
}

/** The web copies in output/digests/, newest first (ids sort by week, then by number). */
export async function listDigestWebCopies(outputDir: string): Promise<DigestArchiveEntry[]> {
  const folder = join(outputDir, DIGESTS_FOLDER);
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const ids = names.filter((name) => /^[^.].*\.html$/.test(name) && !NOT_WEB_COPIES.has(name)).map((name) => name.slice(0, -'.html'.length));
  const entries = await Promise.all(ids.map(async (id) => readDigestArchiveEntry(id, await readHead(join(outputDir, digestWebCopyPath(id))))));
  return entries.sort((a, b) => b.id.localeCompare(a.id, 'en', { numeric: true }));
}

/** digests/index.html */
export function renderDigestArchivePage(entries: readonly DigestArchiveEntry[], site: Pick<PageSite, 'url' | 'title'>): string {
  const root = '../';
  const feeds = digestFeeds(site);
  return renderPage(site, {
    root,
    title: `${zhSite.nav.digests} · ${site.title}`,
    description: zhSite.digestArchiveNote(site.title),
    canonical: joinUrl(site.url, DIGEST_ARCHIVE_FILE),
    feeds: [...feeds, ...siteFeeds(site)],
    mainClass: 'digest-archive',
    main: `<h1>${zhSite.nav.digests}</h1>
<p class="lede">${escapeHtml(zhSite.digestArchiveNote(site.title))}</p>
<p class="subscribe-row">${zhSite.subscribeDigests}：${renderFeedLinks(feeds, root)}</p>
${entries.length ? renderDigestList(entries) : `<p>${zhSite.noDigests}</p>`}`,
  });
}

/** The digests as a list, each linking its web copy; for pages in digests/. */
export function renderDigestList(entries: readonly DigestArchiveEntry[]): string {
  return `<ol class="articles">
${entries.map(renderEntry).join('\n')}
</ol>`;
}

function renderEntry(entry: DigestArchiveEntry): string {
  const facts = joinFacts([
    entry.period ? escapeHtml(entry.period) : undefined,
    entry.total !== undefined ? escapeHtml(zhDigest.total(entry.total)) : undefined,
  ]);
  const themes = entry.themes.length ? `\n<p class="summary">${escapeHtml(entry.themes.join(zh.listSeparator))}</p>` : '';
  return `<li><a href="${escapeHtml(encodeURIComponent(entry.id))}.html">${escapeHtml(entry.week)}</a>${
    facts ? `\n<p class="facts">${facts}</p>` : ''
  }${themes}</li>`;
}

async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Undoes escapeHtml. */
function unescapeHtml(text: string): string {
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
  return text.replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => entities[entity] ?? entity);
}
