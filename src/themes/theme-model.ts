// Themes taught by example: a multinomial naive Bayes model over short-text terms (short-text.ts),
// each example weighted by TF-IDF at unit length so that a long article counts as much as a
// headline. Training is counting, so it is fast, and the same examples always give the same
// model. The stored form is plain JSON (term → document frequency and per-theme weights).
import { sha256 } from '../util/hash.js';
import { tokenize } from './segment.js';
import { isSingleCharacter, shortTextTerms } from './short-text.js';

export const MODEL_FORMAT = 'zhoukan-theme-model';
export const MODEL_VERSION = 1;

/** One labelled example: a title, and the text when there is one. */
export interface ThemeExample {
  theme: string;
  title: string;
  text: string;
}

export interface ThemeModel {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** A hash of the rest: the same examples give the same id (the theme thread compiles a model once per id). */
  id: string;
  /** Theme names, in the order of the per-theme arrays. */
  themes: string[];
  /** Examples per theme. */
  examples: number[];
  /** Additive smoothing of the per-theme term weights. */
  smoothing: number;
  /** How many body occurrences one title occurrence is worth. */
  titleWeight: number;
  /** Words of an example's text that are read (its lead: enough to say what it is about). */
  maxBodyWords: number;
  /** Scales the log scores before the softmax so that probabilities match the cross-validated hit rate. */
  sharpness: number;
  /** How the model did on examples it had not learned from (leave-one-out); absent when not asked for. */
  crossValidation?: CrossValidation;
  /** Every term, in the order the examples first use it. */
  terms: string[];
  /** Per term, how many examples contain it. */
  documentFrequency: number[];
  /** Per theme, [term index, summed weight, term index, summed weight, …] for the terms it uses. */
  weights: number[][];
}

export interface CrossValidation {
  /** Each example predicted by the model without it (its own counts taken out). */
  method: 'leave-one-out';
  accuracy: number;
  /** Per theme: examples, and how many were predicted right. */
  perTheme: { theme: string; examples: number; correct: number }[];
}

export interface TrainOptions {
  smoothing: number;
  titleWeight: number;
  maxBodyWords: number;
  /** Leave-one-out cross-validation: the accuracy reported and the sharpness of the probabilities. */
  crossValidate: boolean;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  // Chosen on the first 8,000 THUCNews dev titles (the other 2,000 held out): 0.1-1 are within 1%.
  smoothing: 0.3,
  titleWeight: 3,
  maxBodyWords: 500,
  crossValidate: true,
};

/** A story's terms as ids into a vocabulary, with their counts. */
interface EncodedTerms {
  ids: Int32Array;
  counts: Float64Array;
}

interface EncodedExample extends EncodedTerms {
  theme: number;
}

/** Terms as ids; with `grow`, unknown terms are added to the vocabulary, else left out. */
function encodeTerms(terms: ReadonlyMap<string, number>, index: Map<string, number>, grow: boolean): EncodedTerms {
  const ids = new Int32Array(terms.size);
  const counts = new Float64Array(terms.size);
  let length = 0;
  for (const [term, count] of terms) {
    let id = index.get(term);
    if (id === undefined && grow) index.set(term, (id = index.size));
    if (id === undefined) continue;
    ids[length] = id;
    counts[length++] = count;
  }
  return { ids: ids.subarray(0, length), counts: counts.subarray(0, length) };
}

/**
 * The counts a model is made of. Flat arrays, not one small array per term: a model of 10,000
 * headlines has 80,000 terms, and that many little objects cost more than the counting.
 */
interface Counts {
  themes: string[];
  examples: number[];
  /** Per term id: examples containing it (0: a term this model has not seen). */
  documentFrequency: Int32Array;
  /** Weight of term t in theme k at t × themes + k. */
  weights: Float64Array;
  total: number;
}

