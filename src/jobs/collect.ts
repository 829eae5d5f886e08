import { cleanArticle } from '../clean/article.js';
import { simplifiedForm } from '../clean/simplify.js';
import type { FeedSource, FolderSource } from '../config.js';
import { describeError } from '../errors.js';
import type { RawArticle, SourceState } from '../model.js';
import { nextCheckAfterFailure } from '../sources/backoff.js';
import { decodeFeed } from '../sources/feed-charset.js';
import { parsePost, readPostBytes, scanFolder, type PostFile } from '../sources/markdown.js';
import { parseFeed } from '../sources/parse-feed.js';
import { FetchError, fetchFeed } from '../sources/remote.js';
import type { CollectedItem, FileState, NewArticle, SaveResult } from '../store/sqlite.js';
import { sha256 } from '../util/hash.js';
import { hostOf } from '../util/url.js';
import { mapWithLimit } from '../util/pool.js';
import type { JobContext } from './context.js';
import { idAuthorityOf } from './identity.js';

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
const READ_CONCURRENCY = 16;
/** Feeds fetched at once in all, and from one host. */
const FEED_CONCURRENCY = 8;
const PER_HOST_CONCURRENCY = 2;

export function emptyCollectSummary(): CollectSummary {
  return { new: 0, updated: 0, unchanged: 0, duplicates: 0, skipped: 0, deleted: 0, notModified: 0, backingOff: 0, failedSources: [] };
}

/** Collects every configured folder and feed into the archive. A failing source never stops the others. */
export async function runCollect(context: JobContext): Promise<CollectSummary> {
  const summary = emptyCollectSummary();
  const idAuthority = idAuthorityOf(context);
  for (const source of context.config.sources) {
    if (context.signal?.aborted) break;
    await collectFolder(source, idAuthority, context, summary);
  }
  await collectFeeds(context.config.feeds, context, summary);
  return summary;
}

// ---- folders

async function collectFolder(source: FolderSource, idAuthority: string, context: JobContext, summary: CollectSummary) {
  const { store, log, now } = context;
  let scan;
  try {
    scan = await scanFolder(source, { log });
  } catch (error) {
    summary.failedSources.push({ source: source.name, error: describeError(error) });
    log.warn(describeError(error));
    return;
  }
  summary.skipped += scan.problems.length;

  const known = store.fileStates(source.name);
  const present = new Set(scan.files.map((file) => file.relPath));
  const gone = [...known].filter(([path, state]) => !state.deleted && !present.has(path)).map(([path]) => path);
  if (gone.length > 0) {
    store.markFilesDeleted(source.name, gone, now);
    summary.deleted += gone.length;
    for (const path of gone) log.info(`${source.path}/${path}: file deleted; its article stays archived`);
  }

  // Size and mtime first: an unchanged folder costs one stat per file.
  const changed = scan.files.filter((file) => isChanged(file, known.get(file.relPath)));
  summary.unchanged += scan.files.length - changed.length;
  for (let start = 0; start < changed.length; start += BATCH_SIZE) {
    if (context.signal?.aborted) return;
    const batch = changed.slice(start, start + BATCH_SIZE);
    const items = await mapWithLimit(batch, READ_CONCURRENCY, (file) =>
      readFolderItem(file, source, known.get(file.relPath), idAuthority, context),
    );
    const touched = items.filter((item): item is { touch: CollectedItem['file'] & object } => 'touch' in item);
    store.touchFiles(touched.map((item) => item.touch));
    summary.unchanged += touched.length;
    const collected = items.filter((item): item is CollectedItem => !('touch' in item));
    summary.skipped += collected.filter((item) => item.problem).length;
    count(store.saveCollected(collected, now), summary, log);
    log.progress?.(`collecting ${source.name}`, Math.min(start + BATCH_SIZE, changed.length), changed.length);
  }
}

function isChanged(file: PostFile, state: FileState | undefined): boolean {
  return !state || state.deleted || state.size !== file.size || state.mtimeMs !== file.mtimeMs;
}

