// The archive as the jobs, the server and the command line see it: what any archive must do,
// whatever holds it. SQLite (sqlite.ts) is the one implementation today; test/store/conformance.ts
// is the suite every implementation must pass. Synchronous, as better-sqlite3 is: an archive on a
// server would need this seam made asynchronous, in one place.

import type { Article, Digest, SourceState } from '../model.js';
import type { NewArticle } from './rows.js';

export type { NewArticle } from './rows.js';

/** What tells whether a file of a folder source may have changed since it was read. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  deleted: boolean;
}

/** What a folder source knew about a file at the last successful read. */
export interface FileState {
  size: number;
  mtimeMs: number;
  contentHash: string;
  articleId?: string;
  deleted: boolean;
}

export interface FileRecord {
  source: string;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

export interface CollectedItem {
  article?: NewArticle;
  /** The folder file it came from, recorded in the same transaction as the article. */
  file?: FileRecord;
  /** Why the file could not be used; the file is recorded so it is not read again until it changes. */
  problem?: string;
}

export type SaveOutcome = 'new' | 'updated' | 'unchanged' | 'duplicate' | 'skipped';

export interface SaveResult {
  outcome: SaveOutcome;
  id?: string;
  /** For duplicates: the article it duplicates. */
  duplicateOf?: string;
  /** For new and updated articles and duplicates: the revision the save took. */
  revision?: number;
  /** For new and updated articles that are published (not duplicates): the article as archived, slug and all. */
  published?: Article;
}

export interface LockHandle {
  release(): void;
}

/** The archive of articles, folder files, feed states, locks, and (in `digests`) digests and deliveries. */
export interface Store {
  /** Where the archive is, for messages: a file path or a server's address. */
  readonly path: string;
  readonly digests: DigestStore;
  close(): void;

  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  /** What is known about every file of a folder source, by path. */
  fileStates(source: string): Map<string, FileState>;
  /** Size, mtime and deletion of every file of a folder source: all a rerun compares. */
  fileStamps(source: string): Map<string, FileStamp>;
  /** The hash of a file's bytes at its last read, if the file is known. */
  fileContentHash(source: string, path: string): string | undefined;
  /** Records a file whose bytes did not change although its size or mtime did. */
  touchFiles(files: FileRecord[]): void;
  /** Marks files as gone from their folder; their articles stay archived. */
  markFilesDeleted(source: string, paths: string[], now: Date): void;

  /**
   * Saves a batch of collected items at once, all or nothing: new articles are added, changed ones
   * updated (same id and slug, a new revision), the same body under another id is kept as a
   * duplicate and never published. Files are recorded with their articles.
   */
  saveCollected(items: CollectedItem[], now: Date): SaveResult[];
  /** The current revision: every change to an article takes the next number. */
  revision(): number;
  /** Published (non-duplicate) articles, newest first. */
  latestArticles(limit: number): Article[];
  /** The revisions after the given one (all for 0), duplicates included, in order. */
  revisionsSince(revision: number): number[];
  /** The published articles at these revisions, oldest change first. */
  articlesAtRevisions(revisions: readonly number[]): (Article & { revision: number })[];
  /** The id of the article archived under this original link, if any. */
  idForLink(link: string): string | undefined;
  hasArticle(id: string): boolean;
  getArticle(id: string): Article | undefined;
  counts(): { articles: number; duplicates: number };

  getSourceState(key: string): SourceState | undefined;
  saveSourceState(state: SourceState): void;

  /** Takes the lock of a job kind, or returns undefined when a live process holds it. */
  tryLock(kind: string, now: Date): LockHandle | undefined;
  /** Who holds a lock, for messages. */
  lockHolder(kind: string): { pid: number; host: string; since: Date } | undefined;
}

/** A past article and the named theme a digest put it in. */
export interface ThemedArticle {
  article: Article;
  theme: string;
}

/** regular: what arrived since the last one; window: what was published in a window; preview: sent with --to, holds nothing. */
export type DigestKind = 'regular' | 'window' | 'preview';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'deferred' | 'failed';

export interface NewDigest {
  digest: Digest;
  kind: DigestKind;
  throughRevision: number;
  articleIds: string[];
  deliveries: { recipient: string; messageId: string }[];
}

export interface Delivery {
  digestId: string;
  recipient: string;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
}

/**
 * Digests, their deliveries and unsubscribes. A delivery is recorded before the message is handed
 * to SMTP ('sending') and after ('sent', 'deferred' or 'failed'), so a crash or a rerun never sends
 * twice to anyone recorded as sent, and never skips anyone.
 */
export interface DigestStore {
  /** The revision the last regular digest was chosen at: later arrivals go in the next one. */
  lastRegularRevision(): number | undefined;
  /**
   * Published articles that no digest has held (previews aside), archived after `afterRevision`
   * (all when undefined), newest first; `limit` of them and how many there are in all.
   */
  unsentArticles(afterRevision: number | undefined, limit: number): { articles: Article[]; total: number };
  /** Published articles whose publication time falls in [from, to), newest first. */
  publishedBetween(from: Date, to: Date, limit: number): { articles: Article[]; total: number };
  /**
   * Articles that digests (previews aside) placed in a named theme, with its name: each from the
   * newest digest that holds it, newest digests first, at most `limit`. Clusters (their names are
   * the week's words) and 其他要闻 are left out: they are not themes anyone chose.
   */
  themedArticles(limit: number): ThemedArticle[];
  /** A free digest id: `base`, else `base-2`, `base-3`… */
  freeId(base: string): string;
  /** Records a digest, the articles it holds and a pending delivery per recipient, all or nothing. */
  create(record: NewDigest, now: Date): void;
  /** A stored digest as it was rendered. */
  get(id: string): (Digest & { status: 'sending' | 'sent'; kind: DigestKind }) | undefined;
  /** Deliveries still to make: never tried, interrupted mid-send, or deferred by the server. */
  openDeliveries(): Delivery[];
  /** Before handing the message to SMTP. */
  markSending(digestId: string, recipient: string, now: Date): void;
  /** After SMTP answered. The first accepted delivery makes the digest sent. */
  markOutcome(digestId: string, recipient: string, status: 'sent' | 'deferred' | 'failed', error: string | undefined, now: Date): void;
  deliveries(digestId: string): Delivery[];
  unsubscribe(recipient: string, via: string, now: Date): void;
  isUnsubscribed(recipient: string): boolean;
}
