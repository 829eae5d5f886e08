// The archive as the jobs, the server and the command line see it: what any archive must do,
// whatever holds it. SQLite (sqlite.ts) is the embedded implementation; test/store/conformance.ts
// is the suite every implementation must pass. Asynchronous, so that an archive on a database
// server fits the same seam as the embedded one.

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

/** What identifies a collected item: its id, and its original link when it has one. */
export interface ItemIdentity {
  id: string;
  link?: string | undefined;
}

export interface LockHandle {
  release(): Promise<void>;
}

/** The archive of articles, folder files, feed states, locks, (in `digests`) digests and deliveries, and (in `subscribers`) the digest's readers. */
export interface Store {
  /** Where the archive is, for messages: a file path or a server's address. */
  readonly path: string;
  readonly digests: DigestStore;
  readonly subscribers: SubscriberStore;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** What is known about every file of a folder source, by path. */
  fileStates(source: string): Promise<Map<string, FileState>>;
  /** Size, mtime and deletion of every file of a folder source: all a rerun compares. */
  fileStamps(source: string): Promise<Map<string, FileStamp>>;
  /** The hash of a file's bytes at its last read, if the file is known. */
  fileContentHash(source: string, path: string): Promise<string | undefined>;
  /** Records a file whose bytes did not change although its size or mtime did. */
  touchFiles(files: FileRecord[]): Promise<void>;
  /** Marks files as gone from their folder; their articles stay archived. */
  markFilesDeleted(source: string, paths: string[], now: Date): Promise<void>;

  /**
   * Saves a batch of collected items at once, all or nothing: new articles are added, changed ones
   * updated (same id and slug, a new revision), the same body under another id is kept as a
   * duplicate and never published. Files are recorded with their articles.
   */
  saveCollected(items: CollectedItem[], now: Date): Promise<SaveResult[]>;
  /** The current revision: every change to an article takes the next number. */
  revision(): Promise<number>;
  /** Published (non-duplicate) articles, newest first. */
  latestArticles(limit: number): Promise<Article[]>;
  /** The revisions after the given one (all for 0), duplicates included, in order. */
  revisionsSince(revision: number): Promise<number[]>;
  /** The published articles at these revisions, oldest change first. */
  articlesAtRevisions(revisions: readonly number[]): Promise<(Article & { revision: number })[]>;
  /** The id of the article archived under this original link, if any. */
  idForLink(link: string): Promise<string | undefined>;
  hasArticle(id: string): Promise<boolean>;
  /**
   * The id each item (of a feed, in order) is to be archived under: its own when that id is
   * archived or it has no link, else the id archived first under its link (the same link under a
   * new guid is the same article), else its own. One look-up for all the items.
   */
  archivedIds(items: readonly ItemIdentity[]): Promise<string[]>;
  getArticle(id: string): Promise<Article | undefined>;
  counts(): Promise<{ articles: number; duplicates: number }>;

  getSourceState(key: string): Promise<SourceState | undefined>;
  /** The states of these remote sources, by key; a source never saved is left out. */
  sourceStates(keys: readonly string[]): Promise<Map<string, SourceState>>;
  saveSourceState(state: SourceState): Promise<void>;

  /** Takes the lock of a job kind, or returns undefined when a live process holds it. */
  tryLock(kind: string, now: Date): Promise<LockHandle | undefined>;
  /** Who holds a lock, for messages. */
  lockHolder(kind: string): Promise<{ pid: number; host: string; since: Date } | undefined>;
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
  /** One per recipient; `themes` is what a personal digest holds (all themes when absent), fixed when the digest is chosen. */
  deliveries: { recipient: string; messageId: string; themes?: string[] }[];
}

export interface Delivery {
  digestId: string;
  recipient: string;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  themes?: string[];
}

/**
 * Digests, their deliveries and unsubscribes. A delivery is recorded before the message is handed
 * to SMTP ('sending') and after ('sent', 'deferred' or 'failed'), so a crash or a rerun never sends
 * twice to anyone recorded as sent, and never skips anyone.
 */