/** Rounds to 4 significant digits: the stored model stays small and its text reproducible. */
function round(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** (3 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** log(1 + tf) × idf at unit length, aligned with `terms.ids`; a term of idf 0 (unseen) weighs nothing. */
function weighTerms(terms: EncodedTerms, idf: Float64Array): Float64Array {
  const weights = new Float64Array(terms.ids.length);
  let squares = 0;
  for (let at = 0; at < weights.length; at++) {
    const weight = (1 + Math.log(terms.counts[at]!)) * idf[terms.ids[at]!]!;
    weights[at] = weight;
    squares += weight * weight;
  }
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let at = 0; at < weights.length; at++) weights[at]! /= norm;
  return weights;
}

/** Smoothed IDF; 0 for a term no example contains. */
function inverseDocumentFrequencies(documentFrequency: Int32Array, examples: number): Float64Array {
  const idf = new Float64Array(documentFrequency.length);
  for (let id = 0; id < idf.length; id++) {
    const frequency = documentFrequency[id]!;
    if (frequency > 0) idf[id] = Math.log((examples + 1) / (frequency + 1)) + 1;
  }
  return idf;
}

function countExamples(examples: readonly EncodedExample[], themes: readonly string[], vocabularySize: number): Counts {
  const documentFrequency = new Int32Array(vocabularySize);
  for (const example of examples) for (const id of example.ids) documentFrequency[id]!++;
  const idf = inverseDocumentFrequencies(documentFrequency, examples.length);
  const themeCount = themes.length;
  const weights = new Float64Array(vocabularySize * themeCount);
  const perTheme = themes.map(() => 0);
  for (const example of examples) {
    perTheme[example.theme]!++;
    const weighted = weighTerms(example, idf);
    for (let at = 0; at < weighted.length; at++) weights[example.ids[at]! * themeCount + example.theme]! += weighted[at]!;
  }
  return { themes: [...themes], examples: perTheme, documentFrequency, weights, total: examples.length };
}

/** What prediction needs: log-likelihoods per term, log priors. */
export interface CompiledThemeModel {
  themes: string[];
  sharpness: number;
  titleWeight: number;
  maxBodyWords: number;
  logPriors: Float64Array;
  /** Term → id. */
  index: Map<string, number>;
  idf: Float64Array;
  /** Summed weight of term t in theme k at t × themes + k. */
  weights: Float64Array;
  smoothing: number;
  /** Per theme, log(total weight + smoothing × terms): P(t | k) = (weight + smoothing) / that. */
  logDenominators: Float64Array;
  /** log P(t | k) at t × themes + k, for a model that predicts many stories; else taken as needed. */
  logLikelihoods?: Float64Array;
}

type ModelSettings = Pick<TrainOptions, 'smoothing' | 'titleWeight' | 'maxBodyWords'>;

function compileCounts(counts: Counts, index: Map<string, number>, settings: ModelSettings, sharpness: number): CompiledThemeModel {
  const themeCount = counts.themes.length;
  let termCount = 0;
  for (const frequency of counts.documentFrequency) if (frequency > 0) termCount++;
  const totals = new Float64Array(themeCount);
  for (let row = 0; row < counts.weights.length; row += themeCount) {
    for (let theme = 0; theme < themeCount; theme++) totals[theme]! += counts.weights[row + theme]!;
  }
  const logPriors = Float64Array.from(counts.examples, (examples) => Math.log((examples + 1) / (counts.total + themeCount)));
  return {
    themes: counts.themes,
    sharpness,
    titleWeight: settings.titleWeight,
    maxBodyWords: settings.maxBodyWords,
    logPriors,
    index,
    idf: inverseDocumentFrequencies(counts.documentFrequency, counts.total),
    weights: counts.weights,
    smoothing: settings.smoothing,
    logDenominators: totals.map((total) => Math.log(total + settings.smoothing * termCount)),
  };
}

/** Log score per theme (before sharpening): log prior + Σ weight × log P(term | theme). */
function scoreEncoded(model: CompiledThemeModel, terms: EncodedTerms): Float64Array {
  const scores = Float64Array.from(model.logPriors);
  const themeCount = scores.length;
  const weights = weighTerms(terms, model.idf);
  const table = model.logLikelihoods;
  for (let at = 0; at < weights.length; at++) {
    const row = terms.ids[at]! * themeCount;
    for (let theme = 0; theme < themeCount; theme++) {
      const logLikelihood = table ? table[row + theme]! : Math.log(model.weights[row + theme]! + model.smoothing) - model.logDenominators[theme]!;
      scores[theme]! += weights[at]! * logLikelihood;
    }
  }
  return scores;
}

function softmax(scores: Float64Array, sharpness: number): Float64Array {
  const top = Math.max(...scores);
  const exponentials = scores.map((score) => Math.exp((score - top) * sharpness));
  const sum = exponentials.reduce((a, b) => a + b, 0);
  return exponentials.map((value) => value / sum);
}

/** −log of the probability the sharpened scores give `theme`. */
function logLoss(scores: Float64Array, theme: number, sharpness: number): number {
  let top = -Infinity;
  for (const score of scores) top = Math.max(top, score);
  let sum = 0;
  for (const score of scores) sum += Math.exp((score - top) * sharpness);
  return Math.log(sum) - (scores[theme]! - top) * sharpness;
}

/**
 * The share of a story's words and character pairs (each counted 1 + ln of its count; single
 * characters say too little) that the examples of `theme` used: the evidence behind a prediction.
 * A story off every theme the model knows still gets probabilities that sum to one, drawn from
 * shared characters and common words, but few of its words are the theme's.
 */
export function themeEvidence(model: CompiledThemeModel, terms: ReadonlyMap<string, number>, theme: number): number {
  const themeCount = model.themes.length;
  let known = 0;
  let all = 0;
  for (const [term, count] of terms) {
    if (isSingleCharacter(term)) continue;
    const weight = 1 + Math.log(count);
    all += weight;
    const id = model.index.get(term);
    if (id !== undefined && model.weights[id * themeCount + theme]! > 0) known += weight;
  }
  return all > 0 ? known / all : 0;
}

/** Probability per theme (in model.themes order) for a story's terms. */
export function predictTerms(model: CompiledThemeModel, terms: ReadonlyMap<string, number>): Float64Array {
  return softmax(scoreEncoded(model, encodeTerms(terms, model.index, false)), model.sharpness);
}

/** Characters of a text that are segmented at most, as grouping reads them (group.ts). */
const BODY_CHARACTERS = 3000;

function termsOf(example: Pick<ThemeExample, 'title' | 'text'>, options: Pick<TrainOptions, 'titleWeight' | 'maxBodyWords'>): Map<string, number> {
  const body = example.text.slice(0, BODY_CHARACTERS);
  return shortTextTerms(example.title, tokenize(example.title), body, tokenize(body).slice(0, options.maxBodyWords), options);
}

function indexOfMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}

