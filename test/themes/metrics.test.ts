import { describe, expect, it } from 'vitest';
import { scoreGrouping } from '../../src/themes/metrics.js';

describe('scoreGrouping', () => {
  // Labels a a a b b b, groups x x y y z z: contingency x={a:2}, y={a:1,b:1}, z={b:2}.
  const labels = ['a', 'a', 'a', 'b', 'b', 'b'];
  const groups = ['x', 'x', 'y', 'y', 'z', 'z'];

  it('computes ARI by hand: (Σ C(nij,2) − expected) / (max − expected)', () => {
    // Σ C(nij,2) = 1 + 1 = 2; groups Σ C = 3; labels Σ C = 6; C(6,2) = 15;
    // expected = 3·6/15 = 1.2; max = (3+6)/2 = 4.5; ARI = 0.8/3.3.
    expect(scoreGrouping(labels, groups).ari).toBeCloseTo(0.8 / 3.3, 10);
  });

  it('computes NMI with the arithmetic mean of the entropies', () => {
    // MI = ⅓ ln 2 + ⅓ ln 2 (the mixed group adds 0); H(labels) = ln 2; H(groups) = ln 3.
    const expected = ((2 / 3) * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2);
    expect(scoreGrouping(labels, groups).nmi).toBeCloseTo(expected, 10);
  });

  it('maps each group to its majority label for purity and accuracy', () => {
    const scores = scoreGrouping(labels, groups);
    expect(scores.purity).toBeCloseTo(5 / 6, 10);
    expect(scores.accuracy).toBeCloseTo(5 / 6, 10);
    expect(scores.unassignedShare).toBe(0);
  });

  it('counts the unassigned group as wrong for accuracy but as a group for purity', () => {
    const scores = scoreGrouping(labels, groups, 'y');
    expect(scores.accuracy).toBeCloseTo(4 / 6, 10);
    expect(scores.purity).toBeCloseTo(5 / 6, 10);
    expect(scores.unassignedShare).toBeCloseTo(2 / 6, 10);
  });

  it('gives 1 for the same partition under other names', () => {
    const scores = scoreGrouping(['a', 'a', 'b', 'c', 'c'], ['q', 'q', 'r', 'p', 'p']);
    expect(scores).toMatchObject({ ari: 1, purity: 1, accuracy: 1 });
    expect(scores.nmi).toBeCloseTo(1, 10);
  });

  it('gives 0 for one group holding every label', () => {
    const scores = scoreGrouping(['a', 'a', 'b', 'b'], ['x', 'x', 'x', 'x']);
    expect(scores.ari).toBeCloseTo(0, 10);
    expect(scores.nmi).toBeCloseTo(0, 10);
    expect(scores.purity).toBe(0.5);
  });

  it('refuses lists of different lengths', () => {
    expect(() => scoreGrouping(['a'], ['x', 'y'])).toThrow(/1 true labels but 2 predictions/);
  });
});
