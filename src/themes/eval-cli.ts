// npm run eval:themes -- --input FILE [--taxonomy FILE|default] [--train FILE | --model FILE] [--skip N] [--limit N] [--groups]
// Groups a labelled corpus and prints how well the groups agree with the labels; with --train, a
// theme model is first learned from another labelled file (never from the input).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Theme } from '../model.js';
import { readLabelledCorpus, type CorpusFormat, type LabelledArticle } from './eval-corpus.js';
import { groupByTheme } from './group.js';
import { scoreGrouping } from './metrics.js';
import { backgroundIdfs } from './background-idf.js';
import { segment } from './segment.js';
import { DEFAULT_TAXONOMY } from './default-taxonomy.js';
import { validateTaxonomy, type Taxonomy } from './taxonomy.js';
import { themeModelProblem, trainThemeModel, type ThemeModel } from './theme-model.js';

interface Arguments {
  input: string;
  taxonomy?: string;
  train?: string;
  trainFormat?: CorpusFormat;
  model?: string;
  format?: CorpusFormat;
  skip: number;
  limit?: number;
  trainSkip: number;
  trainLimit?: number;
  /** Only the first N examples of each label (a few-shot set from a file sorted by label). */
  trainPerLabel?: number;
  showGroups: boolean;
}

const USAGE =
  'usage: eval-cli --input FILE [--taxonomy FILE|default] [--format cnews|thucnews|tnews] [--skip N] [--limit N]\n' +
  '                [--train FILE [--train-format F] [--train-skip N] [--train-limit N] [--train-per-label N] | --model FILE] [--groups]';
const OPTIONS = ['--input', '--taxonomy', '--format', '--skip', '--limit', '--train', '--train-format', '--train-skip', '--train-limit', '--train-per-label', '--model'];

