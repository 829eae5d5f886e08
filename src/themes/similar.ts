// Near-duplicates: the same story from several outlets, found by character shingles and a
// bottom-k MinHash sketch (cheap to build, no pairwise pass over full texts).
import { normalizeText } from './segment.js';

export interface NearDuplicateInput {
  id: string;
  /** Title and body; only letters and digits count, so punctuation and spacing do not matter. */
  text: string;
}

export interface NearDuplicateOptions {
  /** Characters per shingle. */
  shingleSize?: number;
  /** Smallest hashes kept per text. */
  sketchSize?: number;
  /** Estimated Jaccard similarity of the shingle sets at or above which two texts are one story. */
  minJaccard?: number;
  /** Texts with fewer shingles than this are too short to tell. */
  minShingles?: number;
}

const DEFAULTS: Required<NearDuplicateOptions> = {
  shingleSize: 5,
  sketchSize: 128,
  minJaccard: 0.5,
  minShingles: 20,
};

// A value found in more sketches than this pairs each of them with the first only, not with one
// another: a wire story reprinted by a hundred outlets still folds (through the first copy), and a
// boilerplate value does not cost n² pairs.
const MAX_POSTING = 64;
// Two texts with Jaccard ≥ 0.5 share far more sketch values than this (about 2J/(1+J) of them, or
// their whole common part when shorter than a sketch); fewer is not worth an estimate.
const MIN_SHARED_VALUES = 8;

interface Sketch {
  /** The smallest distinct shingle hashes, ascending. */
  hashes: Uint32Array;
  /** Distinct shingles in the whole text. */
  shingleCount: number;
}

/** FNV-1a over the code points of one shingle. */
function hashShingle(codePoints: readonly number[], start: number, size: number): number {
  let hash = 0x811c9dc5;
  for (let offset = 0; offset < size; offset++) {
    hash ^= codePoints[start + offset]!;
    hash = Math.imul(hash, 0x01000193);
  }
  // A final mix so that the smallest values are spread over unrelated shingles.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

function sketchText(text: string, shingleSize: number, sketchSize: number): Sketch {
  const codePoints = Array.from(normalizeText(text).replace(/[^\p{L}\p{N}]+/gu, ''), (c) => c.codePointAt(0)!);
  const shingles = Math.max(0, codePoints.length - shingleSize + 1);
  const hashes = new Uint32Array(shingles);
  for (let start = 0; start < shingles; start++) hashes[start] = hashShingle(codePoints, start, shingleSize);
  hashes.sort();
  const distinct: number[] = [];
  for (const hash of hashes) if (distinct[distinct.length - 1] !== hash) distinct.push(hash);
  return { hashes: Uint32Array.from(distinct.slice(0, sketchSize)), shingleCount: distinct.length };
}

/** Jaccard estimate: of the k smallest hashes of the union, the share found in both sketches. */
function estimateJaccard(a: Sketch, b: Sketch, sketchSize: number): number {
  let i = 0;
  let j = 0;
  let seen = 0;
  let shared = 0;
  while (seen < sketchSize && (i < a.hashes.length || j < b.hashes.length)) {
    const x = i < a.hashes.length ? a.hashes[i]! : Infinity;
    const y = j < b.hashes.length ? b.hashes[j]! : Infinity;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
    seen++;
  }
  return seen === 0 ? 0 : shared / seen;
}

/** Pairs (i < j) that share enough sketch values: the only pairs worth estimating. */
function candidatePairs(sketches: readonly Sketch[]): [number, number][] {
  const postings = new Map<number, number[]>();
  sketches.forEach((sketch, index) => {
    for (const hash of sketch.hashes) {
      const list = postings.get(hash) ?? [];
      list.push(index);
      postings.set(hash, list);
    }
  });
  const shared = new Map<number, number>();
  const count = sketches.length;
  for (const list of postings.values()) {
    const firsts = list.length > MAX_POSTING ? 1 : list.length;
    for (let x = 0; x < firsts; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const key = list[x]! * count + list[y]!;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  return [...shared]
    .filter(([, values]) => values >= MIN_SHARED_VALUES)
    .map(([key]) => key)
    .sort((a, b) => a - b)
    .map((key) => [Math.floor(key / count), key % count]);
}

function findRoot(parents: number[], index: number): number {
  let root = index;
  while (parents[root] !== root) root = parents[root]!;
  while (parents[index] !== root) {
    const next = parents[index]!;
    parents[index] = root;
    index = next;
  }
  return root;
}

/**
 * Groups of near-duplicate texts, as ids in input order; only groups of two or more.
 * One story told by several outlets differs in title, lead and tail but shares most sentences.
 * (A short brief of a long report is not caught: their Jaccard similarity is low, and containment
 * cannot be estimated reliably from sketches of very different sizes.)
 */
export function findNearDuplicates(
  inputs: readonly NearDuplicateInput[],
  options: NearDuplicateOptions = {},
): string[][] {
  const settings = { ...DEFAULTS, ...options };
  const sketches = inputs.map((input) => sketchText(input.text, settings.shingleSize, settings.sketchSize));
  const parents = inputs.map((_, index) => index);
  for (const [i, j] of candidatePairs(sketches)) {
    const a = sketches[i]!;
    const b = sketches[j]!;
    if (Math.min(a.shingleCount, b.shingleCount) < settings.minShingles) continue;
    if (estimateJaccard(a, b, settings.sketchSize) >= settings.minJaccard) {
      const rootI = findRoot(parents, i);
      const rootJ = findRoot(parents, j);
      if (rootI !== rootJ) parents[Math.max(rootI, rootJ)] = Math.min(rootI, rootJ);
    }
  }
  const groups = new Map<number, string[]>();
  inputs.forEach((input, index) => {
    const root = findRoot(parents, index);
    groups.set(root, [...(groups.get(root) ?? []), input.id]);
  });
  return [...groups.values()].filter((group) => group.length > 1);
}
