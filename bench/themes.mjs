#!/usr/bin/env node
// Theme grouping of N make-corpus posts (default 2,000; budget 3 s): with the default taxonomy and
// by clustering alone. Prints medians of RUNS runs and their ratio to the budget. The first
// grouping in a process also loads jieba's dictionary and IDF table; that load is shown apart.
// Needs `npm run compile` first (it imports dist/). `--json` prints one line of JSON (for bench/run.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupByTheme } from '../dist/themes/group.js';
import { DEFAULT_TAXONOMY } from '../dist/themes/taxonomy.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const makeCorpus = join(root, '../shared/tools/make-corpus');
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

const work = mkdtempSync(join(tmpdir(), 'zhoukan-bench-themes-'));
execFileSync(makeCorpus, ['--n', String(size), '--out', work], { stdio: 'ignore' });
const articles = readdirSync(work)
  .sort()
  .map((file) => readPost(join(work, file), file));
rmSync(work, { recursive: true, force: true });

let themes = [];
const first = seconds(() => {
  themes = groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY });
});
const taxonomyRuns = [];
const clusteringRuns = [];
const unfoldedRuns = [];
for (let run = 0; run < runs; run++) {
  taxonomyRuns.push(seconds(() => groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY })));
  clusteringRuns.push(seconds(() => groupByTheme(articles, {})));
  // The posts recombine five seeds, so most fold as near-duplicates; unfolded, all 2,000 are clustered.
  unfoldedRuns.push(seconds(() => groupByTheme(articles, { nearDuplicates: false })));
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
  themes: themes.length,
  entries,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results));
} else {
  console.log(`themes, ${articles.length} make-corpus posts, median of ${runs} runs (budget ${budgetSeconds} s)`);
  console.log(`  first call (loads jieba + IDF)  ${first.toFixed(3).padStart(7)} s   ${(first / budgetSeconds).toFixed(3)} × budget`);
  for (const [name, value] of [
    ['default taxonomy', results.taxonomy],
    ['clustering only', results.clustering],
    ['clustering only, no folding', results.unfolded],
  ]) {
    console.log(`  ${name.padEnd(30)} ${value.toFixed(3).padStart(7)} s   ${(value / budgetSeconds).toFixed(3)} × budget`);
  }
  console.log(`  ${themes.length} themes, ${entries} entries after folding near-duplicates`);
}
