import { availableParallelism } from 'node:os';
import type { FeedSource, FolderSource } from '../config.js';
import { AppError, describeError } from '../errors.js';
import type { Problem, RawArticle, SourceState } from '../model.js';
import { nextCheckAfterFailure } from '../sources/backoff.js';
import { listPostFiles, statPostFiles, type PostFile } from '../sources/folder-scan.js';
import type { CollectedItem, FileStamp, SaveResult } from '../store/store.js';
import { hostOf, isHttpUrl } from '../util/url.js';
import { mapWithLimit } from '../util/pool.js';
import { compiledWorkerScript, createWorkerPool } from '../util/worker-pool.js';
import type { JobContext } from './context.js';
import type { FolderItem, FolderTask } from './folder-items.js';
import { idAuthorityOf } from './identity.js';

// The parsing and cleaning libraries (htmlparser2, js-yaml, marked, the feed parsers)
// are imported when there is something to parse: a run with nothing new never loads them.

export interface CollectSummary {
  new: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  /** Files or items that could not be used. */
  skipped: number;
  /** Files gone from their folder (their articles stay archived). */
  deleted: number;
  /** Remote sources that answered 304 Not Modified. */
  notModified: number;
  /** Remote sources not tried this run: still backing off after failures. */
  backingOff: number;
  /** Remote sources that failed this run, with the reason. */
  failedSources: { source: string; error: string }[];
}

/** Files read and saved per transaction: a crash loses at most one batch, which the next run reads again. */
const BATCH_SIZE = 200;
/**
 * From this many changed files on, parsing and cleaning run in worker threads while this thread
 * writes the archive. Fewer go to one worker when new files were seen early enough for it to start
 * while the folders are stat-ed (`warmUp`), else to this thread: after the scan, a worker's
 * start-up (loading the cleaning libraries) is not worth it.
 */
const PARALLEL_MIN_FILES = 400;
/**
 * How many workers a large change gets: one core is left to this thread, which saves and writes
 * pages about as fast as one worker cleans, unless the change has this many files. Each worker
 * spends about a CPU-second optimizing the cleaning code for itself, which a large change repays
 * and a smaller one does not (2 cores, cold runs, one worker against two: 1k posts 2.3 s against
 * 2.5 s, 10k 7.1 s against 7.6 s, 20k 15.3 s against 13.8 s, 100k 95 s against 84 s).
 */
const ALL_CORES_MIN_FILES = 15_000;
const MAX_WORKERS = 4;
/** Batches prepared ahead of the one being saved, per worker. */
const AHEAD_PER_WORKER = 2;
/** Worker young generation: fewer scavenges for the parser's short-lived garbage. */
const WORKER_YOUNG_GENERATION_MB = 16;
/** Feeds fetched at once in all, and from one host. */
export const FEED_CONCURRENCY = 8;
export const PER_HOST_CONCURRENCY = 2;

export interface CollectOptions {
  /** Called with each saved batch's results, in order, once it is in the archive (to write its pages meanwhile). */
  onSaved?: (results: readonly SaveResult[]) => Promise<void>;
  /** The sources to collect; the configured ones when not given. */
  folders?: readonly FolderSource[];
  feeds?: readonly FeedSource[];
  /** Feeds fetched at once from one host (PER_HOST_CONCURRENCY when not given). */
  perHost?: number;
}

export function emptyCollectSummary(): CollectSummary {
  return { new: 0, updated: 0, unchanged: 0, duplicates: 0, skipped: 0, deleted: 0, notModified: 0, backingOff: 0, failedSources: [] };
}

