// Groups a week's articles into themes: near-duplicates folded, taxonomy first, clusters after.
import type { Theme, ThemeInput } from '../model.js';
import { assignStories, type AssignSettings, type Assignment } from './assign.js';
import { clusterKeywords, clusterName, matchedKeywords, rankEntries } from './describe.js';
import { buildFeatures } from './features.js';
import { compileTaxonomy, scoreThemes, type CompiledTaxonomy } from './match.js';
import { DEFAULT_THEME_NAMES, type ThemeNames } from './names.js';
import { isContentWord } from './segment.js';
import type { NearDuplicateOptions } from './similar.js';
import { readStories } from './stories.js';
import type { Taxonomy } from './taxonomy.js';
import { centroid, dot, type SparseVector } from './vectors.js';

export interface GroupOptions extends Partial<AssignSettings> {
  /** Themes defined by keywords; undefined = clustering only. */
  taxonomy?: Taxonomy;
  /** How many body occurrences one title occurrence is worth (TF-IDF and keyword scores). */
  titleWeight?: number;
  /** Only the start of a body is read: the lead says what a story is about, and it bounds the time. */
  maxBodyCharacters?: number;
  /** Terms kept per article vector. */
  maxTerms?: number;
  /** Near-duplicate settings, or false to keep every article as its own entry. */
  nearDuplicates?: NearDuplicateOptions | false;
  /** Names of the 其他要闻 theme and of clusters. */
  names?: ThemeNames;
}

type Settings = Required<Omit<GroupOptions, 'taxonomy'>>;

// Tuned on the first 250 cnews lines and on the seeds and rsshub-page posts.
const DEFAULTS: Settings = {
  minTaxonomyScore: 2,
  minTaxonomyMargin: 1.3,
  joinRelativeSimilarity: 2,
  clusterRelativeSimilarity: 2,
  minClusterSize: 3,
  titleWeight: 3,
  maxBodyCharacters: 3000,
  maxTerms: 150,
  nearDuplicates: {},
  names: DEFAULT_THEME_NAMES,
};

/** Defaults overridden by the options given; an option present but undefined keeps its default. */
function settingsOf(options: GroupOptions): Settings {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...DEFAULTS, ...given };
}

const compiledTaxonomies = new WeakMap<Taxonomy, CompiledTaxonomy>();

/** Keywords segmented once per taxonomy object, not once per call. */
function compiled(taxonomy: Taxonomy): CompiledTaxonomy {
  let result = compiledTaxonomies.get(taxonomy);
  if (!result) {
    result = compileTaxonomy(taxonomy);
    compiledTaxonomies.set(taxonomy, result);
  }
  return result;
}

function articleCount(theme: Theme): number {
  return theme.entries.reduce((sum, entry) => sum + 1 + entry.similar.length, 0);
}

/**
 * Themes ordered by how many articles they hold (其他要闻 last), entries best first.
 * Every article appears exactly once: as an entry, or in the `similar` of the entry shown for it.
 * The result depends on the set of articles only, not on their order.
 */
export function groupByTheme(articles: readonly ThemeInput[], options: GroupOptions = {}): Theme[] {
  const settings = settingsOf(options);
  const stories = readStories(articles, settings);
  const { vocabulary, vectors } = buildFeatures(
    stories.map((story) => ({ title: story.titleTokens.filter(isContentWord), body: story.bodyTokens.filter(isContentWord) })),
    settings,
  );
  const taxonomy = options.taxonomy ? compiled(options.taxonomy) : undefined;
  const themeScores = taxonomy
    ? stories.map((story) => scoreThemes(taxonomy, story.titleTokens, story.bodyTokens, settings.titleWeight))
    : undefined;
  const { assignments, clusters } = assignStories(vectors, themeScores, settings);

  const published = new Map(stories.map((story) => [story.article.id, story.article.published]));
  const buildTheme = (name: string, kind: Theme['kind'], members: readonly number[], keywords: string[]): Theme => {
    const center: SparseVector | undefined = kind === 'other' ? undefined : centroid(members.map((index) => vectors[index]!));
    const entries = members.map((index) => ({
      id: stories[index]!.article.id,
      score: center ? Math.min(1, Math.max(0, dot(vectors[index]!, center))) : 0,
      similar: stories[index]!.similar,
    }));
    return { name, kind, keywords, entries: rankEntries(entries, (id) => published.get(id)!) };
  };
  const membersOf = (test: (assignment: Assignment) => boolean): number[] =>
    assignments.flatMap((assignment, index) => (test(assignment) ? [index] : []));

  const themes: Theme[] = [];
  taxonomy?.names.forEach((name, theme) => {
    const members = membersOf((a) => a.kind === 'taxonomy' && a.theme === theme);
    if (members.length === 0) return;
    const keywords = matchedKeywords(members.map((index) => themeScores![index]!.matched[theme]!));
    themes.push(buildTheme(name, 'taxonomy', members, keywords));
  });
  const taken = new Set(themes.map((theme) => theme.name));
  for (const members of clusters) {
    const keywords = clusterKeywords(members, vectors, vocabulary);
    const name = clusterName(keywords, settings.names, taken);
    taken.add(name);
    themes.push(buildTheme(name, 'cluster', members, keywords));
  }
  // Stable: equal sizes keep taxonomy order, then cluster order.
  themes.sort((a, b) => articleCount(b) - articleCount(a));
  const others = membersOf((a) => a.kind === 'other');
  if (others.length > 0) themes.push(buildTheme(settings.names.other, 'other', others, []));
  return themes;
}
