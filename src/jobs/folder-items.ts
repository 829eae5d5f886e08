import { cleanArticle } from '../clean/article.js';
import { simplifiedForm } from '../clean/simplify.js';
import type { FolderSource } from '../config.js';
import { AppError, describeError } from '../errors.js';
import type { RawArticle } from '../model.js';
import { parsePost, readPostBytesSync, type PostFile } from '../sources/markdown.js';
import type { CollectedItem, FileRecord } from '../store/store.js';
import { sha256 } from '../util/hash.js';
import type { Log } from '../util/log.js';

// The work on one batch of changed files, from path to archive-ready article: read, hash, parse,
// clean, hash again. Pure but for reading files, so it runs the same in a worker thread
// (clean-worker.ts) or in the collecting thread; the archive itself is written by the caller only.
// Imports nothing that opens the archive: a worker never loads better-sqlite3.

export interface FolderTask {
  source: FolderSource;
  zone: string;
  idAuthority: string;
  files: { file: PostFile; knownHash?: string }[];
}

/** A log line held back, to be written by the collecting thread in file order. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type FolderItem =
  /** Touched but not changed (a checkout, a copy): only the new size and mtime are recorded. */
  | { touch: FileRecord; lines: LogLine[] }
  | { item: CollectedItem; lines: LogLine[] };

/** Prepares every file of a task, in order. Never throws for a bad file: it becomes an item with a problem. */
export async function prepareFolderItems(task: FolderTask): Promise<FolderItem[]> {
  const items: FolderItem[] = [];
  for (const entry of task.files) items.push(await prepareFile(entry.file, entry.knownHash, task));
  return items;
}

async function prepareFile(file: PostFile, knownHash: string | undefined, task: FolderTask): Promise<FolderItem> {
  const lines: LogLine[] = [];
  const log = heldLog(lines);
  const record: FileRecord = { source: task.source.name, path: file.relPath, size: file.size, mtimeMs: file.mtimeMs, contentHash: '' };
  let bytes: Buffer;
  try {
    bytes = readPostBytesSync(file);
  } catch (error) {
    log.warn(`${describeError(error)}; skipped`);
    return { item: { file: record, problem: describeError(error) }, lines };
  }
  record.contentHash = sha256(bytes);
  if (knownHash === record.contentHash) return { touch: record, lines };
  try {
    const raw = parsePost(bytes, { source: task.source, relPath: file.relPath, mtime: new Date(file.mtimeMs), zone: task.zone, idAuthority: task.idAuthority, log });
    const { article } = await prepareArticle(raw, { where: file.absPath, idAuthority: task.idAuthority, log });
    return { item: { article, file: record }, lines };
  } catch (error) {
    // An AppError names the file already; anything else (a bug, a stack overflow) is given its name.
    const problem = error instanceof AppError ? describeError(error) : `${file.absPath}: ${describeError(error)}`;
    log.warn(`${problem}; skipped`);
    return { item: { file: record, problem }, lines };
  }
}

export interface PrepareOptions {
  /** The file or URL the article came from, for messages. */
  where: string;
  idAuthority: string;
  log: Pick<Log, 'warn'>;
}

/**
 * Cleans an article as read and adds the Simplified form of Traditional text. Throws AppError
 * 'SOURCE_EMPTY' (naming `where`) for an article that cannot be used.
 */
export async function prepareArticle(raw: RawArticle, { where, idAuthority, log }: PrepareOptions): Promise<Required<Pick<CollectedItem, 'article'>>> {
  const cleaned = cleanArticle(raw, idAuthority);
  if ('problem' in cleaned) throw new AppError('SOURCE_EMPTY', `${where}: ${cleaned.problem}`);
  const { article, warnings } = cleaned;
  // One line per article, whatever the cleaner had to say about it.
  if (warnings.length > 0) log.warn(`${where}: ${warnings.join('; ')}`);
  const simplifiedText = await simplifiedForm(article.text);
  const complete = simplifiedText ? { ...article, simplifiedText } : article;
  return { article: complete };
}

function heldLog(lines: LogLine[]): Log {
  return {
    info: (message) => void lines.push({ level: 'info', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
    get warnings() {
      return lines.filter((line) => line.level === 'warn').length;
    },
  };
}
