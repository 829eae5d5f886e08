import { readFileSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { Marked } from 'marked';
import type { FolderSource } from '../config.js';
import { AppError, describeError } from '../errors.js';
import type { Problem, RawArticle } from '../model.js';
import type { Log } from '../util/log.js';
import { mapWithLimit } from '../util/pool.js';
import { parseDate } from '../util/time.js';
import { binaryReason, decodeText } from './decode.js';
import { FrontMatterError, splitFrontMatter } from './front-matter.js';
import { listPostFiles, type PostFile } from './folder-scan.js';
import * as fields from './post-fields.js';

export { POST_EXTENSIONS, type PostFile } from './folder-scan.js';

// A folder of front-matter posts (Hexo/Jekyll Markdown, or HTML as the rsshub-page crawler wrote
// it) → RawArticle. A file that cannot be used is reported and skipped; the run goes on.

export interface ReadFolderOptions {
  /** IANA zone that wall-clock dates in front matter are read in. */
  zone: string;
  /** Authority of tag: ids, like `127.0.0.1,2026-11-21` (RFC 4151). */
  idAuthority: string;
  log: Log;
  /** Larger files are skipped; default 2 MiB. */
  maxBytes?: number;
  /** Files read at once; default 16. */
  concurrency?: number;
}

export interface ReadResult {
  articles: RawArticle[];
  problems: Problem[];
}

export interface PostContext {
  source: FolderSource;
  /** Path relative to the source folder, with forward slashes. */
  relPath: string;
  /** Stands in for a missing or unreadable date. */
  mtime: Date;
  zone: string;
  idAuthority: string;
  log: Log;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 16;

/** Configured once: per-file setup would dominate at 100k posts. */
const markdown = new Marked({ gfm: true, async: false });

/**
 * Reads every post under a folder (recursively), in sorted path order. Files are read a few at a
 * time, but their warnings are logged in path order, so two runs log the same lines.
 */
export async function readFolder(source: FolderSource, options: ReadFolderOptions): Promise<ReadResult> {
  const problems: Problem[] = [];
  const relPaths = await listPostFiles(source.path, options.log, problems);
  const outcomes = await mapWithLimit(relPaths, options.concurrency ?? DEFAULT_CONCURRENCY, (relPath) =>
    readOutcome(source, join(source.path, relPath), options),
  );
  const articles: RawArticle[] = [];
  for (const outcome of outcomes) {
    for (const warning of outcome.warnings) options.log.warn(warning);
    if (outcome.article) articles.push(outcome.article);
    if (outcome.problem) {
      problems.push(outcome.problem);
      options.log.warn(`${outcome.problem.where}: skipped: ${outcome.problem.message}`);
    }
  }
  return { articles, problems };
}

/**
 * The bytes of a post file, refused (SOURCE_READ) when larger than `maxBytes`. Read synchronously:
 * the collect job reads in worker threads, which have nothing else to do meanwhile.
 */
export function readPostBytesSync(file: PostFile, maxBytes = DEFAULT_MAX_BYTES): Buffer {
  checkSize(file.absPath, file.size, maxBytes);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absPath);
  } catch (error) {
    throw new AppError('SOURCE_READ', `${file.absPath}: cannot read: ${describeError(error)}`, { cause: error });
  }
  checkSize(file.absPath, bytes.length, maxBytes);
  return bytes;
}

interface Outcome {
  article?: RawArticle;
  problem?: Problem;
  /** Held back to be logged in path order. */
  warnings: string[];
}

async function readOutcome(source: FolderSource, absolutePath: string, options: ReadFolderOptions): Promise<Outcome> {
  const warnings: string[] = [];
  const log: Log = {
    info: (message) => options.log.info(message),
    error: (message) => options.log.error(message),
    warn: (message) => void warnings.push(message),
    get warnings() {
      return warnings.length;
    },
  };
  try {
    return { article: await readPostFile(source, absolutePath, { ...options, log }), warnings };
  } catch (error) {
    return { problem: { where: absolutePath, message: reasonOf(error, absolutePath) }, warnings };
  }
}