/** Examples the sharpness is fitted on at most (evenly spaced): more change it by less than a percent. */
const SHARPNESS_SAMPLE = 2000;

/**
 * The sharpness (0.1 to 1,000) that minimizes the log loss of the held-out scores: a golden-section
 * search over its logarithm, as the loss is convex in the sharpness.
 */
function fitSharpness(heldOut: readonly { theme: number; scores: Float64Array }[]): number {
  const step = Math.max(1, Math.floor(heldOut.length / SHARPNESS_SAMPLE));
  const sample = heldOut.filter((_, at) => at % step === 0);
  const loss = (logSharpness: number): number => sample.reduce((sum, { theme, scores }) => sum + logLoss(scores, theme, 10 ** logSharpness), 0);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [low, high] = [-1, 3];
  for (let iteration = 0; iteration < 24; iteration++) {
    const left = high - ratio * (high - low);
    const right = low + ratio * (high - low);
    if (loss(left) <= loss(right)) high = right;
    else low = left;
  }
  return round(10 ** ((low + high) / 2));
}

/**
 * Leave-one-out cross-validation, cheap for naive Bayes: each example is scored against the counts
 * with its own weights taken out (the IDF stays that of all examples). Gives the hit rate on
 * examples the model did not learn from, and the sharpness under which the predicted
 * probabilities fit those hits best (log loss).
 */
