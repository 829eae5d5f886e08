// Sparse term vectors and the cosine arithmetic grouping needs.

/** Term ids in ascending order with their weights; unit length unless said otherwise. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

/** A vector from term id → weight, scaled to unit length (all zero stays all zero). */
export function unitVector(weightsById: Map<number, number>): SparseVector {
  const ids = Int32Array.from(weightsById.keys()).sort();
  const weights = new Float64Array(ids.length);
  let squares = 0;
  ids.forEach((id, index) => {
    const weight = weightsById.get(id) ?? 0;
    weights[index] = weight;
    squares += weight * weight;
  });
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let index = 0; index < weights.length; index++) weights[index]! /= norm;
  return { ids, weights };
}

/** Dot product; the cosine when both have unit length. */
export function dot(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) sum += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** The direction of a group of vectors: their sum at unit length. */
export function centroid(vectors: readonly SparseVector[]): SparseVector {
  const sum = new Map<number, number>();
  for (const vector of vectors) {
    vector.ids.forEach((id, index) => sum.set(id, (sum.get(id) ?? 0) + vector.weights[index]!));
  }
  return unitVector(sum);
}

/** The ids of the heaviest terms, heaviest first (ties: lower id first). */
export function topTermIds(vector: SparseVector, count: number): number[] {
  return Array.from(vector.ids.keys())
    .sort((a, b) => vector.weights[b]! - vector.weights[a]! || vector.ids[a]! - vector.ids[b]!)
    .slice(0, count)
    .map((index) => vector.ids[index]!);
}

/** The vector without some of its terms, at unit length again (the same vector when none is dropped). */
export function withoutTerms(vector: SparseVector, drop: (id: number) => boolean): SparseVector {
  if (!vector.ids.some(drop)) return vector;
  const kept = new Map<number, number>();
  vector.ids.forEach((id, index) => {
    if (!drop(id)) kept.set(id, vector.weights[index]!);
  });
  return unitVector(kept);
}