/** Reads one post file. Throws AppError (SOURCE_READ, SOURCE_PARSE, SOURCE_EMPTY) naming the path and the reason. */
export async function readPostFile(source: FolderSource, absolutePath: string, options: ReadFolderOptions): Promise<RawArticle> {
  const relPath = relativePostPath(source, absolutePath);
  let stats: Stats;
  try {
    stats = await stat(absolutePath);
  } catch (error) {
    throw new AppError('SOURCE_READ', `${absolutePath}: cannot read: ${describeError(error)}`, { cause: error });
  }
  if (!stats.isFile()) throw new AppError('SOURCE_READ', `${absolutePath}: not a regular file`);
  const bytes = readPostBytesSync({ relPath, absPath: absolutePath, size: stats.size, mtimeMs: stats.mtimeMs }, options.maxBytes);
  return parsePost(bytes, { source, relPath, mtime: stats.mtime, zone: options.zone, idAuthority: options.idAuthority, log: options.log });
}

/** Turns the bytes of one post into a RawArticle. Pure but for warnings; throws AppError for an unusable post. */
export function parsePost(bytes: Buffer, context: PostContext): RawArticle {
  const where = join(context.source.path, context.relPath);
  const text = decodePost(bytes, where, context.log);
  const post = splitPost(text, where);
  // A file without front matter is a README or a note left in the folder, not a post (as in Jekyll).
  if (!post.hasFrontMatter) {
    throw new AppError('SOURCE_PARSE', `${where}: no front matter (a post starts with a "---" block of YAML)`);
  }
  if (post.repairedTitle) context.log.warn(`${where}: the title line was damaged (stray quotes); quoted it again to read it`);

  const title = fields.readTitle(post.data);
  const body = post.body.trim();
  if (title === '' && body === '') throw new AppError('SOURCE_EMPTY', `${where}: neither a title nor a body`);
  if (title === '') context.log.warn(`${where}: no title; the first sentence will be used`);

  const link = fields.readLink(post.data);
  const published = readPublished(post.data, where, context);
  const updated = readUpdated(post.data, where, context);
  return withoutUndefined({
    id: postId({ source: context.source, relPath: context.relPath, idAuthority: context.idAuthority, ownId: fields.readOwnId(post.data), link }),
    source: context.source.name,
    path: context.relPath,
    title,
    link,
    published: published.date,
    dateGuessed: published.guessed,
    updated,
    author: fields.readAuthor(post.data),
    categories: fields.readCategories(post.data),
    image: fields.readImage(post.data),
    description: fields.readDescription(post.data),
    html: body === '' ? '' : renderBody(body, extname(context.relPath).toLowerCase()),
    baseUrl: link,
  });
}

function decodePost(bytes: Buffer, where: string, log: Log): string {
  if (bytes.length === 0) throw new AppError('SOURCE_EMPTY', `${where}: empty file`);
  const binary = binaryReason(bytes);
  if (binary) throw new AppError('SOURCE_PARSE', `${where}: binary file (${binary}), not a post`);
  const { text, charset } = decodeText(bytes);
  if (charset !== 'utf-8') log.warn(`${where}: not UTF-8; read as ${charset}`);
  if (text.trim() === '') throw new AppError('SOURCE_EMPTY', `${where}: only whitespace`);
  return text;
}

function splitPost(text: string, where: string): ReturnType<typeof splitFrontMatter> {
  try {
    return splitFrontMatter(text);
  } catch (error) {
    if (!(error instanceof FrontMatterError)) throw error;
    throw new AppError('SOURCE_PARSE', `${where}: broken front matter at line ${error.line}: ${error.reason}`, { cause: error });
  }
}

function readPublished(data: fields.FrontMatterData, where: string, context: PostContext): { date: Date; guessed: boolean } {
  const text = fields.readDateText(data);
  const date = text === undefined ? undefined : parseDate(fields.dateInput(text), context.zone);
  if (date) return { date, guessed: false };
  const fallback = `using the file's modification time ${context.mtime.toISOString()}`;
  context.log.warn(text === undefined ? `${where}: no date; ${fallback}` : `${where}: unreadable date "${text}"; ${fallback}`);
  return { date: context.mtime, guessed: true };
}