function parseArguments(argv: readonly string[]): Arguments {
  const values = new Map<string, string>();
  let showGroups = false;
  for (let index = 0; index < argv.length; index++) {
    const name = argv[index]!;
    if (name === '--groups') {
      showGroups = true;
      continue;
    }
    const value = argv[index + 1];
    if (!OPTIONS.includes(name) || value === undefined) {
      throw new Error(`Unknown option or missing value: ${name}\n${USAGE}`);
    }
    values.set(name, value);
    index++;
  }
  const input = values.get('--input');
  if (input === undefined) throw new Error(`--input is required\n${USAGE}`);
  const count = (name: string): number | undefined => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got "${text}"`);
    return Number(text);
  };
  const formatOf = (name: string): CorpusFormat | undefined => {
    const format = values.get(name);
    if (format !== undefined && !['cnews', 'thucnews', 'tnews'].includes(format)) throw new Error(`Unknown ${name} ${format}\n${USAGE}`);
    return format as CorpusFormat | undefined;
  };
  if (values.has('--train') && values.has('--model')) throw new Error(`--train and --model exclude each other\n${USAGE}`);
  return {
    input,
    taxonomy: values.get('--taxonomy'),
    train: values.get('--train'),
    trainFormat: formatOf('--train-format'),
    trainSkip: count('--train-skip') ?? 0,
    trainLimit: count('--train-limit'),
    trainPerLabel: count('--train-per-label'),
    model: values.get('--model'),
    format: formatOf('--format'),
    skip: count('--skip') ?? 0,
    limit: count('--limit'),
    showGroups,
  };
}

function readTaxonomy(path: string | undefined): Taxonomy | undefined {
  if (path === undefined) return undefined;
  if (path === 'default') return DEFAULT_TAXONOMY;
  const { taxonomy, problems } = validateTaxonomy(JSON.parse(readFileSync(path, 'utf8')));
  if (!taxonomy) throw new Error(`Taxonomy ${path} is invalid:\n  ${problems.join('\n  ')}`);
  return taxonomy;
}

/** A learned model: trained on a labelled file (timed), or read from a stored one. */
function readModel(args: Arguments): { model?: ThemeModel; description: string } {
  if (args.model) {
    const value: unknown = JSON.parse(readFileSync(args.model, 'utf8'));
    const problem = themeModelProblem(value);
    if (problem) throw new Error(`Model ${args.model} is unusable: ${problem}`);
    return { model: value as ThemeModel, description: args.model };
  }
  if (!args.train) return { description: 'none' };
  const corpus = readLabelledCorpus(args.train, args.trainFormat);
  const taken = new Map<string, number>();
  const items = corpus.items
    .slice(args.trainSkip, args.trainLimit === undefined ? undefined : args.trainSkip + args.trainLimit)
    .filter((item) => {
      const count = taken.get(item.label) ?? 0;
      taken.set(item.label, count + 1);
      return args.trainPerLabel === undefined || count < args.trainPerLabel;
    });
  const start = performance.now();
  const model = trainThemeModel(items.map((item) => ({ theme: item.label, title: item.article.title, text: item.article.text })));
  const elapsed = performance.now() - start;
  const validation = model.crossValidation ? `, cross-validated accuracy ${model.crossValidation.accuracy.toFixed(3)} (leave-one-out)` : '';
  return {
    model,
    description:
      `trained on ${basename(args.train)} (${corpus.format}), ${items.length} examples from ${args.trainSkip + 1}` +
      `${args.trainPerLabel === undefined ? '' : `, the first ${args.trainPerLabel} of each label`}: ` +
      `${model.themes.length} themes, ${model.terms.length} terms${validation}, ${elapsed.toFixed(0)} ms with the cross-validation`,
  };
}

/** Article id → the name of the theme it ended up in (folded near-duplicates included). */
function themeByArticle(themes: readonly Theme[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const theme of themes) {
    for (const entry of theme.entries) for (const id of [entry.id, ...entry.similar]) result.set(id, theme.name);
  }
  return result;
}

function printGroups(themes: readonly Theme[], labels: ReadonlyMap<string, string>): void {
  for (const theme of themes) {
    const counts = new Map<string, number>();
    for (const entry of theme.entries) {
      for (const id of [entry.id, ...entry.similar]) counts.set(labels.get(id)!, (counts.get(labels.get(id)!) ?? 0) + 1);
    }
    const spread = [...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${label} ${n}`).join(', ');
    const size = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`  ${theme.name} [${theme.kind}] ${size}: ${spread}`);
  }
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function main(argv: readonly string[]): void {
  const args = parseArguments(argv);
  const corpus = readLabelledCorpus(args.input, args.format);
  const items = corpus.items.slice(args.skip, args.limit === undefined ? undefined : args.skip + args.limit);
  const taxonomy = readTaxonomy(args.taxonomy);

  const loadStart = performance.now();
  segment('预热');
  backgroundIdfs(['预热']);
  const loadTime = performance.now() - loadStart;
  const { model, description: modelDescription } = readModel(args);
  const start = performance.now();
  const themes = groupByTheme(items.map((item) => item.article), { taxonomy, model });
  const elapsed = performance.now() - start;

  const otherName = themes.find((theme) => theme.kind === 'other')?.name;
  const assigned = themeByArticle(themes);
  const scores = scoreGrouping(
    items.map((item) => item.label),
    items.map((item) => assigned.get(item.article.id)!),
    otherName,
  );
  const kinds = (kind: Theme['kind']): number => themes.filter((theme) => theme.kind === kind).length;
  console.log(`input     ${basename(args.input)} (${corpus.format}), articles ${args.skip + 1}-${args.skip + items.length} (${items.length})`);
  console.log(`taxonomy  ${args.taxonomy ?? 'none (clustering only)'}${taxonomy ? ` (${taxonomy.themes.length} themes)` : ''}`);
  console.log(`model     ${modelDescription}`);
  console.log(`groups    ${themes.length}: ${kinds('taxonomy')} taxonomy, ${kinds('cluster')} clusters, ${kinds('other')} 其他要闻`);
  if (args.showGroups) printGroups(themes, new Map(items.map((item) => [item.article.id, item.label])));
  console.log(`accuracy  ${scores.accuracy.toFixed(3)}  (each group stands for its majority label; 其他要闻 counts as wrong)`);
  console.log(`purity    ${scores.purity.toFixed(3)}  (the same, 其他要闻 as one group)`);
  console.log(`ARI       ${scores.ari.toFixed(3)}  (其他要闻 as one group)`);
  console.log(`NMI       ${scores.nmi.toFixed(3)}`);
  console.log(`其他要闻  ${percent(scores.unassignedShare)}`);
  console.log(
    `time      ${elapsed.toFixed(0)} ms for ${items.length} articles = ${((elapsed * 1000) / Math.max(1, items.length)).toFixed(0)} ms per 1,000` +
      ` (loading jieba and its IDF table, ${loadTime.toFixed(0)} ms once per process, not included)`,
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