function crossValidate(examples: readonly EncodedExample[], counts: Counts, settings: ModelSettings): { validation: CrossValidation; sharpness: number } {
  const model = compileCounts(counts, new Map(), settings, 1);
  const themeCount = counts.themes.length;
  const totals = model.logDenominators.map((logDenominator) => Math.exp(logDenominator));
  const perTheme = counts.themes.map((theme) => ({ theme, examples: 0, correct: 0 }));
  const heldOut: { theme: number; scores: Float64Array }[] = [];
  for (const example of examples) {
    const weights = weighTerms(example, model.idf);
    const own = weights.reduce((a, b) => a + b, 0);
    const scores = new Float64Array(themeCount);
    for (let theme = 0; theme < themeCount; theme++) {
      const mine = theme === example.theme;
      const others = counts.examples[theme]! - (mine ? 1 : 0);
      let score = Math.log((others + 1) / (counts.total - 1 + themeCount));
      const logDenominator = mine ? Math.log(totals[theme]! - own) : model.logDenominators[theme]!;
      for (let at = 0; at < weights.length; at++) {
        const weight = counts.weights[example.ids[at]! * themeCount + theme]! - (mine ? weights[at]! : 0);
        score += weights[at]! * (Math.log(Math.max(0, weight) + settings.smoothing) - logDenominator);
      }
      scores[theme] = score;
    }
    perTheme[example.theme]!.examples++;
    if (indexOfMax(scores) === example.theme) perTheme[example.theme]!.correct++;
    heldOut.push({ theme: example.theme, scores });
  }
  const correct = perTheme.reduce((sum, entry) => sum + entry.correct, 0);
  return { validation: { method: 'leave-one-out', accuracy: round(correct / examples.length), perTheme }, sharpness: fitSharpness(heldOut) };
}

/**
 * Learns a model from labelled examples (at least two themes). Themes are ordered by name, terms
 * by first use: the stored model depends on the examples alone, not on the run.
 */
export function trainThemeModel(examples: readonly ThemeExample[], given: Partial<TrainOptions> = {}): ThemeModel {
  const options = { ...TRAIN_DEFAULTS, ...given };
  const themes = [...new Set(examples.map((example) => example.theme))].sort();
  if (themes.length < 2) throw new Error(`a theme model needs examples of at least two themes, got ${themes.length}`);
  const themeIndex = new Map(themes.map((theme, at) => [theme, at]));
  const index = new Map<string, number>();
  const encoded = examples.map((example) => ({ theme: themeIndex.get(example.theme)!, ...encodeTerms(termsOf(example, options), index, true) }));
  const counts = countExamples(encoded, themes, index.size);
  const validated = options.crossValidate ? crossValidate(encoded, counts, options) : undefined;
  // Terms in the order the examples first use them: the same file gives the same model.
  const terms = [...index.keys()];
  const weights = themes.map((): number[] => []);
  for (let id = 0; id < terms.length; id++) {
    for (let theme = 0; theme < themes.length; theme++) {
      const weight = counts.weights[id * themes.length + theme]!;
      if (weight > 0) weights[theme]!.push(id, round(weight));
    }
  }
  const content = {
    themes,
    examples: counts.examples,
    smoothing: options.smoothing,
    titleWeight: options.titleWeight,
    maxBodyWords: options.maxBodyWords,
    sharpness: validated?.sharpness ?? 1,
    ...(validated ? { crossValidation: validated.validation } : {}),
    terms,
    documentFrequency: Array.from(counts.documentFrequency),
    weights,
  };
  return { format: MODEL_FORMAT, version: MODEL_VERSION, id: sha256(JSON.stringify(content)).slice(0, 16), ...content };
}

