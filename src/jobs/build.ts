import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { pageMainContent } from '../clean/index.js';
import { AppError, describeError } from '../errors.js';
import type { Article } from '../model.js';
import type { SkipArticle } from '../output/feeds/feeds.js';
import { buildSiteThemes, type SiteTheme } from '../output/site/site-themes.js';
import { outputFingerprint, writeArticlePages, writeEntryPoints, type OutputOptions, type WriteCount } from '../output/write.js';
import { DIGEST_ARCHIVE_FILE, FEED_FILES, INDEX_FILE } from '../output/paths.js';
import type { SaveResult } from '../store/store.js';
import { groupInThisThread, type ThemeGrouper } from '../themes/grouper.js';
import { loadThemeModel, themeModelStamp } from '../themes/model-file.js';
import type { ThemeModel } from '../themes/theme-model.js';
import { themeSlug } from '../themes/theme-slug.js';
import type { Taxonomy } from '../themes/taxonomy.js';
import { SyncBatch, writeFileAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import { themeChoices } from '../subscribers/themes.js';
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
/** Pages of a saved batch written between two turns of the event loop. */
const EARLY_SLICE = 25;
const BUILT_REVISION = 'build.revision';
const BUILT_FINGERPRINT = 'build.fingerprint';
/** What the entry points (feeds, index, theme pages) were last built from, and how many themes. */
const BUILT_ENTRY_POINTS = 'build.entryPoints';
const BUILT_THEMES = 'build.themes';
/** The output folder the archive was last built into (several instances may each have their own). */
const BUILT_FOLDER = 'build.folder';
/** A dotfile in output/ (the server does not serve dotfiles) naming the folder, made at its first build. */
const FOLDER_ID_FILE = '.zhoukan-output';
const ENTRY_FILES = [INDEX_FILE, ...Object.values(FEED_FILES)];

/**
 * Writes feeds and pages from the archive: pages for what changed since the last build; feeds, theme
 * pages and the index always (unchanged files are left alone). Hold the build lock.
 */
export async function runBuild(context: JobContext): Promise<BuildSummary> {
  return (await Build.start(context)).finish();
}

/**
 * A build that starts before the collect it follows ends: the pages of each batch the collect
 * saves are written at once, while worker threads clean the next batches, and `finish()` writes
 * the pages not written that way, then what leads to them. Started and finished under one hold of
 * the build lock, so no other build writes between.
 */
export class Build {
  /** Revisions already handled this run: pages written, or duplicates, which have none. */
  private readonly handled = new Set<number>();
  /** Pages are made durable together, before the index links to them and the build is recorded. */
  private readonly pagesWritten = new SyncBatch();
  private readonly files: WriteCount = { written: 0, unchanged: 0 };
  private pages = 0;
  /** Set when writing a saved batch's pages failed: the rest wait for `finish()`, which reports it. */
  private earlyWritesFailed = false;
  /** The saved batches' pages, written one batch after the other. */
  private writing: Promise<void> = Promise.resolve();

  /** Reads from the archive what the last build was made from. */
  static async start(context: JobContext): Promise<Build> {
    const { config, store } = context;
    const options: OutputOptions = {
      dir: config.output,
      site: { ...config.site, idAuthority: await idAuthorityOf(context) },
      timeZone: config.timeZone,
      pageContent: pageMainContent,
      signupThemes: themeChoices(config),
    };
    const fingerprint = outputFingerprint(options);
    const folder = await outputFolderId(config.output);
    // A folder other than the one the archive was last built into (another instance's, or a new
    // --output) lacks the pages written since: everything is written.
    const full =
      (await store.getMeta(BUILT_FINGERPRINT)) !== fingerprint || (await store.getMeta(BUILT_FOLDER)) !== folder || !existsSync(join(config.output, INDEX_FILE));
    const after = full ? 0 : Number((await store.getMeta(BUILT_REVISION)) ?? '0');
    return new Build(context, options, fingerprint, folder, full, after);
  }

  private constructor(
    private readonly context: JobContext,
    private readonly options: OutputOptions,
    private readonly fingerprint: string,
    /** The id of the output folder written (outputFolderId). */
    private readonly folder: string,
    /** Every page is to be rendered: first build, new settings or templates, or a missing output folder. */
    private readonly full: boolean,
    /** Pages are due for articles changed after this revision. */
    private readonly after: number,
  ) {}

  /**
   * Writes the pages of a batch the collect has just saved, after those of the batches saved
   * before it (an article saved twice gets its last page). Never throws: a failure leaves the pages
   * to `finish()`, and the collect goes on.
   */
  writeSaved(results: readonly SaveResult[]): Promise<void> {
    this.writing = this.writing.then(() => this.writeSavedNow(results));
    return this.writing;
  }

  private async writeSavedNow(results: readonly SaveResult[]): Promise<void> {
    if (this.earlyWritesFailed) return;
    const published = results.flatMap((result) => (result.published ? [result.published] : []));
    try {
      // In slices, yielding between them, so replies from the cleaning workers are handled meanwhile.
      for (let start = 0; start < published.length; start += EARLY_SLICE) {
        if (start > 0) await setImmediate();
        const slice = published.slice(start, start + EARLY_SLICE);
        add(this.files, await writeArticlePages(slice, this.options, this.pagesWritten, this.skip));
        this.pages += slice.length;
      }
    } catch (error) {
      this.earlyWritesFailed = true;
      this.context.log.warn(`writing pages during the collect failed (${describeError(error)}); trying again after it`);
      return;
    }
    for (const result of results) if (result.revision !== undefined) this.handled.add(result.revision);
  }

  /** Articles left out of a page or feed because they could not be rendered: each is reported once. */
  private readonly skipped = new Set<string>();
  private readonly skip: SkipArticle = (article, error) => {
    if (this.skipped.has(article.id)) return;
    this.skipped.add(article.id);
    this.context.log.warn(`${article.source}: article ${article.id}: could not be rendered (${describeError(error)}); left out`);
  };

  async finish(): Promise<BuildSummary> {
    await this.writing;
    const { config, store } = this.context;
    const { options, files } = this;
    // Taken before reading: a change that lands while we write is rendered again next time.
    const revision = await store.revision();
    // Nothing archived since the last build, the same settings, the files still there: every file
    // would come out as it is. Skipping saves grouping the newest articles by theme (jieba's start-up).
    const entryKey = sha256(JSON.stringify([this.fingerprint, revision, config.feed.size, config.taxonomy ?? null, themeModelStamp(config.themeModel) ?? null]));
    if (!this.full && (await store.getMeta(BUILT_ENTRY_POINTS)) === entryKey && ENTRY_FILES.every((name) => existsSync(join(config.output, name)))) {
      const themes = Number((await store.getMeta(BUILT_THEMES)) ?? '0');
      return { articles: (await store.counts()).articles, pages: 0, full: false, themes, files: { written: 0, unchanged: 0 } };
    }
    let themes: SiteTheme[] = [];
    try {
      const latest = await store.latestArticles(config.feed.size);
      const model = loadThemeModel(config.themeModel, this.context.log);
      // Grouped (on the theme thread, if there is one) while the pages are written and flushed.
      const grouping = groupLatest(latest, { taxonomy: config.taxonomy, model }, this.context.themes ?? groupInThisThread);
      grouping.catch(() => undefined); // awaited below
      const due = (await store.revisionsSince(this.after)).filter((changed) => !this.handled.has(changed));
      for (let start = 0; start < due.length; start += PAGE_BATCH) {
        const articles = await store.articlesAtRevisions(due.slice(start, start + PAGE_BATCH));
        add(files, await writeArticlePages(articles, options, this.pagesWritten, this.skip));
        this.pages += articles.length;
        this.context.log.progress?.('writing pages', Math.min(start + PAGE_BATCH, due.length), due.length);
      }
      await this.pagesWritten.flush();
      themes = await grouping;
      // The digest archive and its feeds change only when a digest is written (the digest job
      // rewrites them) or the settings change (a full build): other builds leave the web copies unread.
      const digestArchive = this.full || !existsSync(join(config.output, DIGEST_ARCHIVE_FILE));
      add(files, await writeEntryPoints(latest, themes, options, this.skip, { digestArchive }));
    } catch (error) {
      throw new AppError('OUTPUT_IO', `writing ${config.output} failed: ${describeError(error)}`, { cause: error });
    }
    await store.setMeta(BUILT_REVISION, String(revision));
    await store.setMeta(BUILT_FINGERPRINT, this.fingerprint);
    await store.setMeta(BUILT_FOLDER, this.folder);
    await store.setMeta(BUILT_ENTRY_POINTS, entryKey);
    await store.setMeta(BUILT_THEMES, String(themes.length));
    return { articles: (await store.counts()).articles, pages: this.pages, full: this.full, themes: themes.length, files };
  }
}

/**
 * The id of an output folder, kept in it: the same for every machine that mounts one shared folder,
 * another for a folder of its own, so a build can tell whether the folder holds the last build.
 */
async function outputFolderId(dir: string): Promise<string> {
  const file = join(dir, FOLDER_ID_FILE);
  const known = await readFile(file, 'utf8').catch(() => '');
  if (known.trim()) return known.trim();
  const id = randomUUID();
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(file, `${id}\n`);
  } catch {
    // A folder that cannot be written is reported by the build that writes it.
  }
  return id;
}

/** The newest articles by theme, for the index and the theme pages (fast at a feed's size). */
async function groupLatest(
  latest: Article[],
  { taxonomy, model }: { taxonomy?: Taxonomy; model?: ThemeModel },
  grouper: ThemeGrouper,
): Promise<SiteTheme[]> {
  const grouped = await grouper.group(
    latest.map((article) => ({ id: article.id, title: article.title, text: article.simplifiedText ?? article.text, published: article.published })),
    { ...(taxonomy ? { taxonomy } : {}), ...(model ? { model } : {}) },
  );
  return buildSiteThemes(grouped, latest, (theme) => themeSlug(theme, taxonomy));
}

function add(total: WriteCount, part: WriteCount): void {
  total.written += part.written;
  total.unchanged += part.unchanged;
}
