#!/usr/bin/env node
// Theme grouping of N make-corpus posts (default 2,000; budget 3 s): with the default taxonomy, by
// clustering alone, and with a theme model trained on the 10,000 THUCNews dev titles (the
// training timed apart and with the grouping). Prints medians of RUNS runs and their ratio to the
// budget. The first grouping in a process also loads jieba's dictionary and IDF table; that load
// is shown apart.
// Needs `npm run compile` first (it imports dist/). `--json` prints one line of JSON (for bench/run.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseThucnews } from '../dist/themes/eval-corpus.js';
import { groupByTheme } from '../dist/themes/group.js';
import { DEFAULT_TAXONOMY } from '../dist/themes/default-taxonomy.js';
import { trainThemeModel } from '../dist/themes/theme-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const makeCorpus = join(root, '../shared/tools/make-corpus');
const thucnews = join(root, '../shared/corpus/classification/thucnews-titles');
const size = Number(process.env.BENCH_N ?? 2_000);
const runs = Number(process.env.RUNS ?? 5);
const budgetSeconds = 3;

// Bench input only: a regex split of the front matter and the body's tags stripped.
function readPost(path, id) {
  const text = readFileSync(path, 'utf8').trim();
  const [, frontMatter = '', body = ''] = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text) ?? [];
  const field = (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(frontMatter)?.[1]?.trim().replace(/^'|'$/g, '') ?? '';
  const plain = body
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#?\w+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { id, title: field('title'), text: plain, published: new Date(field('date')) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function seconds(action) {
  const start = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// CPU seconds too: on a shared machine the wall clock also counts the other processes' turns.
const cpuRuns = new Map();
function timed(name, list, action) {
  const before = process.cpuUsage();
  list.push(seconds(action));
  const used = process.cpuUsage(before);
  cpuRuns.set(name, [...(cpuRuns.get(name) ?? []), (used.user + used.system) / 1e6]);
}

const work = mkdtempSync(join(tmpdir(), 'zhoukan-bench-themes-'));
execFileSync(makeCorpus, ['--n', String(size), '--out', work], { stdio: 'ignore' });
const articles = readdirSync(work)
  .sort()
  .map((file) => readPost(join(work, file), file));
rmSync(work, { recursive: true, force: true });

const classNames = readFileSync(join(thucnews, 'class.txt'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
const examples = parseThucnews(readFileSync(join(thucnews, 'dev.txt'), 'utf8'), classNames).map((item) => ({
  theme: item.label,
  title: item.article.title,
  text: item.article.text,
}));

let themes = [];
const first = seconds(() => {
  themes = groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY });
});
const taxonomyRuns = [];
const clusteringRuns = [];
const unfoldedRuns = [];
const trainingRuns = [];
const modelRuns = [];
const trainedRuns = [];
for (let run = 0; run < runs; run++) {
  let model;
  timed('training', trainingRuns, () => (model = trainThemeModel(examples)));
  timed('withModel', modelRuns, () => groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY, model }));
  // A cold start of the model: trained and used at once, as a config entry would do it.
  timed('trainingAndModel', trainedRuns, () => groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY, model: trainThemeModel(examples) }));
  timed('taxonomy', taxonomyRuns, () => groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY }));
  timed('clustering', clusteringRuns, () => groupByTheme(articles, {}));
  // The posts recombine five seeds, so most fold as near-duplicates; unfolded, all 2,000 are clustered.
  timed('unfolded', unfoldedRuns, () => groupByTheme(articles, { nearDuplicates: false }));
}

const entries = themes.reduce((sum, theme) => sum + theme.entries.length, 0);
const results = {
  articles: articles.length,
  runs,
  budgetSeconds,
  firstCall: first,
  taxonomy: median(taxonomyRuns),
  clustering: median(clusteringRuns),
  unfolded: median(unfoldedRuns),
  examples: examples.length,
  training: median(trainingRuns),
  withModel: median(modelRuns),
  trainingAndModel: median(trainedRuns),
  themes: themes.length,
  entries,
  cpu: Object.fromEntries([...cpuRuns].map(([name, values]) => [name, median(values)])),
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results));
} else {
  console.log(`themes, ${articles.length} make-corpus posts, median of ${runs} runs (budget ${budgetSeconds} s)`);
  console.log(`  first call (loads jieba + IDF)  ${first.toFixed(3).padStart(7)} s   ${(first / budgetSeconds).toFixed(3)} × budget`);
  for (const [name, key] of [
    ['default taxonomy', 'taxonomy'],
    ['clustering only', 'clustering'],
    ['clustering only, no folding', 'unfolded'],
    [`training on ${examples.length.toLocaleString('en')} titles`, 'training'],
    ['taxonomy and the trained model', 'withModel'],
    ['training, then grouping with it', 'trainingAndModel'],
  ]) {
    const value = results[key];
    console.log(`  ${name.padEnd(31)} ${value.toFixed(3).padStart(7)} s   ${(value / budgetSeconds).toFixed(3)} × budget   (CPU ${results.cpu[key].toFixed(3)} s)`);
  }
  console.log(`  ${themes.length} themes, ${entries} entries after folding near-duplicates`);
}
