// Which group each story belongs to: confident matches of a named theme (the learned model's or the
// taxonomy's), then the nearest named theme, then clusters of what is left.
//
// Similarities are judged relative to the batch's mean similarity between two stories: cosines of
// long articles run far lower than those of short ones, and boilerplate lifts them all, so no
// absolute cosine threshold fits every batch; "twice as alike as two stories picked at random" does.
import { clusterByAverageLink } from './cluster.js';
import { dot, type SparseVector } from './vectors.js';

export interface AssignSettings {
  /** A learned model's prediction is taken when its probability is at least this... */
  minModelConfidence: number;
  /** ...and at least this share of the story's words and character pairs are the theme's (theme-model.ts). */
  minModelEvidence: number;
  /** A taxonomy match is confident when its score is at least this... */
  minTaxonomyScore: number;
  /** ...and at least this many times the runner-up's. */
  minTaxonomyMargin: number;
  /** An unmatched story joins the taxonomy theme it is most alike, when its mean similarity to the
   * theme's stories is at least this many times the batch's mean similarity. */
  joinRelativeSimilarity: number;
  /** Leftover stories cluster while a cluster's mean similarity to another is at least this many
   * times the batch's mean similarity... */
  clusterRelativeSimilarity: number;
  /** ...or this many times, in a batch of headlines only (short-text.ts); in between for a mix.
   * Two headlines of one theme share a word or a few characters, two long articles of one theme
   * share many words: relative to the batch's mean, headlines of a theme stand out less. */
  shortClusterRelativeSimilarity: number;
  /** Smallest cluster that becomes a theme of its own. */
  minClusterSize: number;
}

export type Assignment =
  | { kind: 'taxonomy'; theme: number; confident: boolean }
  | { kind: 'cluster'; cluster: number }
  | { kind: 'other' };

export interface Assignments {
  /** One per story. */
  assignments: Assignment[];
  /** Members of each cluster theme, story indexes ascending. */
  clusters: number[][];
}

/** The sum of some vectors, not normalized: its dot with v is the total similarity to them. */
function sumOf(vectors: readonly SparseVector[]): SparseVector {
  const sum = new Map<number, number>();
  for (const vector of vectors) vector.ids.forEach((id, index) => sum.set(id, (sum.get(id) ?? 0) + vector.weights[index]!));
  const ids = Int32Array.from(sum.keys()).sort();
  return { ids, weights: Float64Array.from(ids, (id) => sum.get(id)!) };
}

/** Mean cosine over all pairs of distinct stories, from |Σv|² = n + Σ_{i≠j} vᵢ·vⱼ. */
function meanPairSimilarity(vectors: readonly SparseVector[]): number {
  const count = vectors.length;
  if (count < 2) return 1;
  const sum = sumOf(vectors);
  const nonEmpty = vectors.filter((vector) => vector.ids.length > 0).length;
  // Guard: a batch of stories sharing no word at all has nothing to cluster anyway.
  return Math.max(1e-9, (dot(sum, sum) - nonEmpty) / (count * (count - 1)));
}

/** Per story, the named theme it matches with confidence, and the one it most likely belongs to. */
export interface NamedMatches {
  confident: (number | undefined)[];
  /** Taken only when the story neither joins a named theme nor clusters with others. */
  likely: (number | undefined)[];
}

/** The taxonomy theme a story's keywords point to, and whether they do so with confidence. */
export function bestTheme(
  scores: Float64Array,
  settings: Pick<AssignSettings, 'minTaxonomyScore' | 'minTaxonomyMargin'>,
): { theme: number; confident: boolean } | undefined {
  let best = -1;
  let bestScore = 0;
  let runnerUp = 0;
  scores.forEach((score, theme) => {
    if (score > bestScore) {
      runnerUp = bestScore;
      best = theme;
      bestScore = score;
    } else if (score > runnerUp) runnerUp = score;
  });
  if (best < 0 || bestScore < settings.minTaxonomyScore) return undefined;
  return { theme: best, confident: bestScore >= settings.minTaxonomyMargin * runnerUp };
}

/** Confident matches, then the nearest named theme for the rest when it is alike enough. */
function assignNamed(
  vectors: readonly SparseVector[],
  confident: readonly (number | undefined)[],
  settings: AssignSettings,
  meanSimilarity: number,
): Assignment[] {
  const members = new Map<number, SparseVector[]>();
  confident.forEach((theme, index) => {
    if (theme !== undefined) members.set(theme, [...(members.get(theme) ?? []), vectors[index]!]);
  });
  // A theme's stories teach it words beyond its keywords: names, places, jargon.
  const themes = [...members].map(([theme, list]) => ({ theme, sum: sumOf(list), size: list.length }));
  const minSimilarity = settings.joinRelativeSimilarity * meanSimilarity;
  return vectors.map((vector, index): Assignment => {
    const theme = confident[index];
    if (theme !== undefined) return { kind: 'taxonomy', theme, confident: true };
    let nearest: Assignment = { kind: 'other' };
    let nearestSimilarity = minSimilarity;
    for (const candidate of themes) {
      const similarity = dot(vector, candidate.sum) / candidate.size;
      if (similarity >= nearestSimilarity && (nearest.kind === 'other' || similarity > nearestSimilarity)) {
        nearest = { kind: 'taxonomy', theme: candidate.theme, confident: false };
        nearestSimilarity = similarity;
      }
    }
    return nearest;
  });
}

/** What the leftovers are clustered by. */
export interface ClusterInput {
  /** One per story: its vector with what helps headlines meet (their characters), which would
   * pull a headline into the wrong named theme if joins went by it. */
  clusterVectors: readonly SparseVector[];
  /** The share of the batch's stories that are headlines or short items. */
  shortShare: number;
}

/**
 * The last argument says what the leftovers are clustered by.
 * `named` gives, per story, the named theme it matches with confidence and the one it most likely
 * belongs to (undefined: none); undefined altogether when there are no named themes.
 */
export function assignStories(
  vectors: readonly SparseVector[],
  named: NamedMatches | undefined,
  settings: AssignSettings,
  { clusterVectors, shortShare }: ClusterInput,
): Assignments {
  const meanSimilarity = meanPairSimilarity(vectors);
  const assignments: Assignment[] = named
    ? assignNamed(vectors, named.confident, settings, meanSimilarity)
    : vectors.map(() => ({ kind: 'other' }));

  const leftovers = [...assignments.keys()].filter((index) => assignments[index]!.kind === 'other');
  const leftoverVectors = leftovers.map((index) => clusterVectors[index]!);
  const relative = settings.clusterRelativeSimilarity + (settings.shortClusterRelativeSimilarity - settings.clusterRelativeSimilarity) * shortShare;
  const clusters = clusterByAverageLink(leftoverVectors, relative * meanPairSimilarity(clusterVectors))
    .map((group) => group.map((position) => leftovers[position]!))
    .filter((group) => group.length >= settings.minClusterSize);
  clusters.forEach((members, cluster) => {
    for (const index of members) assignments[index] = { kind: 'cluster', cluster };
  });
  // A headline whose keywords point two ways, with no story alike enough to join, still reads
  // better under its likeliest named theme than under 其他要闻.
  assignments.forEach((assignment, index) => {
    const likely = named?.likely[index];
    if (assignment.kind === 'other' && likely !== undefined) assignments[index] = { kind: 'taxonomy', theme: likely, confident: false };
  });
  return { assignments, clusters };
}
