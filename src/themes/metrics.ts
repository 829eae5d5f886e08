// How well predicted groups agree with true labels: accuracy, purity, ARI, NMI.

export interface GroupingScores {
  /**
   * Each predicted group stands for its majority true label; an article counts as right when its
   * label is its group's. Articles in the `unassigned` group (其他要闻) count as wrong: it names no label.
   */
  accuracy: number;
  /** The same majority mapping with the unassigned group treated like any other group. */
  purity: number;
  /** Adjusted Rand index (Hubert & Arabie): 1 = the same partition, about 0 = chance. */
  ari: number;
  /** Normalized mutual information, arithmetic-mean normalization (as scikit-learn's default). */
  nmi: number;
  /** Share of articles in the unassigned group. */
  unassignedShare: number;
}

/** Counts per (predicted, true) pair, with the row and column totals. */
interface Contingency {
  cells: Map<string, Map<string, number>>;
  predictedTotals: Map<string, number>;
  trueTotals: Map<string, number>;
  total: number;
}

function contingency(trueLabels: readonly string[], predicted: readonly string[]): Contingency {
  if (trueLabels.length !== predicted.length) {
    throw new Error(`Cannot compare groupings: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  }
  const cells = new Map<string, Map<string, number>>();
  const predictedTotals = new Map<string, number>();
  const trueTotals = new Map<string, number>();
  trueLabels.forEach((label, index) => {
    const group = predicted[index]!;
    const row = cells.get(group) ?? new Map<string, number>();
    row.set(label, (row.get(label) ?? 0) + 1);
    cells.set(group, row);
    predictedTotals.set(group, (predictedTotals.get(group) ?? 0) + 1);
    trueTotals.set(label, (trueTotals.get(label) ?? 0) + 1);
  });
  return { cells, predictedTotals, trueTotals, total: trueLabels.length };
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

function adjustedRandIndex(table: Contingency): number {
  let index = 0;
  for (const row of table.cells.values()) for (const count of row.values()) index += pairs(count);
  let predictedPairs = 0;
  for (const count of table.predictedTotals.values()) predictedPairs += pairs(count);
  let truePairs = 0;
  for (const count of table.trueTotals.values()) truePairs += pairs(count);
  const expected = (predictedPairs * truePairs) / pairs(table.total);
  const maximum = (predictedPairs + truePairs) / 2;
  // Both partitions trivial (all one group, or all singletons): they agree perfectly.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

function entropy(totals: Iterable<number>, total: number): number {
  let sum = 0;
  for (const count of totals) if (count > 0) sum -= (count / total) * Math.log(count / total);
  return sum;
}

function normalizedMutualInformation(table: Contingency): number {
  const n = table.total;
  let mutual = 0;
  for (const [group, row] of table.cells) {
    const groupTotal = table.predictedTotals.get(group)!;
    for (const [label, count] of row) {
      mutual += (count / n) * Math.log((n * count) / (groupTotal * table.trueTotals.get(label)!));
    }
  }
  const mean = (entropy(table.predictedTotals.values(), n) + entropy(table.trueTotals.values(), n)) / 2;
  // Both partitions a single group: nothing to be uncertain about, they agree.
  if (mean === 0) return 1;
  return Math.max(0, mutual / mean);
}

/** Compares predicted groups with true labels, one of each per article. */
export function scoreGrouping(
  trueLabels: readonly string[],
  predicted: readonly string[],
  unassigned?: string,
): GroupingScores {
  const table = contingency(trueLabels, predicted);
  if (table.total === 0) return { accuracy: 0, purity: 0, ari: 0, nmi: 0, unassignedShare: 0 };
  let majoritySum = 0;
  let assignedMajoritySum = 0;
  for (const [group, row] of table.cells) {
    const majority = Math.max(...row.values());
    majoritySum += majority;
    if (group !== unassigned) assignedMajoritySum += majority;
  }
  return {
    accuracy: assignedMajoritySum / table.total,
    purity: majoritySum / table.total,
    ari: adjustedRandIndex(table),
    nmi: normalizedMutualInformation(table),
    unassignedShare: (unassigned === undefined ? 0 : (table.predictedTotals.get(unassigned) ?? 0)) / table.total,
  };
}
