// The one place that decides what a valid article is, whatever its source: every renderer (feeds,
// pages, the digest) can then trust what the archive holds.
import type { Article } from '../model.js';
import { absoluteId } from '../util/ids.js';
import { truncateText } from '../util/text.js';
import { isHttpUrl } from '../util/url.js';

/**
 * Checks a cleaned article and puts it right in place: the id becomes absolute and stable (a tag:
 * URI of the source and its id when that is no absolute URI), a link that is not http(s) goes.
 * Returns what was put right, or why the article cannot be used: it has neither a title nor text.
 * (Titles, categories and author names are made plain text by the cleaning itself.)
 */
export function validateArticle(article: Omit<Article, 'slug'>, idAuthority: string): { warnings: string[] } | { problem: string } {
  if (!article.title && !article.text) return { problem: 'no title and no text' };
  const warnings: string[] = [];
  article.id = absoluteId(idAuthority, article.source, article.id);
  if (article.link !== undefined && !isHttpUrl(article.link)) {
    warnings.push(`link "${truncateText(article.link, 60)}" is not an http(s) URL; dropped`);
    article.link = undefined;
  }
  return { warnings };
}
