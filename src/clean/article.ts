import type { Article, RawArticle } from '../model.js';
import { normalizeSpace, splitSentences, stripInvalidXmlChars, truncateText } from '../util/text.js';
import { cleanBody } from './clean.js';
import { repairMojibake } from './mojibake.js';
import { plainText, repairTitle } from './title.js';
import { validateArticle } from './valid-article.js';

const SUMMARY_MAX = 120;
const TITLE_FROM_BODY_MAX = 40;

export type CleanedArticle =
  | { article: Omit<Article, 'slug'>; warnings: string[] }
  /** Why the article cannot be used (see valid-article.ts). */
  | { problem: string };

/**
 * Turns an article as read into a clean, valid one: repaired title, clean body, summary, metadata,
 * an absolute id (`idAuthority` makes the tag: URIs of ids that are no URI).
 */
export function cleanArticle(raw: RawArticle, idAuthority: string): CleanedArticle {
  const repairedTitle = repairTitle(raw.title);
  const { warnings, ...body } = cleanBody({
    html: repairMojibake(raw.html),
    title: repairedTitle,
    imageHint: raw.image,
    baseUrl: raw.baseUrl ?? raw.link,
  });

  const invalid = countInvalidXmlChars(raw);
  if (invalid > 0) warnings.push(`removed ${invalid} control character${invalid > 1 ? 's' : ''} that XML does not allow`);

  // The reader has already reported a missing title.
  const title = repairedTitle || truncateText(splitSentences(body.text)[0] ?? '', TITLE_FROM_BODY_MAX);
  const description = raw.description ? descriptionText(raw.description) : '';
  const summary = description ? truncateText(description, SUMMARY_MAX) : body.summary;

  // The fields, in their order, of `{ ...metadata, ...body, title, … }`, which V8 builds slowly.
  const article = Object.assign(metadataOf(raw), body, {
    title,
    summary,
    author: (raw.author && plainText(raw.author)) || undefined,
    categories: [...new Set(raw.categories.map(plainText).filter(Boolean))],
  });
  const validated = validateArticle(article, idAuthority);
  if ('problem' in validated) return validated;
  return { article, warnings: [...warnings, ...validated.warnings] };
}

type RawOnlyField = 'html' | 'image' | 'description' | 'baseUrl';
/** What the clean article replaces (html) or drops (the image hint, the description, the base URL). */
const RAW_ONLY_FIELDS: ReadonlySet<string> = new Set<RawOnlyField>(['html', 'image', 'description', 'baseUrl']);

/** The raw article's other fields, in their order (a loop: rest destructuring copies slowly). */
function metadataOf(raw: RawArticle): Omit<RawArticle, RawOnlyField> {
  const metadata: Record<string, unknown> = {};
  for (const key in raw) {
    if (!RAW_ONLY_FIELDS.has(key)) metadata[key] = raw[key as keyof RawArticle];
  }
  return metadata as Omit<RawArticle, RawOnlyField>;
}

function countInvalidXmlChars(raw: RawArticle): number {
  const fields = [raw.title, raw.html, raw.author ?? '', raw.description ?? '', ...raw.categories];
  return fields.reduce((count, field) => count + (field.length - stripInvalidXmlChars(field).length), 0);
}

/** An author's description may carry markup; the summary is plain text. */
function descriptionText(html: string): string {
  return normalizeSpace(stripInvalidXmlChars(repairMojibake(html).replace(/<[^>]*>/g, ' ')));
}
