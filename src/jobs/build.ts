import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, describeError } from '../errors.js';
import { outputFingerprint, writeArticlePages, writeEntryPoints, type OutputOptions, type WriteCount } from '../output/write.js';
import type { JobContext } from './context.js';
import { idAuthorityOf } from './identity.js';

export interface BuildSummary {
  /** Articles in the archive that are published (duplicates excluded). */
  articles: number;
  /** Pages rendered this run (only those whose article changed, unless everything had to be). */
  pages: number;
  /** True when every page was rendered: first build, new settings or templates, or a missing output folder. */
  full: boolean;
  files: WriteCount;
}

/** Pages rendered per step, so a large archive is never held in memory at once. */
const PAGE_BATCH = 500;
const BUILT_REVISION = 'build.revision';
const BUILT_FINGERPRINT = 'build.fingerprint';

/** Writes feeds and pages from the archive: pages for what changed since the last build, feeds always. */
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
  const files: WriteCount = { written: 0, unchanged: 0 };
  let pages = 0;
  try {
    let after = full ? 0 : Number(store.getMeta(BUILT_REVISION) ?? '0');
    for (;;) {
      const changed = store.articlesChangedSince(after, PAGE_BATCH);
      if (changed.length === 0) break;
      add(files, await writeArticlePages(changed, options));
      pages += changed.length;
      after = changed[changed.length - 1]?.revision ?? after;
      context.log.progress?.('writing pages', pages, pages);
    }
    add(files, await writeEntryPoints(store.latestArticles(config.feed.size), options));
  } catch (error) {
    throw new AppError('OUTPUT_IO', `writing ${config.output} failed: ${describeError(error)}`, { cause: error });
  }
  store.setMeta(BUILT_REVISION, String(revision));
  store.setMeta(BUILT_FINGERPRINT, fingerprint);
  return { articles: store.counts().articles, pages, full, files };
}

function add(total: WriteCount, part: WriteCount): void {
  total.written += part.written;
  total.unchanged += part.unchanged;
}