function readUpdated(data: fields.FrontMatterData, where: string, context: PostContext): Date | undefined {
  const text = fields.readUpdatedText(data);
  if (text === undefined) return undefined;
  const date = parseDate(fields.dateInput(text), context.zone);
  if (!date) context.log.warn(`${where}: unreadable updated date "${text}"; ignored`);
  return date;
}

// ---- ids

/**
 * A stable, unique id: the post's own id (an absolute URI as is, else a tag: URI), else its link,
 * else a tag: URI from the path. Own ids use `/id:` — a literal colon cannot occur in an encoded
 * path segment, so an own id can never equal the id of a file in a folder named `id`. The path is
 * NFC-normalized so that macOS (NFD file names) and Linux give the same id.
 */
export function postId(parts: { source: FolderSource; relPath: string; idAuthority: string; ownId?: string; link?: string }): string {
  const prefix = `tag:${parts.idAuthority}:${parts.source.name}`;
  if (parts.ownId !== undefined) {
    return isAbsoluteUri(parts.ownId) ? parts.ownId : `${prefix}/id:${encodeURIComponent(parts.ownId)}`;
  }
  if (parts.link !== undefined) return parts.link;
  const segments = parts.relPath.normalize('NFC').split('/').map(encodeURIComponent);
  return `${prefix}/${segments.join('/')}`;
}

/** A scheme of two or more characters (so `C:\…` is not one) and no whitespace. */
function isAbsoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\S+$/i.test(value);
}

// ---- bodies

/** Tags that start an HTML block; Markdown does not start with these. */
const BLOCK_TAG_START =
  /^<(?:!--|!doctype|(?:address|article|aside|audio|blockquote|body|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|head|header|hgroup|hr|html|iframe|li|main|nav|noscript|ol|p|picture|pre|script|section|style|table|ul|video)(?=[\s/>]))/i;
const TAG_LINE = /^\s*<[a-z!/]/i;
/** Markdown block syntax at the start of a line: heading, fence, list item, quote. */
const MARKDOWN_LINE = /^(?:#{1,6}\s|```|~~~|[-*+]\s+\S|\d+[.)]\s+\S|>\s)/;

/**
 * HTML bodies are kept as they are: rendered as Markdown, their indented lines would become code
 * blocks. A body is HTML when at least half of its lines start with a tag, or when it starts with a
 * block-level tag and has no Markdown block syntax (a README-style HTML banner over Markdown).
 */
export function isHtmlBody(body: string): boolean {
  // Counted line by line without building arrays: this runs on every post.
  let lines = 0;
  let tagLines = 0;
  for (let start = 0; start <= body.length; ) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, end);
    if (line.trim() !== '') {
      lines += 1;
      if (TAG_LINE.test(line)) tagLines += 1;
    }
    start = end + 1;
  }
  if (lines === 0) return false;
  if (tagLines * 2 >= lines) return true;
  // A blank line never matches MARKDOWN_LINE, so every line can be tested.
  return BLOCK_TAG_START.test(body.trimStart()) && !body.split('\n').some((line) => MARKDOWN_LINE.test(line));
}

function renderBody(body: string, extension: string): string {
  if (extension === '.html' || isHtmlBody(body)) return body;
  return markdown.parse(body, { async: false }).trim();
}

// ---- files

function relativePostPath(source: FolderSource, absolutePath: string): string {
  const relPath = relative(source.path, absolutePath);
  if (relPath === '' || relPath === '..' || relPath.startsWith(`..${sep}`) || isAbsolute(relPath)) {
    throw new AppError('SOURCE_READ', `${absolutePath}: not inside the source folder ${source.path}`);
  }
  return relPath.split(sep).join('/');
}

function checkSize(path: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new AppError('SOURCE_READ', `${path}: file is ${formatBytes(size)} (${size} bytes), over the limit of ${formatBytes(maxBytes)}`);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The message of an error without the leading `path: ` (a Problem names the path itself). */
function reasonOf(error: unknown, path: string): string {
  const message = describeError(error);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/**
 * Optional fields absent rather than `undefined` (exactOptionalPropertyTypes-friendly, cleaner JSON),
 * in the same order. Copied, not deleted: `delete` turns the object into a slow dictionary, and
 * every later step reads the article.
 */
function withoutUndefined<T extends object>(value: T): T {
  const defined: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) defined[key] = value[key];
  return defined as T;
}
