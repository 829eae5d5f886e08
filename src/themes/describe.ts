// What a theme shows: its keywords, its name (for clusters) and the order of its entries.
import type { ThemeEntry } from '../model.js';
import type { ThemeNames } from './names.js';
import { isCharacterTerm } from './short-text.js';
import { centroid, topTermIds, type SparseVector } from './vectors.js';

// Keywords listed for a theme, and how many of them name a cluster.
const THEME_KEYWORDS = 5;
const CLUSTER_NAME_KEYWORDS = 2;

/** A cluster's most telling words: heavy in its centroid and used by at least half of its stories. */
export function clusterKeywords(
  members: readonly number[],
  vectors: readonly SparseVector[],
  vocabulary: readonly string[],
): string[] {
  const center = centroid(members.map((index) => vectors[index]!));
  const sharedBy = (id: number): number => members.filter((index) => vectors[index]!.ids.includes(id)).length;
  const ranked = topTermIds(center, 50).filter((id) => !isCharacterTerm(vocabulary[id]!));
  const common = ranked.filter((id) => sharedBy(id) * 2 >= members.length);
  return (common.length >= CLUSTER_NAME_KEYWORDS ? common : ranked).slice(0, THEME_KEYWORDS).map((id) => vocabulary[id]!);
}

/** 热点：留抵退税·小微企业; one more keyword while the name is taken. */
export function clusterName(keywords: readonly string[], names: ThemeNames, taken: ReadonlySet<string>): string {
  let count = CLUSTER_NAME_KEYWORDS;
  const nameOf = (): string => names.clusterPrefix + keywords.slice(0, count).join(names.clusterSeparator);
  while (taken.has(nameOf()) && count < keywords.length) count++;
  return nameOf();
}

/** Keywords of a taxonomy theme that its stories matched, the most telling first. */
export function matchedKeywords(matches: readonly ReadonlyMap<string, number>[]): string[] {
  const totals = new Map<string, number>();
  for (const match of matches) for (const [keyword, value] of match) totals.set(keyword, (totals.get(keyword) ?? 0) + value);
  return [...totals]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, THEME_KEYWORDS)
    .map(([keyword]) => keyword);
}

/**
 * Relevance first (0.7 × score), recency second (0.3 × place between the oldest and the newest
 * entry), and a little (0.05 each, up to 3) for a story several outlets carried.
 */
export function rankEntries(entries: readonly ThemeEntry[], publishedOf: (id: string) => Date): ThemeEntry[] {
  const times = entries.map((entry) => publishedOf(entry.id).getTime());
  const oldest = times.reduce((a, b) => Math.min(a, b), Infinity);
  const span = times.reduce((a, b) => Math.max(a, b), -Infinity) - oldest;
  const rank = (entry: ThemeEntry, time: number): number =>
    0.7 * entry.score + 0.3 * (span > 0 ? (time - oldest) / span : 1) + 0.05 * Math.min(entry.similar.length, 3);
  return entries
    .map((entry, index) => ({ entry, key: rank(entry, times[index]!), time: times[index]! }))
    .sort((a, b) => b.key - a.key || b.time - a.time || (a.entry.id < b.entry.id ? -1 : 1))
    .map(({ entry }) => entry);
}
