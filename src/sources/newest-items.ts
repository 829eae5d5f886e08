import type { RawArticle } from '../model.js';

// A feed may list any number of items; a collect keeps the newest (`fetch.maxItems`).

/**
 * The `max` newest items, by the date each is archived with (an undated item has the feed's date or
 * the fetch time), equal dates in the order the feed lists them; returned in the feed's order.
 */
export function keepNewest(articles: readonly RawArticle[], max: number): { kept: RawArticle[]; leftOut: number } {
  if (articles.length <= max) return { kept: [...articles], leftOut: 0 };
  const newestFirst = articles
    .map((article, index) => ({ time: article.published.getTime(), index }))
    .sort((a, b) => b.time - a.time || a.index - b.index);
  const keptIndexes = newestFirst.slice(0, max).map((entry) => entry.index).sort((a, b) => a - b);
  return { kept: keptIndexes.map((index) => articles[index] as RawArticle), leftOut: articles.length - max };
}
