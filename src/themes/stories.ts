// From articles to stories: segmented once, near-duplicates folded into the copy shown.
import type { ThemeInput } from '../model.js';
import { tokenize } from './segment.js';
import { findNearDuplicates, type NearDuplicateOptions } from './similar.js';

/** One story: the article shown, the near-duplicates folded into it, and its words. */
export interface Story {
  article: ThemeInput;
  /** Ids of the other copies of the same story. */
  similar: string[];
  /** All words, stop words included (keyword matching needs them). */
  titleTokens: string[];
  bodyTokens: string[];
}

interface ReadArticle {
  article: ThemeInput;
  /** The part of the body that is read. */
  body: string;
  titleTokens: string[];
  bodyTokens: string[];
}

/** Sorted by id, so that the input order never changes the result; a repeated id is read once. */
function readArticles(articles: readonly ThemeInput[], maxBodyCharacters: number): ReadArticle[] {
  const byId = new Map<string, ThemeInput>();
  for (const article of articles) if (!byId.has(article.id)) byId.set(article.id, article);
  return [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((article) => {
      const body = article.text.slice(0, maxBodyCharacters);
      return { article, body, titleTokens: tokenize(article.title), bodyTokens: tokenize(body) };
    });
}

/** The copy shown for a story: the longest (most complete), then the earliest, then by id. */
function isBetterCopy(a: ReadArticle, b: ReadArticle): boolean {
  if (a.body.length !== b.body.length) return a.body.length > b.body.length;
  const time = a.article.published.getTime() - b.article.published.getTime();
  if (time !== 0) return time < 0;
  return a.article.id < b.article.id;
}

export interface StoryOptions {
  /** Only the start of a body is read: the lead says what a story is about, and it bounds the time. */
  maxBodyCharacters: number;
  /** Near-duplicate settings, or false to keep every article as its own story. */
  nearDuplicates: NearDuplicateOptions | false;
}

/** Stories in id order of the copy shown. */
export function readStories(articles: readonly ThemeInput[], options: StoryOptions): Story[] {
  const read = readArticles(articles, options.maxBodyCharacters);
  const groups =
    options.nearDuplicates === false
      ? []
      : findNearDuplicates(read.map((r) => ({ id: r.article.id, text: `${r.article.title}\n${r.body}` })), options.nearDuplicates);
  const byId = new Map(read.map((r) => [r.article.id, r]));
  const copiesOf = new Map<string, ReadArticle[]>();
  for (const group of groups) {
    const copies = group.map((id) => byId.get(id)!);
    for (const id of group) copiesOf.set(id, copies);
  }
  const stories: Story[] = [];
  for (const candidate of read) {
    const copies = copiesOf.get(candidate.article.id) ?? [candidate];
    const shown = copies.reduce((best, copy) => (isBetterCopy(copy, best) ? copy : best));
    if (shown !== candidate) continue;
    stories.push({
      article: shown.article,
      similar: copies.filter((copy) => copy !== shown).map((copy) => copy.article.id),
      titleTokens: shown.titleTokens,
      bodyTokens: shown.bodyTokens,
    });
  }
  return stories;
}