/** Collects every configured folder and feed into the archive. A failing source never stops the others. */
export async function runCollect(context: JobContext, options: CollectOptions = {}): Promise<CollectSummary> {
  const summary = emptyCollectSummary();
  const idAuthority = await idAuthorityOf(context);
  const preparers = new Preparers(context.log, context.themes, context.config.workers);
  const saved = options.onSaved ?? (async () => undefined);
  try {
    const folders = await listFolders(options.folders ?? context.config.sources, context, summary);
    // Files the archive has not read are sure to be cleaned: the cleaning libraries load on other
    // threads while this one stats the folders (100k files: 0.5–0.9 s), not after.
    const unread = folders.reduce((sum, folder) => sum + unreadFiles(folder), 0);
    if (unread > 0) preparers.warmUp(unread);
    while (folders.length > 0 && !context.signal?.aborted) {
      // Taken off the list: a folder's listing and file states are garbage once its batches are made.
      const tasks = await changedFileTasks(folders.shift() as ListedFolder, idAuthority, context, summary);
      await collectFolder(tasks, context, summary, preparers, saved);
    }
  } finally {
    await preparers.close();
  }
  await collectFeeds(options.feeds ?? context.config.feeds, options.perHost ?? PER_HOST_CONCURRENCY, { idAuthority, context, summary, saved });
  return summary;
}

type Saved = NonNullable<CollectOptions['onSaved']>;

// ---- folders

/**
 * A folder as listed at the start of the collect, with what the archive knows of its files. Every
 * folder is listed before the first is collected, so a rerun holds them all at once (about 20 MB
 * per 100k files) until each folder's turn.
 */
interface ListedFolder {
  source: FolderSource;
  /** Post files, relative, in sorted order. */
  relPaths: string[];
  known: Map<string, FileStamp>;
  problems: Problem[];
}

/** Lists every folder; one that cannot be listed is reported as a failed source and left out. */
async function listFolders(sources: readonly FolderSource[], context: JobContext, summary: CollectSummary): Promise<ListedFolder[]> {
  const { store, log } = context;
  const folders: ListedFolder[] = [];
  for (const source of sources) {
    if (context.signal?.aborted) break;
    const problems: Problem[] = [];
    const listing = listPostFiles(source.path, log, problems);
    listing.catch(() => undefined); // awaited below
    // Read while the thread pool lists the folder (100k entries: 0.2–0.3 s each).
    const known = store.fileStamps(source.name);
    known.catch(() => undefined); // awaited below
    try {
      folders.push({ source, relPaths: await listing, known: await known, problems });
    } catch (error) {
      summary.failedSources.push({ source: source.name, error: describeError(error) });
      log.warn(describeError(error));
    }
  }
  return folders;
}

/** Listed files the archive has not read: new ones, and ones back after being deleted. */
function unreadFiles(folder: ListedFolder): number {
  let unread = 0;
  for (const path of folder.relPaths) if (folder.known.get(path)?.deleted !== false) unread += 1;
  return unread;
}

/** Prepares a folder's batches and saves them in order. */
async function collectFolder(tasks: FolderTask[], context: JobContext, summary: CollectSummary, preparers: Preparers, saved: Saved) {
  const source = tasks[0]?.source;
  if (!source) return;
  const { log } = context;
  const changed = tasks.reduce((sum, task) => sum + task.files.length, 0);

  // Batches are prepared ahead (in workers, for a large change) and saved in order, one
  // transaction each, so revisions and slugs are given out as in a run on one thread.
  const preparer = await preparers.for(changed);
  const inFlight: Promise<FolderItem[]>[] = [];
  const fill = () => {
    // Taken off the list as they are handed out: at 100k files, the list alone holds 20 MB.
    while (tasks.length > 0 && inFlight.length < preparer.ahead) {
      const prepared = preparer.run(tasks.shift() as FolderTask);
      prepared.catch(() => undefined); // awaited below, or dropped on abort
      inFlight.push(prepared);
    }
  };
  let done = 0;
  for (fill(); inFlight.length > 0; fill()) {
    if (context.signal?.aborted) return;
    const items = await (inFlight.shift() as Promise<FolderItem[]>);
    fill();
    if (context.signal?.aborted) return;
    await saved(await saveFolderItems(items, context, summary));
    done += items.length;
    log.progress?.(`collecting ${source.name}`, done, changed);
  }
}

/**
 * Stats the folder's files, records files gone from it, and makes batches of the files that are new
 * or changed. Returns only the batches: the listing and the archive's file states (100k entries for
 * a large archive) are garbage by the time the batches are prepared.
 */
