import type { Article, ArticleImage, ArticleMeta, SourceState } from '../model.js';
import { AppError, describeError } from '../errors.js';
import { shortHash } from '../util/hash.js';

// How an article is kept in a row of the articles table: times as UTC milliseconds, lists as JSON.

export type NewArticle = Omit<Article, 'slug'>;

export interface ArticleRow {
  id: string;
  slug: string;
  source: string;
  path: string | null;
  link: string | null;
  title: string;
  published: number;
  date_guessed: number;
  updated: number | null;
  author: string | null;
  categories: string;
  html: string;
  text: string;
  simplified_text: string | null;
  summary: string;
  length: number;
  images: string;
  lead_image: string | null;
  meta: string;
  first_seen: number;
  last_changed: number;
  revision: number;
}

/** Named parameters for the articles table's columns (slug and bookkeeping excluded). */
export function toRow(article: NewArticle) {
  return {
    id: article.id,
    source: article.source,
    path: article.path ?? null,
    link: article.link ?? null,
    title: article.title,
    published: article.published.getTime(),
    dateGuessed: article.dateGuessed ? 1 : 0,
    updated: article.updated?.getTime() ?? null,
    author: article.author ?? null,
    categories: JSON.stringify(article.categories),
    html: article.html,
    text: article.text,
    simplifiedText: article.simplifiedText ?? null,
    summary: article.summary,
    length: article.length,
    images: JSON.stringify(article.images),
    leadImage: article.leadImage ? JSON.stringify(article.leadImage) : null,
    meta: JSON.stringify(article.meta),
  };
}

/** The article of a row; a row whose JSON columns cannot be read is damage SQLite did not notice. */
export function fromRow(row: ArticleRow): Article {
  try {
    return readRow(row);
  } catch (error) {
    throw new AppError('STORE_DAMAGED', `the row of article ${row.id} cannot be read (${describeError(error)})`, { cause: error });
  }
}

function readRow(row: ArticleRow): Article {
  return {
    id: row.id,
    slug: row.slug,
    source: row.source,
    ...(row.path !== null ? { path: row.path } : {}),
    ...(row.link !== null ? { link: row.link } : {}),
    title: row.title,
    published: new Date(row.published),
    dateGuessed: row.date_guessed === 1,
    ...(row.updated !== null ? { updated: new Date(row.updated) } : {}),
    ...(row.author !== null ? { author: row.author } : {}),
    categories: JSON.parse(row.categories) as string[],
    html: row.html,
    text: row.text,
    ...(row.simplified_text !== null ? { simplifiedText: row.simplified_text } : {}),
    summary: row.summary,
    length: row.length,
    images: JSON.parse(row.images) as ArticleImage[],
    ...(row.lead_image !== null ? { leadImage: JSON.parse(row.lead_image) as ArticleImage } : {}),
    meta: JSON.parse(row.meta) as ArticleMeta,
  };
}

/** What tells a changed article from an unchanged one, and the same story under another id. */
export interface ArticleHashes {
  /** Everything published about the article (the guessed-date flag aside). */
  content: string;
  /** The body text without whitespace. */
  body: string;
}

export function articleHashes(article: NewArticle): ArticleHashes {
  const { dateGuessed: _guessed, ...published } = article;
  return { content: shortHash(JSON.stringify(published), 32), body: shortHash(article.text.replace(/[\s\u3000]+/gu, ''), 32) };
}

/** A feed's state (the sources table), the same in every archive. */
export interface SourceRow {
  key: string;
  url: string | null;
  etag: string | null;
  last_modified: string | null;
  last_success: number | null;
  error_count: number;
  last_error: string | null;
  next_check: number | null;
}

export function sourceStateFromRow(row: SourceRow): SourceState {
  return {
    key: row.key,
    ...(row.url ? { url: row.url } : {}),
    ...(row.etag ? { etag: row.etag } : {}),
    ...(row.last_modified ? { lastModified: row.last_modified } : {}),
    ...(row.last_success !== null ? { lastSuccess: new Date(row.last_success) } : {}),
    errorCount: row.error_count,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.next_check !== null ? { nextCheck: new Date(row.next_check) } : {}),
  };
}
