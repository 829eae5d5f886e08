// Every file name and URL path under output/, in one place: the writers, the pages that link the
// files, the jobs and the server all ask here. Paths are relative to output/, with '/'.

export const INDEX_FILE = 'index.html';
export const FEED_FILES = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;
export type FeedFormat = keyof typeof FEED_FILES;
export const STYLESHEET_FILE = 'assets/site.css';
export const ICON_FILE = 'assets/icon.svg';
export const THEMES_FOLDER = 'themes';
export const DIGESTS_FOLDER = 'digests';
export const DIGEST_ARCHIVE_FILE = `${DIGESTS_FOLDER}/${INDEX_FILE}`;
/** The digest as a feed: one entry per web copy (feeds/digest-feeds.ts). */
export const DIGEST_FEED_FILES = { atom: `${DIGESTS_FOLDER}/${FEED_FILES.atom}`, json: `${DIGESTS_FOLDER}/${FEED_FILES.json}` } as const;

/** An article's page. */
export function articlePagePath(article: { slug: string }): string {
  return `articles/${article.slug}.html`;
}

/** A theme's page: themes/<slug>.html. */
export function themePagePath(theme: { slug: string }): string {
  return `${THEMES_FOLDER}/${theme.slug}.html`;
}

/** A theme's feeds: themes/<slug>.xml (RSS) and .json (JSON Feed). */
export function themeFeedPaths(theme: { slug: string }): { rss: string; json: string } {
  return { rss: `${THEMES_FOLDER}/${theme.slug}.xml`, json: `${THEMES_FOLDER}/${theme.slug}.json` };
}

/**
 * The page that shows a feed to a person (site/feed-page.ts): the feed's path with `.html` added.
 * Links for people lead there; `<link rel="alternate">` and readers use the feed itself.
 */
export function feedPagePath(feedPath: string): string {
  return `${feedPath}.html`;
}

/** A digest's web copy: digests/<id>.html. */
export function digestWebCopyPath(digestId: string): string {
  return `${DIGESTS_FOLDER}/${digestId}.html`;
}

/**
 * The format of a feed file by its path: `atom.xml` and `*.atom.xml` are Atom; `rss.xml`,
 * `*.rss.xml` and any `.xml` under themes/ are RSS; every `.json` is a JSON Feed. Undefined for
 * anything else (other `.xml` is plain XML).
 */
export function feedFormatOf(path: string): FeedFormat | undefined {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  if (name === FEED_FILES.atom || name.endsWith('.atom.xml') || name.endsWith('.atom')) return 'atom';
  if (name === FEED_FILES.rss || name.endsWith('.rss.xml') || name.endsWith('.rss') || (lower.startsWith(`${THEMES_FOLDER}/`) && name.endsWith('.xml'))) return 'rss';
  if (name.endsWith('.json')) return 'json';
  return undefined;
}