async function changedFileTasks(folder: ListedFolder, idAuthority: string, context: JobContext, summary: CollectSummary): Promise<FolderTask[]> {
  const { store, log, now } = context;
  const { source, known, problems } = folder;
  const files = await statPostFiles(source.path, folder.relPaths, log, problems);
  summary.skipped += problems.length;

  const present = new Set(files.map((file) => file.relPath));
  const gone = [...known].filter(([path, state]) => !state.deleted && !present.has(path)).map(([path]) => path);
  if (gone.length > 0) {
    await store.markFilesDeleted(source.name, gone, now);
    summary.deleted += gone.length;
    for (const path of gone) log.info(`${source.path}/${path}: file deleted; its article stays archived`);
  }

  // Size and mtime first: an unchanged folder costs one stat per file.
  const changed = files.filter((file) => isChanged(file, known.get(file.relPath)));
  summary.unchanged += files.length - changed.length;
  const tasks: FolderTask[] = [];
  for (let start = 0; start < changed.length; start += BATCH_SIZE) {
    const batch: FolderTask['files'] = [];
    for (const file of changed.slice(start, start + BATCH_SIZE)) {
      // Only a file read before can turn out merely touched: its hash is looked up, one by one.
      const knownHash = known.get(file.relPath)?.deleted === false ? await store.fileContentHash(source.name, file.relPath) : undefined;
      batch.push(knownHash === undefined ? { file } : { file, knownHash });
    }
    tasks.push({ source, zone: context.config.timeZone, idAuthority, files: batch });
  }
  return tasks;
}

async function saveFolderItems(items: FolderItem[], context: JobContext, summary: CollectSummary): Promise<SaveResult[]> {
  const { store, log, now } = context;
  const touched: NonNullable<CollectedItem['file']>[] = [];
  const collected: CollectedItem[] = [];
  for (const entry of items) {
    for (const line of entry.lines) log[line.level](line.message);
    if ('touch' in entry) touched.push(entry.touch);
    else collected.push(entry.item);
  }
  await store.touchFiles(touched);
  summary.unchanged += touched.length;
  summary.skipped += collected.filter((item) => item.problem).length;
  const results = await store.saveCollected(collected, now);
  count(results, summary, log);
  return results;
}

function isChanged(file: PostFile, state: FileStamp | undefined): boolean {
  return !state || state.deleted || state.size !== file.size || state.mtimeMs !== file.mtimeMs;
}

interface Preparer {
  run(task: FolderTask): Promise<FolderItem[]>;
  /** Batches to keep in preparation. */
  ahead: number;
}

/** Where batches are prepared: in this thread, or in a pool of workers started for the first large change. */
class Preparers {
  private pool: ReturnType<typeof createWorkerPool<FolderTask, FolderItem[]>> | undefined;
  private closing = false;

  constructor(
    private readonly log: JobContext['log'],
    private readonly themes: JobContext['themes'],
    /** The `workers` setting, when there is one. */
    private readonly configured: number | undefined,
  ) {}

  /**
   * Starts the workers for `files` files about to be cleaned, ahead of `for()`: those of a large
   * change, or one, which cleans a few files without this thread loading the libraries.
   */
  warmUp(files: number): void {
    this.startPool(files);
  }

  async for(files: number): Promise<Preparer> {
    if (files >= PARALLEL_MIN_FILES) this.startPool(files);
    if (this.pool) {
      const pool = this.pool;
      // A worker that fails (out of memory on a monster post, a crash) costs its batch a second
      // try here, not the run: the batch is prepared again in this thread.
      const run = (task: FolderTask) =>
        pool.run(task).catch(async (error: unknown) => {
          if (this.closing) throw error;
          this.log.warn(`a worker thread failed (${describeError(error)}); preparing its ${task.files.length} files in the main thread`);
          const { prepareFolderItems } = await import('./folder-items.js');
          return prepareFolderItems(task);
        });
      return { run, ahead: pool.size * AHEAD_PER_WORKER };
    }
    const { prepareFolderItems } = await import('./folder-items.js');
    return { run: prepareFolderItems, ahead: 1 };
  }

