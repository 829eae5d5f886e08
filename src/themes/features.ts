// TF-IDF vectors over title and body words, the title weighted.
import { backgroundIdfs } from './background-idf.js';
import { unitVector, type SparseVector } from './vectors.js';

/** The content words of one article. */
export interface ArticleWords {
  title: readonly string[];
  body: readonly string[];
}

export interface FeatureOptions {
  /** How many body occurrences one title occurrence is worth. */
  titleWeight: number;
  /** Only an article's heaviest terms are kept: the rest is mostly noise and costs time. */
  maxTerms: number;
}

export interface Features {
  /** Term id → word. */
  vocabulary: string[];
  /** One unit vector per article, in input order. */
  vectors: SparseVector[];
}

function countTerms(words: ArticleWords, titleWeight: number, idOf: (word: string) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const word of words.title) {
    const id = idOf(word);
    counts.set(id, (counts.get(id) ?? 0) + titleWeight);
  }
  for (const word of words.body) {
    const id = idOf(word);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Keeps the `count` heaviest entries (ties: lower id). */
function keepHeaviest(weights: Map<number, number>, count: number): Map<number, number> {
  if (weights.size <= count) return weights;
  const kept = [...weights].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count);
  return new Map(kept);
}

/**
 * Sublinear term frequency (1 + ln tf) times two inverse document frequencies: the batch's, so
 * that what every article of the week says (boilerplate) weighs little, and jieba's general one,
 * so that common words (发展, 工作) weigh little even in a batch too small to show it.
 * A word found in one article only is left out: it cannot make two articles alike, it only
 * dilutes the similarities.
 */
export function buildFeatures(articles: readonly ArticleWords[], options: FeatureOptions): Features {
  const ids = new Map<string, number>();
  const vocabulary: string[] = [];
  const idOf = (word: string): number => {
    let id = ids.get(word);
    if (id === undefined) {
      id = vocabulary.length;
      ids.set(word, id);
      vocabulary.push(word);
    }
    return id;
  };
  const counts = articles.map((words) => countTerms(words, options.titleWeight, idOf));
  const documentFrequency = new Int32Array(vocabulary.length);
  for (const termCounts of counts) for (const id of termCounts.keys()) documentFrequency[id]!++;

  const total = articles.length;
  const general = backgroundIdfs(vocabulary);
  const idf = vocabulary.map((_word, id) => (Math.log((total + 1) / (documentFrequency[id]! + 1)) + 1) * general[id]!);
  const vectors = counts.map((termCounts) => {
    const weights = new Map<number, number>();
    for (const [id, count] of termCounts) {
      if (documentFrequency[id]! >= 2) weights.set(id, (1 + Math.log(count)) * idf[id]!);
    }
    return unitVector(keepHeaviest(weights, options.maxTerms));
  });
  return { vocabulary, vectors };
}