export interface DigestStore {
  /** The revision the last regular digest was chosen at: later arrivals go in the next one. */
  lastRegularRevision(): Promise<number | undefined>;
  /**
   * Published articles that no digest has held (previews aside), archived after `afterRevision`
   * (all when undefined), newest first; `limit` of them and how many there are in all.
   */
  unsentArticles(afterRevision: number | undefined, limit: number): Promise<{ articles: Article[]; total: number }>;
  /** Published articles whose publication time falls in [from, to), newest first. */
  publishedBetween(from: Date, to: Date, limit: number): Promise<{ articles: Article[]; total: number }>;
  /**
   * Articles that digests (previews aside) placed in a named theme, with its name: each from the
   * newest digest that holds it, newest digests first, at most `limit`. Clusters (their names are
   * the week's words) and 其他要闻 are left out: they are not themes anyone chose.
   */
  themedArticles(limit: number): Promise<ThemedArticle[]>;
  /** A free digest id: `base`, else `base-2`, `base-3`… */
  freeId(base: string): Promise<string>;
  /** Records a digest, the articles it holds and a pending delivery per recipient, all or nothing. */
  create(record: NewDigest, now: Date): Promise<void>;
  /** A stored digest as it was rendered. */
  get(id: string): Promise<(Digest & { status: 'sending' | 'sent'; kind: DigestKind }) | undefined>;
  /** Deliveries still to make: never tried, interrupted mid-send, or deferred by the server. */
  openDeliveries(): Promise<Delivery[]>;
  /** Before handing the message to SMTP. */
  markSending(digestId: string, recipient: string, now: Date): Promise<void>;
  /** After SMTP answered. The first accepted delivery makes the digest sent. */
  markOutcome(digestId: string, recipient: string, status: 'sent' | 'deferred' | 'failed', error: string | undefined, now: Date): Promise<void>;
  deliveries(digestId: string): Promise<Delivery[]>;
  /** One recipient's delivery of a digest, as it stands. */
  delivery(digestId: string, recipient: string): Promise<Delivery | undefined>;
  unsubscribe(recipient: string, via: string, now: Date): Promise<void>;
  isUnsubscribed(recipient: string): Promise<boolean>;
}

/**
 * pending: signed up, not yet confirmed (nothing is sent but the confirmation); active: receives the
 * digest; paused: keeps the choice, receives nothing; unsubscribed: left, receives nothing.
 */
export type SubscriberState = 'pending' | 'active' | 'paused' | 'unsubscribed';
/** How the address came: the signup form, the operator's command line or a CSV import, or digest.recipients in the config. */
export type SubscriberOrigin = 'form' | 'operator' | 'import' | 'config';

export interface Subscriber {
  /** Normalised (see normalizeAddress): the key. */
  address: string;
  state: SubscriberState;
  /** The themes chosen, by name; absent for all themes, new ones included. */
  themes?: string[];
  origin: SubscriberOrigin;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt?: Date;
  /** When the last confirmation mail went out: at most one per address in a given interval. */
  confirmationSentAt?: Date;
  /** Set after a hard bounce, or too many soft ones: nothing is sent to the address any more. */
  suppressedAt?: Date;
  suppressedReason?: string;
  softBounces: number;
}

/** The digest's readers. Addresses are normalised by the store, whatever the caller passes. */
export interface SubscriberStore {
  get(address: string): Promise<Subscriber | undefined>;
  /** Adds or replaces the whole record of `subscriber.address`. */
  put(subscriber: Subscriber): Promise<void>;
  /** Forgets an address entirely; false when it was not known. */
  remove(address: string): Promise<boolean>;
  /** Every subscriber (in these states, if given), by address. */
  list(states?: readonly SubscriberState[]): Promise<Subscriber[]>;
  /**
   * Records that a confirmation mail goes out now, unless one went out less than `intervalMs` ago:
   * true when the caller may send it. Atomic, so two requests at once send one mail.
   */
  claimConfirmation(address: string, now: Date, intervalMs: number): Promise<boolean>;
  /** Stops all mail to an address (it stays listed, with the reason). */
  suppress(address: string, reason: string, now: Date): Promise<void>;
  /** Counts a soft bounce; returns the count so far. */
  countSoftBounce(address: string, now: Date): Promise<number>;
  /** Removes pending signups created before `before`; returns how many. */
  expirePending(before: Date): Promise<number>;
}