  private startPool(files: number): void {
    const size = cleaningWorkers(files, { configured: this.configured });
    if (!WORKER_SCRIPT || size < 1) return;
    // With every core cleaning, the memory goes to cleaning too; the theme thread starts again when
    // it is needed. With a core left, it loads while this thread waits for the first batch.
    if (files >= PARALLEL_MIN_FILES && size >= CORES) this.themes?.standDown();
    if (size <= (this.pool?.size ?? 0)) return;
    if (this.pool) this.pool.grow(size);
    else this.pool = createWorkerPool<FolderTask, FolderItem[]>(WORKER_SCRIPT, { size, youngGenerationMb: WORKER_YOUNG_GENERATION_MB });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.pool?.close();
    this.pool = undefined;
  }
}

/** Run from the TypeScript sources (the tests), there is none: everything is prepared in this thread. */
const WORKER_SCRIPT = compiledWorkerScript(import.meta.url, 'clean-worker.js');
const CORES = availableParallelism();

/**
 * Cleaning workers for `files` changed files: one for a few files seen early (`warmUp`), else as
 * configured, else one core left to this thread unless the change repays every core's warm-up
 * (ALL_CORES_MIN_FILES). None on one core unless configured: the cleaning would only take turns
 * with this thread.
 */
export function cleaningWorkers(files: number, options: { configured?: number | undefined; cores?: number } = {}): number {
  const { configured, cores = CORES } = options;
  const most = configured ?? (cores < 2 ? 0 : Math.min(files >= ALL_CORES_MIN_FILES ? cores : cores - 1, MAX_WORKERS));
  return files >= PARALLEL_MIN_FILES ? most : Math.min(1, most);
}

// ---- remote feeds

interface FeedRun {
  idAuthority: string;
  context: JobContext;
  summary: CollectSummary;
  saved: Saved;
}

/** Feeds by the host they are fetched from (the per-host limit counts by it), in their order. */
export function feedsByHost(feeds: readonly FeedSource[]): Map<string, FeedSource[]> {
  const byHost = new Map<string, FeedSource[]>();
  for (const feed of feeds) {
    const host = hostOf(feed.url) ?? feed.url;
    const hostFeeds = byHost.get(host);
    if (hostFeeds) hostFeeds.push(feed);
    else byHost.set(host, [feed]);
  }
  return byHost;
}

async function collectFeeds(feeds: readonly FeedSource[], perHost: number, run: FeedRun) {
  const { idAuthority, context, summary, saved } = run;
  if (feeds.length === 0) return;
  // One read for every feed's state, not one round trip each.
  const states = await context.store.sourceStates(feeds.map((feed) => feed.url));
  const byHost = feedsByHost(feeds);
  // Hosts in parallel, a few feeds at a time per host, so no single server gets hammered.
  await mapWithLimit([...byHost.values()], Math.max(1, Math.floor(FEED_CONCURRENCY / perHost)), (hostFeeds) =>
    mapWithLimit(hostFeeds, perHost, (feed) => collectFeed(feed, states.get(feed.url), idAuthority, context, summary, saved)),
  );
}

