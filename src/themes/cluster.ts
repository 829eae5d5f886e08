// Average-link agglomerative clustering on cosine similarity, cut at a threshold.
import type { SparseVector } from './vectors.js';

/** Position of the pair (i, j), i > j, in a packed lower triangle. */
function pairIndex(i: number, j: number): number {
  return i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i;
}

/**
 * All pairwise cosines as a packed lower triangle, through an inverted index (postings in article
 * order, in flat typed arrays) so that only pairs sharing a term cost anything.
 */
function similarityMatrix(vectors: readonly SparseVector[]): Float32Array {
  const count = vectors.length;
  const similarities = new Float32Array((count * (count - 1)) / 2);
  let termCount = 0;
  for (const vector of vectors) for (const id of vector.ids) termCount = Math.max(termCount, id + 1);
  const starts = new Int32Array(termCount + 1);
  for (const vector of vectors) for (const id of vector.ids) starts[id + 1]!++;
  for (let id = 0; id < termCount; id++) starts[id + 1]! += starts[id]!;
  const postingArticles = new Int32Array(starts[termCount]!);
  const postingWeights = new Float64Array(starts[termCount]!);
  // Postings filled so far per term: exactly the articles before the current one.
  const filled = new Int32Array(termCount);
  vectors.forEach((vector, article) => {
    const rowStart = (article * (article - 1)) / 2;
    for (let index = 0; index < vector.ids.length; index++) {
      const id = vector.ids[index]!;
      const weight = vector.weights[index]!;
      const start = starts[id]!;
      const end = start + filled[id]!;
      for (let posting = start; posting < end; posting++) {
        similarities[rowStart + postingArticles[posting]!]! += weight * postingWeights[posting]!;
      }
      postingArticles[end] = article;
      postingWeights[end] = weight;
      filled[id]!++;
    }
  });
  return similarities;
}

/**
 * Groups of vectors (indexes into the input, ascending) merged while the mean similarity between
 * two groups is at least `threshold` (average linkage). Uses the nearest-neighbour chain, O(n²)
 * time and memory, deterministic: ties go to the lower index. Groups come in order of their
 * lowest member.
 */
export function clusterByAverageLink(vectors: readonly SparseVector[], threshold: number): number[][] {
  const similarities = similarityMatrix(vectors);
  const similarity = (a: number, b: number): number => similarities[pairIndex(a, b)]!;
  const members: number[][] = vectors.map((_, index) => [index]);
  // Clusters still able to merge; a cluster whose best partner is below the threshold is done.
  const open = new Set<number>(members.keys());
  const chain: number[] = [];

  while (open.size > 1) {
    if (chain.length === 0) chain.push(open.values().next().value!);
    const current = chain[chain.length - 1]!;
    const previous = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // Prefer the previous link on ties, which is what guarantees the chain ends.
    let best = previous;
    let bestSimilarity = previous >= 0 ? similarity(current, previous) : -Infinity;
    for (const other of open) {
      if (other === current) continue;
      const value = similarity(current, other);
      if (value > bestSimilarity || (value === bestSimilarity && best !== previous && other < best)) {
        best = other;
        bestSimilarity = value;
      }
    }
    if (best < 0 || bestSimilarity < threshold) {
      // An average never rises by merging, so this cluster will not grow any more.
      open.delete(current);
      chain.pop();
      continue;
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    chain.length -= 2;
    const kept = Math.min(current, best);
    const gone = Math.max(current, best);
    const keptSize = members[kept]!.length;
    const goneSize = members[gone]!.length;
    open.delete(gone);
    for (const other of open) {
      if (other === kept) continue;
      similarities[pairIndex(kept, other)] =
        (keptSize * similarity(kept, other) + goneSize * similarity(gone, other)) / (keptSize + goneSize);
    }
    members[kept] = [...members[kept]!, ...members[gone]!].sort((a, b) => a - b);
    members[gone] = [];
  }
  return members.filter((group) => group.length > 0);
}