async function readFolderItem(
  file: PostFile,
  source: FolderSource,
  state: FileState | undefined,
  idAuthority: string,
  context: JobContext,
): Promise<CollectedItem | { touch: NonNullable<CollectedItem['file']> }> {
  const { log, config } = context;
  const record = { source: source.name, path: file.relPath, size: file.size, mtimeMs: file.mtimeMs, contentHash: '' };
  let bytes: Buffer;
  try {
    bytes = await readPostBytes(file);
  } catch (error) {
    log.warn(`${describeError(error)}; skipped`);
    return { file: record, problem: describeError(error) };
  }
  record.contentHash = sha256(bytes);
  // Touched but not changed (a checkout, a copy): remember the new mtime, parse nothing.
  if (state && !state.deleted && state.contentHash === record.contentHash) return { touch: record };
  try {
    const raw = parsePost(bytes, {
      source,
      relPath: file.relPath,
      mtime: new Date(file.mtimeMs),
      zone: config.timeZone,
      idAuthority,
      log,
    });
    return { article: await cleanForArchive(raw, file.absPath, context), file: record };
  } catch (error) {
    log.warn(`${describeError(error)}; skipped`);
    return { file: record, problem: describeError(error) };
  }
}

// ---- remote feeds

async function collectFeeds(feeds: readonly FeedSource[], context: JobContext, summary: CollectSummary) {
  const byHost = new Map<string, FeedSource[]>();
  for (const feed of feeds) {
    const host = hostOf(feed.url) ?? feed.url;
    byHost.set(host, [...(byHost.get(host) ?? []), feed]);
  }
  // Hosts in parallel, a few feeds at a time per host, so no single server gets hammered.
  await mapWithLimit([...byHost.values()], Math.max(1, Math.floor(FEED_CONCURRENCY / PER_HOST_CONCURRENCY)), (hostFeeds) =>
    mapWithLimit(hostFeeds, PER_HOST_CONCURRENCY, (feed) => collectFeed(feed, context, summary)),
  );
}

async function collectFeed(feed: FeedSource, context: JobContext, summary: CollectSummary): Promise<void> {
  const { store, log, now, config } = context;
  if (context.signal?.aborted) return;
  const state: SourceState = store.getSourceState(feed.url) ?? { key: feed.url, errorCount: 0 };
  if (state.nextCheck && state.nextCheck > now) {
    log.info(`${feed.url}: backing off after ${state.errorCount} failures; next try after ${state.nextCheck.toISOString()}`);
    summary.backingOff += 1;
    return;
  }
  const url = state.url ?? feed.url;
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
      store.saveSourceState(next);
      return;
    }
    const { text } = decodeFeed(result.body, result.contentType);
    const parsed = parseFeed(text, { url: result.url, source: feed.name, zone: config.timeZone, now });
    for (const warning of parsed.warnings) log.warn(warning);
    const items: CollectedItem[] = [];
    for (const raw of parsed.articles) {
      try {
        items.push({ article: await cleanForArchive(withKnownId(raw, context), raw.link ?? result.url, context) });
      } catch (error) {
        summary.skipped += 1;
        log.warn(`${result.url}: item "${raw.title}": ${describeError(error)}; skipped`);
      }
    }
    count(store.saveCollected(items, now), summary, log);
    // Validators are stored only once the items are: a crash before this refetches the feed.
    store.saveSourceState({
      ...next,
      ...(result.etag ? { etag: result.etag } : {}),
      ...(result.lastModified ? { lastModified: result.lastModified } : {}),
    });
  } catch (error) {
    const message = describeError(error);
    const errorCount = state.errorCount + 1;
    const retryAfterMs = error instanceof FetchError ? error.retryAfterMs : undefined;
    const nextCheck = nextCheckAfterFailure({ errorCount, now, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    store.saveSourceState({ ...state, errorCount, lastError: message, nextCheck });
    summary.failedSources.push({ source: feed.url, error: message });
    log.warn(`${message} (failure ${errorCount}; next try after ${nextCheck.toISOString()})`);
  }
}

/** The same link under a new guid is the same article: keep the id it was first archived under. */
function withKnownId(raw: RawArticle, context: JobContext): RawArticle {
  if (!raw.link || context.store.hasArticle(raw.id)) return raw;
  const known = context.store.idForLink(raw.link);
  return known ? { ...raw, id: known } : raw;
}

// ---- shared

async function cleanForArchive(raw: RawArticle, where: string, context: JobContext): Promise<NewArticle> {
  const { article, warnings } = cleanArticle(raw);
  // One line per article, whatever the cleaner had to say about it.
  if (warnings.length > 0) context.log.warn(`${where}: ${warnings.join('; ')}`);
  const simplifiedText = await simplifiedForm(article.text);
  return simplifiedText ? { ...article, simplifiedText } : article;
}

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
