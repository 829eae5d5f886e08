#!/usr/bin/env node
// Writes a keyword taxonomy from labelled examples: for each theme, the words that mostly occur
// in its examples, weighted by how surely they point to it. A starting point an editor can read
// and prune; bench/thucnews-taxonomy.json was written this way from THUCNews dev titles 1-8,000.
//   node bench/taxonomy-from-examples.mjs --input FILE [--skip N] [--limit N] > taxonomy.json
// Needs `npm run compile` first (it imports dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { detectFormat, parseCnews, parseThucnews, parseTnews } from '../dist/themes/eval-corpus.js';
import { segment } from '../dist/themes/segment.js';

const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
};
const input = argument('--input');
if (!input) {
  console.error('usage: taxonomy-from-examples.mjs --input FILE [--skip N] [--limit N]');
  process.exit(2);
}
const skip = Number(argument('--skip', 0));
const limit = argument('--limit') === undefined ? undefined : Number(argument('--limit'));

// A word becomes a keyword of a theme when it occurs in at least MIN_EXAMPLES of the theme's
// examples and at least MIN_PRECISION of the examples containing it are the theme's.
const MIN_EXAMPLES = 3;
const MIN_PRECISION = 0.6;
const KEYWORDS_PER_THEME = 200;

const text = readFileSync(input, 'utf8');
const classFile = join(dirname(input), 'class.txt');
const format = detectFormat(text, existsSync(classFile));
const all =
  format === 'thucnews'
    ? parseThucnews(text, readFileSync(classFile, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter(Boolean))
    : format === 'tnews'
      ? parseTnews(text)
      : parseCnews(text);
const items = all.slice(skip, limit === undefined ? undefined : skip + limit);

const byWord = new Map(); // word → Map(theme → examples)
for (const item of items) {
  for (const word of new Set(segment(`${item.article.title} ${item.article.text.slice(0, 200)}`))) {
    const counts = byWord.get(word) ?? new Map();
    counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
    byWord.set(word, counts);
  }
}
const themes = [...new Set(items.map((item) => item.label))].sort();
const keywords = new Map(themes.map((theme) => [theme, []]));
for (const [word, counts] of byWord) {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  for (const [theme, count] of counts) {
    const precision = count / total;
    if (count >= MIN_EXAMPLES && precision >= MIN_PRECISION) keywords.get(theme).push({ word, count, precision });
  }
}
const taxonomy = {
  themes: themes.map((theme) => ({
    name: theme,
    keywords: Object.fromEntries(
      keywords
        .get(theme)
        .sort((a, b) => b.count * b.precision - a.count * a.precision || (a.word < b.word ? -1 : 1))
        .slice(0, KEYWORDS_PER_THEME)
        // 1.5 (one title occurrence is a confident match) for a word right 60% of the time, up to 3.
        .map(({ word, precision }) => [word, Math.round((1.5 + 1.5 * (precision - MIN_PRECISION) / (1 - MIN_PRECISION)) * 10) / 10]),
    ),
  })),
};
process.stdout.write(`${JSON.stringify(taxonomy, null, 1)}\n`);
