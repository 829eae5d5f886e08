import { describe, expect, it } from 'vitest';
import { clusterByAverageLink } from '../../src/themes/cluster.js';
import { unitVector } from '../../src/themes/vectors.js';

const vector = (weights: Record<number, number>) => unitVector(new Map(Object.entries(weights).map(([id, w]) => [Number(id), w])));

describe('clusterByAverageLink', () => {
  const vectors = [
    vector({ 0: 1, 1: 1 }), // 0: topic A
    vector({ 5: 1, 6: 1 }), // 1: topic B
    vector({ 0: 1, 1: 0.8 }), // 2: topic A
    vector({ 5: 1, 6: 0.9, 7: 0.1 }), // 3: topic B
    vector({ 9: 1 }), // 4: alone
    vector({ 0: 0.9, 1: 1, 2: 0.2 }), // 5: topic A
  ];

  it('merges while the mean similarity between groups reaches the threshold', () => {
    expect(clusterByAverageLink(vectors, 0.5)).toEqual([[0, 2, 5], [1, 3], [4]]);
  });

  it('keeps everything apart above every similarity, and together at zero', () => {
    expect(clusterByAverageLink(vectors, 1.01)).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(clusterByAverageLink(vectors, 0)).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  it('handles no vectors and one vector', () => {
    expect(clusterByAverageLink([], 0.5)).toEqual([]);
    expect(clusterByAverageLink([vector({ 1: 1 })], 0.5)).toEqual([[0]]);
  });
});