/** The stored model made ready for prediction. */
export function compileThemeModel(model: ThemeModel): CompiledThemeModel {
  const themeCount = model.themes.length;
  const index = new Map(model.terms.map((term, id) => [term, id]));
  const weights = new Float64Array(model.terms.length * themeCount);
  model.weights.forEach((pairs, theme) => {
    for (let at = 0; at + 1 < pairs.length; at += 2) weights[pairs[at]! * themeCount + theme] = pairs[at + 1]!;
  });
  const total = model.examples.reduce((a, b) => a + b, 0);
  const counts = { themes: model.themes, examples: model.examples, documentFrequency: Int32Array.from(model.documentFrequency), weights, total };
  const compiled = compileCounts(counts, index, model, model.sharpness);
  // A week's stories meet each term many times over: the whole table once costs less.
  const logLikelihoods = new Float64Array(weights.length);
  for (let cell = 0; cell < weights.length; cell++) {
    logLikelihoods[cell] = Math.log(weights[cell]! + model.smoothing) - compiled.logDenominators[cell % themeCount]!;
  }
  return { ...compiled, logLikelihoods };
}

/** Probability per theme for an article, as `trainThemeModel` read its examples. */
export function predictThemes(model: CompiledThemeModel, article: Pick<ThemeExample, 'title' | 'text'>): Float64Array {
  return predictTerms(model, termsOf(article, model));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPositiveNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** The reason a parsed file is not a usable model, or undefined when it is one. */
export function themeModelProblem(value: unknown): string | undefined {
  if (!isRecord(value) || value.format !== MODEL_FORMAT) return `not a theme model (no "format": "${MODEL_FORMAT}")`;
  if (value.version !== MODEL_VERSION) return `model version ${JSON.stringify(value.version)}, this program reads version ${MODEL_VERSION}: train it again`;
  if (typeof value.id !== 'string' || value.id.length === 0) return '"id" must be a non-empty string';
  const { themes, examples, terms } = value;
  if (!Array.isArray(themes) || themes.length < 2 || !themes.every((theme) => typeof theme === 'string' && theme.trim().length > 0)) {
    return '"themes" must list at least two theme names';
  }
  if (new Set(themes).size !== themes.length) return '"themes" names a theme twice';
  if (!Array.isArray(examples) || examples.length !== themes.length || !examples.every((count) => Number.isInteger(count) && count >= 0)) {
    return '"examples" must give a whole number of examples per theme';
  }
  for (const key of ['smoothing', 'titleWeight', 'maxBodyWords', 'sharpness'] as const) {
    if (!isPositiveNumber(value[key])) return `"${key}" must be a number above 0`;
  }
  if (!Array.isArray(terms) || !terms.every((term) => typeof term === 'string')) return '"terms" must list the terms';
  if (new Set(terms).size !== terms.length) return '"terms" lists a term twice';
  const { documentFrequency, weights } = value;
  if (!Array.isArray(documentFrequency) || documentFrequency.length !== terms.length || !documentFrequency.every((count) => Number.isInteger(count) && count > 0)) {
    return '"documentFrequency" must give a whole number above 0 per term';
  }
  if (!Array.isArray(weights) || weights.length !== themes.length) return '"weights" must hold one list per theme';
  for (const [theme, pairs] of weights.entries()) {
    const valid =
      Array.isArray(pairs) &&
      pairs.length % 2 === 0 &&
      pairs.every((item, at) => (at % 2 === 0 ? Number.isInteger(item) && item >= 0 && item < terms.length : isPositiveNumber(item)));
    if (!valid) return `"weights" of ${JSON.stringify(themes[theme])}: expected [term index, weight, …] with indexes below ${terms.length} and weights above 0`;
  }
  return undefined;
}
