import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, describeError } from '../errors.js';
import type { Article } from '../model.js';
import { buildSiteThemes, type SiteTheme } from '../output/site-themes.js';
import { outputFingerprint, writeArticlePages, writeEntryPoints, type OutputOptions, type WriteCount } from '../output/write.js';
import { groupInThisThread, type ThemeGrouper } from '../themes/grouper.js';
import { themeSlug } from '../themes/theme-slug.js';
import type { Taxonomy } from '../themes/taxonomy.js';
import { SyncBatch } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import type { JobContext } from './context.js';
import { idAuthorityOf } from './identity.js';

export interface BuildSummary {
  /** Articles in the archive that are published (duplicates excluded). */
  articles: number;
  /** Pages rendered this run (only those whose article changed, unless everything had to be). */
  pages: number;
  /** True when every page was rendered: first build, new settings or templates, or a missing output folder. */
  full: boolean;
  /** Themes of the newest articles, each with a page and feeds under themes/. */
  themes: number;
  files: WriteCount;
}

/** Pages rendered per step, so a large archive is never held in memory at once. */
const PAGE_BATCH = 500;
const BUILT_REVISION = 'build.revision';
const BUILT_FINGERPRINT = 'build.fingerprint';
/** What the entry points (feeds, index, theme pages) were last built from, and how many themes. */
const BUILT_ENTRY_POINTS = 'build.entryPoints';
const BUILT_THEMES = 'build.themes';
const ENTRY_FILES = ['index.html', 'rss.xml', 'atom.xml', 'feed.json'];

/**
 * Writes feeds and pages from the archive: pages for what changed since the last build; feeds, theme
 * pages and the index always (unchanged files are left alone).
 */
export async function runBuild(context: JobContext): Promise<BuildSummary> {
  const { config, store } = context;
  const options: OutputOptions = {
    dir: config.output,
    site: { ...config.site, idAuthority: idAuthorityOf(context) },
    timeZone: config.timeZone,
  };
  const fingerprint = outputFingerprint(options);
  const full = store.getMeta(BUILT_FINGERPRINT) !== fingerprint || !existsSync(join(config.output, 'index.html'));
  // Taken before reading: a change that lands while we write is rendered again next time.
  const revision = store.revision();
  // Nothing archived since the last build, the same settings, the files still there: every file
  // would come out as it is. Skipping saves grouping the newest articles by theme (jieba's start-up).
  const entryKey = sha256(JSON.stringify([fingerprint, revision, config.feed.size, config.taxonomy ?? null]));
  if (!full && store.getMeta(BUILT_ENTRY_POINTS) === entryKey && ENTRY_FILES.every((name) => existsSync(join(config.output, name)))) {
    const themes = Number(store.getMeta(BUILT_THEMES) ?? '0');
    return { articles: store.counts().articles, pages: 0, full: false, themes, files: { written: 0, unchanged: 0 } };
  }
  const files: WriteCount = { written: 0, unchanged: 0 };
  let pages = 0;
  let themes: SiteTheme[] = [];
  try {
    let after = full ? 0 : Number(store.getMeta(BUILT_REVISION) ?? '0');
    // Pages are made durable together, before the index links to them and the build is recorded.
    const pagesWritten = new SyncBatch();
    for (;;) {
      const changed = store.articlesChangedSince(after, PAGE_BATCH);
      if (changed.length === 0) break;
      add(files, await writeArticlePages(changed, options, pagesWritten));
      pages += changed.length;
      after = changed[changed.length - 1]?.revision ?? after;
      context.log.progress?.('writing pages', pages, pages);
    }
    await pagesWritten.flush();
    const latest = store.latestArticles(config.feed.size);
    themes = await groupLatest(latest, config.taxonomy, context.themes ?? groupInThisThread);
    add(files, await writeEntryPoints(latest, themes, options));
  } catch (error) {
    throw new AppError('OUTPUT_IO', `writing ${config.output} failed: ${describeError(error)}`, { cause: error });
  }
  store.setMeta(BUILT_REVISION, String(revision));
  store.setMeta(BUILT_FINGERPRINT, fingerprint);
  store.setMeta(BUILT_ENTRY_POINTS, entryKey);
  store.setMeta(BUILT_THEMES, String(themes.length));
  return { articles: store.counts().articles, pages, full, themes: themes.length, files };
}

/** The newest articles by theme, for the index and the theme pages (fast at a feed's size). */
async function groupLatest(latest: Article[], taxonomy: Taxonomy | undefined, grouper: ThemeGrouper): Promise<SiteTheme[]> {
  const grouped = await grouper.group(
    latest.map((article) => ({ id: article.id, title: article.title, text: article.simplifiedText ?? article.text, published: article.published })),
    taxonomy ? { taxonomy } : {},
  );
  return buildSiteThemes(grouped, latest, (theme) => themeSlug(theme, taxonomy));
}

function add(total: WriteCount, part: WriteCount): void {
  total.written += part.written;
  total.unchanged += part.unchanged;
}
