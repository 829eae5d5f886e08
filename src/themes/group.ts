// Groups a week's articles into themes: near-duplicates folded, a learned model and the taxonomy
// first, clusters after.
import type { Theme, ThemeInput } from '../model.js';
import { assignStories, bestTheme, type AssignSettings, type Assignment, type NamedMatches } from './assign.js';
import { clusterKeywords, clusterName, matchedKeywords, rankEntries } from './describe.js';
import { buildFeatures } from './features.js';
import { compileTaxonomy, scoreThemes, type CompiledTaxonomy, type ThemeScores } from './match.js';
import { DEFAULT_THEME_NAMES, type ThemeNames } from './names.js';
import { isContentWord } from './segment.js';
import type { NearDuplicateOptions } from './similar.js';
import { characterPairs, hanCharacters, isShortText, isSingleCharacter, shortTextTerms } from './short-text.js';
import { readStories, type Story } from './stories.js';
import type { Taxonomy } from './taxonomy.js';
import { compileThemeModel, predictTerms, themeEvidence, type CompiledThemeModel, type ThemeModel } from './theme-model.js';
import { centroid, dot, withoutTerms, type SparseVector } from './vectors.js';

export interface GroupOptions extends Partial<AssignSettings> {
  /** Themes defined by keywords; undefined = clustering only. */
  taxonomy?: Taxonomy;
  /** Themes taught by example (theme-model.ts), used before the taxonomy's keywords. */
  model?: ThemeModel;
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

type Settings = Required<Omit<GroupOptions, 'taxonomy' | 'model'>>;

// Tuned on the first 250 cnews lines and on the seeds and rsshub-page posts.
const DEFAULTS: Settings = {
  // Chosen on THUCNews dev titles 8,001-10,000 (a model trained on 1-8,000) and TNEWS dev: a
  // model's unsure best guess is still right more often than the nearest theme by shared words.
  minModelConfidence: 0.2,
  // A model taught two themes put every rsshub-page post in one of them without it; with it the
  // posts off both go to the taxonomy, at a cost of 0.001 on THUCNews and 0.017 on TNEWS.
  minModelEvidence: 0.2,
  minTaxonomyScore: 2,
  minTaxonomyMargin: 1.3,
  joinRelativeSimilarity: 2,
  clusterRelativeSimilarity: 2,
  // Chosen on THUCNews titles 1-2,000 (1 to 2 tried; cnews lines 1-250 keep the 2 of long articles).
  shortClusterRelativeSimilarity: 1.25,
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

let compiledModel: CompiledThemeModel | undefined;
let compiledModelId: string | undefined;

/**
 * A model compiled once per id: the theme thread receives a fresh copy of it with every batch,
 * and compiling 80,000 terms costs more than predicting a week's articles.
 */
function compiledThemeModel(model: ThemeModel): CompiledThemeModel {
  if (compiledModelId !== model.id || !compiledModel) {
    compiledModel = compileThemeModel(model);
    compiledModelId = model.id;
  }
  return compiledModel;
}

/** Names of the taxonomy's themes, then of the model's themes the taxonomy does not have. */
function namedThemes(taxonomy: CompiledTaxonomy | undefined, model: CompiledThemeModel | undefined): string[] {
  const names = [...(taxonomy?.names ?? [])];
  for (const name of model?.themes ?? []) if (!names.includes(name)) names.push(name);
  return names;
}

/**
 * The named theme each story belongs to with confidence: the model's prediction when it is sure
 * enough (it was taught on the operator's own themes), else a confident keyword match. The likely
 * theme: the keywords' best theme when they point two ways, else the model's best guess.
 */
function matchNamedThemes(
  stories: readonly Story[],
  names: readonly string[],
  model: CompiledThemeModel | undefined,
  themeScores: readonly ThemeScores[] | undefined,
  settings: Settings,
): NamedMatches {
  const modelThemes = model?.themes.map((name) => names.indexOf(name));
  const matches: NamedMatches = { confident: [], likely: [] };
  stories.forEach((story, index) => {
    let guess: number | undefined;
    if (model && modelThemes) {
      const terms = shortTextTerms(story.article.title, story.titleTokens, story.article.text, story.bodyTokens.slice(0, model.maxBodyWords), model);
      const probabilities = predictTerms(model, terms);
      let best = 0;
      probabilities.forEach((probability, theme) => {
        if (probability > probabilities[best]!) best = theme;
      });
      guess = modelThemes[best]!;
      const sure = probabilities[best]! >= settings.minModelConfidence && themeEvidence(model, terms, best) >= settings.minModelEvidence;
      if (sure) {
        matches.confident.push(guess);
        matches.likely.push(guess);
        return;
      }
    }
    const keywords = themeScores ? bestTheme(themeScores[index]!.scores, settings) : undefined;
    matches.confident.push(keywords?.confident ? keywords.theme : undefined);
    matches.likely.push(keywords?.theme ?? guess);
  });
  return matches;
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
  const short = stories.map((story) => isShortText(story.article.text));
  const { vocabulary, vectors: clusterVectors } = buildFeatures(
    stories.map((story, index) => ({
      title: story.titleTokens.filter(isContentWord),
      // The title's character pairs, counted like body words: two headlines often share no word
      // as jieba cuts them, but share 湖人 in 湖人队 or 楼市 in 楼市调控. A headline alone also
      // brings its characters: 球, 股, 房 say what it is about when no word is shared.
      body: [
        ...story.bodyTokens.filter(isContentWord),
        ...characterPairs(story.article.title),
        ...(short[index] ? hanCharacters(story.article.title) : []),
      ],
    })),
    settings,
  );
  // Joins to named themes go by words and pairs: a headline's characters are shared with many
  // headlines of other themes, and would pull it into the wrong one.
  const vectors = clusterVectors.map((vector) => withoutTerms(vector, (id) => isSingleCharacter(vocabulary[id]!)));
  const taxonomy = options.taxonomy ? compiled(options.taxonomy) : undefined;
  const model = options.model ? compiledThemeModel(options.model) : undefined;
  const themeScores = taxonomy
    ? stories.map((story) => scoreThemes(taxonomy, story.titleTokens, story.bodyTokens, settings.titleWeight))
    : undefined;
  const names = namedThemes(taxonomy, model);
  const named = names.length > 0 ? matchNamedThemes(stories, names, model, themeScores, settings) : undefined;
  const shortShare = short.filter(Boolean).length / Math.max(1, stories.length);
  const { assignments, clusters } = assignStories(vectors, named, settings, { clusterVectors, shortShare });

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
  names.forEach((name, theme) => {
    const members = membersOf((a) => a.kind === 'taxonomy' && a.theme === theme);
    if (members.length === 0) return;
    // A model's theme (or a taxonomy theme its stories reached through the model) is described
    // by the words its stories share, as a cluster is.
    const matched = themeScores && theme < taxonomy!.names.length ? matchedKeywords(members.map((index) => themeScores[index]!.matched[theme]!)) : [];
    themes.push(buildTheme(name, 'taxonomy', members, matched.length > 0 ? matched : clusterKeywords(members, vectors, vocabulary)));
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