async function collectFeed(
  feed: FeedSource,
  known: SourceState | undefined,
  idAuthority: string,
  context: JobContext,
  summary: CollectSummary,
  saved: Saved,
): Promise<void> {
  const { store, log, now, config } = context;
  if (context.signal?.aborted) return;
  const state: SourceState = known ?? { key: feed.url, errorCount: 0 };
  if (state.nextCheck && state.nextCheck > now) {
    log.info(`${feed.url}: backing off after ${state.errorCount} failures; next try after ${state.nextCheck.toISOString()}`);
    summary.backingOff += 1;
    return;
  }
  const url = state.url ?? feed.url;
  const { FetchError, fetchFeed } = await import('../sources/remote.js');
  try {
    const result = await fetchFeed(
      { url, ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) },
      {
        fetch: context.fetch,
        now,
        connectTimeoutMs: config.fetch.connectTimeoutSeconds * 1000,
        totalTimeoutMs: config.fetch.timeoutSeconds * 1000,
        maxBytes: config.fetch.maxBytes,
      },
    );
    if (result.permanentUrl) log.info(`${feed.url}: moved permanently to ${result.permanentUrl}`);
    const next: SourceState = {
      ...state,
      url: result.permanentUrl ?? state.url ?? feed.url,
      lastSuccess: now,
      errorCount: 0,
    };
    delete next.lastError;
    delete next.nextCheck;
    if (result.status === 'not-modified') {
      summary.notModified += 1;
      await store.saveSourceState(next);
      return;
    }
    const [{ decodeFeed }, { parseFeed }, { keepNewest }, { prepareArticle }] = await Promise.all([
      import('../sources/feed-charset.js'),
      import('../sources/parse-feed.js'),
      import('../sources/newest-items.js'),
      import('./folder-items.js'),
    ]);
    const { text, warning: charsetWarning } = decodeFeed(result.body, result.contentType);
    if (charsetWarning) log.warn(`${result.url}: ${charsetWarning}`);
    const parsed = parseFeed(text, { url: result.url, source: feed.name, zone: config.timeZone, now });
    for (const warning of parsed.warnings) log.warn(warning);
    const { kept, leftOut } = keepNewest(parsed.articles, config.fetch.maxItems);
    if (leftOut > 0) {
      log.warn(`${result.url}: ${parsed.articles.length} items; kept the newest ${kept.length} (fetch.maxItems) and left out ${leftOut}`);
    }
    // The same link under a new guid is the same article: it keeps the id it was first archived under.
    const ids = await store.archivedIds(kept);
    const items: CollectedItem[] = [];
    for (const [index, raw] of kept.entries()) {
      const id = ids[index] as string;
      try {
        items.push(await prepareArticle(id === raw.id ? raw : { ...raw, id }, { where: itemPlace(raw, result.url), idAuthority, log }));
      } catch (error) {
        summary.skipped += 1;
        // An AppError names the item already; anything else (a bug) is given the item's place.
        const problem = error instanceof AppError ? describeError(error) : `${itemPlace(raw, result.url)}: ${describeError(error)}`;
        log.warn(`${problem}; skipped`);
      }
    }
    const results = await store.saveCollected(items, now);
    count(results, summary, log);
    await saved(results);
    // Validators are stored only once the items are: a crash before this refetches the feed.
    await store.saveSourceState({
      ...next,
      ...(result.etag ? { etag: result.etag } : {}),
      ...(result.lastModified ? { lastModified: result.lastModified } : {}),
    });
  } catch (error) {
    const message = describeError(error);
    const errorCount = state.errorCount + 1;
    const retryAfterMs = error instanceof FetchError ? error.retryAfterMs : undefined;
    const nextCheck = nextCheckAfterFailure({ errorCount, now, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    await store.saveSourceState({ ...state, errorCount, lastError: message, nextCheck });
    summary.failedSources.push({ source: feed.url, error: message });
    log.warn(`${message} (failure ${errorCount}; next try after ${nextCheck.toISOString()})`);
  }
}

/** Where a feed item is, for messages: its link, or the feed and the item's id. */
function itemPlace(raw: RawArticle, feedUrl: string): string {
  return raw.link && isHttpUrl(raw.link) ? raw.link : `${feedUrl} (item ${raw.id})`;
}

// ---- shared

function count(results: SaveResult[], summary: CollectSummary, log: JobContext['log']): void {
  for (const result of results) {
    if (result.outcome === 'new') summary.new += 1;
    else if (result.outcome === 'updated') summary.updated += 1;
    else if (result.outcome === 'unchanged') summary.unchanged += 1;
    else if (result.outcome === 'duplicate') {
      summary.duplicates += 1;
      log.info(`${result.id}: same text as ${result.duplicateOf}; kept as a duplicate, not published`);
    }
  }
}
