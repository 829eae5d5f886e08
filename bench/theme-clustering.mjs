#!/usr/bin/env node
// Compares ways to cluster short items with no named themes on a labelled file: the grouping as it
// is, other term sets and cuts of the average-link dendrogram, and (--all) spherical k-means, each
// title expanded by its nearest neighbours, clusters refined by a naive Bayes model of themselves,
// and (--long FILE) titles expanded by the words long articles associate with theirs. Groups under 3 items count as 其他要闻, as in grouping.
//   node bench/theme-clustering.mjs --input FILE [--skip N --limit N] [--all [--long FILE]]
// Needs `npm run compile` first (it imports dist/).
import { clusterByAverageLink } from '../dist/themes/cluster.js';
import { readLabelledCorpus } from '../dist/themes/eval-corpus.js';
import { buildFeatures } from '../dist/themes/features.js';
import { groupByTheme } from '../dist/themes/group.js';
import { scoreGrouping } from '../dist/themes/metrics.js';
import { isContentWord, tokenize } from '../dist/themes/segment.js';
import { characterPairs } from '../dist/themes/short-text.js';
import { readStories } from '../dist/themes/stories.js';
import { compileThemeModel, predictThemes, trainThemeModel } from '../dist/themes/theme-model.js';

const args = new Map();
for (let at = 2; at < process.argv.length; at++) {
  if (process.argv[at] === '--all') args.set('--all', true);
  else args.set(process.argv[at], process.argv[++at]);
}

const readCorpus = (path) => readLabelledCorpus(path).items;

const skip = Number(args.get('--skip') ?? 0);
const items = readCorpus(args.get('--input')).slice(skip, args.has('--limit') ? skip + Number(args.get('--limit')) : undefined);
const labelOf = new Map(items.map((item) => [item.article.id, item.label]));
const stories = readStories(items.map((item) => item.article), { maxBodyCharacters: 3000, nearDuplicates: {} });
const labels = stories.map((story) => labelOf.get(story.article.id));

function score(groups, name) {
  const assigned = new Array(stories.length).fill('other');
  groups.forEach((members, group) => {
    if (members.length >= 3) for (const index of members) assigned[index] = `g${group}`;
  });
  const s = scoreGrouping(labels, assigned, 'other');
  const big = groups.filter((g) => g.length >= 3).length;
  console.log(`| ${name} | ${big} | ${s.accuracy.toFixed(3)} | ${s.ari.toFixed(3)} | ${s.nmi.toFixed(3)} | ${(s.unassignedShare * 100).toFixed(1)}% |`);
}

function meanPairSimilarity(vectors) {
  const sum = new Map();
  for (const v of vectors) v.ids.forEach((id, i) => sum.set(id, (sum.get(id) ?? 0) + v.weights[i]));
  let sq = 0;
  for (const value of sum.values()) sq += value * value;
  const nonEmpty = vectors.filter((v) => v.ids.length > 0).length;
  return (sq - nonEmpty) / (vectors.length * (vectors.length - 1));
}

/** Spherical k-means: k-means++ seeds (fixed random stream), cosine to unit centroids. */
function sphericalKmeans(vectors, k, seed = 1) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const V = vectors.reduce((top, v) => v.ids.reduce((t, id) => Math.max(t, id + 1), top), 0);
  const dense = (v) => {
    const d = new Float64Array(V);
    v.ids.forEach((id, i) => (d[id] = v.weights[i]));
    return d;
  };
  const sim = (v, c) => {
    let s = 0;
    for (let i = 0; i < v.ids.length; i++) s += v.weights[i] * c[v.ids[i]];
    return s;
  };
  const centers = [dense(vectors[Math.floor(random() * vectors.length)])];
  const best = vectors.map((v) => sim(v, centers[0]));
  while (centers.length < k) {
    const distances = best.map((s) => Math.max(0, 1 - s));
    const total = distances.reduce((a, b) => a + b, 0);
    let pick = random() * total;
    let chosen = 0;
    for (; chosen < distances.length - 1 && pick > distances[chosen]; chosen++) pick -= distances[chosen];
    const center = dense(vectors[chosen]);
    centers.push(center);
    vectors.forEach((v, i) => (best[i] = Math.max(best[i], sim(v, center))));
  }
  let assignment = new Int32Array(vectors.length).fill(-1);
  for (let iteration = 0; iteration < 30; iteration++) {
    let changed = 0;
    vectors.forEach((v, i) => {
      let top = 0;
      let topSim = -Infinity;
      centers.forEach((c, j) => {
        const s = sim(v, c);
        if (s > topSim) [top, topSim] = [j, s];
      });
      if (assignment[i] !== top) changed++;
      assignment[i] = top;
    });
    if (changed === 0) break;
    centers.forEach((c) => c.fill(0));
    vectors.forEach((v, i) => v.ids.forEach((id, t) => (centers[assignment[i]][id] += v.weights[t])));
    for (const c of centers) {
      let n = 0;
      for (const x of c) n += x * x;
      n = Math.sqrt(n) || 1;
      for (let t = 0; t < c.length; t++) c[t] /= n;
    }
  }
  const groups = Array.from({ length: k }, () => []);
  assignment.forEach((g, i) => groups[g].push(i));
  return groups.filter((g) => g.length > 0);
}

/** Each vector plus beta times the mean of its k nearest neighbours, at unit length: titles that share no word but share neighbours meet. */
function expandByNeighbours(vectors, k, beta) {
  const V = vectors.reduce((top, v) => v.ids.reduce((t, id) => Math.max(t, id + 1), top), 0);
  const row = new Float64Array(V);
  return vectors.map((v, i) => {
    v.ids.forEach((id, t) => (row[id] = v.weights[t]));
    const sims = vectors.map((w, j) => {
      if (j === i) return [-1, j];
      let s = 0;
      for (let t = 0; t < w.ids.length; t++) s += w.weights[t] * row[w.ids[t]];
      return [s, j];
    });
    v.ids.forEach((id) => (row[id] = 0));
    sims.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const sum = new Map();
    v.ids.forEach((id, t) => sum.set(id, v.weights[t]));
    for (const [s, j] of sims.slice(0, k)) {
      if (s <= 0) break;
      vectors[j].ids.forEach((id, t) => sum.set(id, (sum.get(id) ?? 0) + (beta / k) * vectors[j].weights[t]));
    }
    const ids = Int32Array.from([...sum.keys()].sort((a, b) => a - b));
    const weights = Float64Array.from(ids, (id) => sum.get(id));
    const norm = Math.hypot(...weights) || 1;
    return { ids, weights: weights.map((w) => w / norm) };
  });
}

/**
 * Clusters refined by a naive Bayes model of themselves: the groups of 3+ teach a model (words and
 * characters), every story goes to the group the model finds likeliest, and again. Characters
 * reach across words that no two titles share.
 */
function refineByModel(groups, rounds, minSize = 3) {
  let current = groups.filter((g) => g.length >= minSize);
  for (let round = 0; round < rounds && current.length >= 2; round++) {
    const examples = current.flatMap((members, g) => members.map((i) => ({ theme: `g${String(g).padStart(4, '0')}`, title: stories[i].article.title, text: stories[i].article.text })));
    const model = compileThemeModel(trainThemeModel(examples, { crossValidate: false }));
    const next = model.themes.map(() => []);
    stories.forEach((story, i) => {
      const p = predictThemes(model, story.article);
      let best = 0;
      for (let t = 1; t < p.length; t++) if (p[t] > p[best]) best = t;
      next[best].push(i);
    });
    current = next.filter((g) => g.length >= minSize);
  }
  return current;
}

/**
 * Words associated with each of `wanted` in long articles (positive PMI of appearing in one
 * article, at least `minCount` articles together), the `top` strongest, as unit vectors.
 */
function associations(longTexts, wanted, { top = 20, minCount = 3 } = {}) {
  const docs = longTexts.map((text) => new Set(tokenize(text.slice(0, 3000)).filter(isContentWord)));
  const df = new Map();
  for (const doc of docs) for (const word of doc) df.set(word, (df.get(word) ?? 0) + 1);
  const together = new Map();
  for (const doc of docs) {
    for (const word of doc) {
      if (!wanted.has(word)) continue;
      let row = together.get(word);
      if (!row) together.set(word, (row = new Map()));
      for (const other of doc) if (other !== word) row.set(other, (row.get(other) ?? 0) + 1);
    }
  }
  const result = new Map();
  const n = docs.length;
  for (const [word, row] of together) {
    const scored = [];
    for (const [other, count] of row) {
      if (count < minCount) continue;
      const pmi = Math.log((count * n) / (df.get(word) * df.get(other)));
      if (pmi > 0) scored.push([other, pmi]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = scored.slice(0, top);
    const norm = Math.hypot(...kept.map(([, w]) => w)) || 1;
    if (kept.length > 0) result.set(word, kept.map(([other, w]) => [other, w / norm]));
  }
  return result;
}

/** Each vector plus beta × Σ weight(word) × its associations, at unit length, in a vocabulary grown as needed. */
function expandByAssociations(vectors, vocabulary, assoc, beta) {
  const ids = new Map(vocabulary.map((word, id) => [word, id]));
  const idOf = (word) => {
    let id = ids.get(word);
    if (id === undefined) ids.set(word, (id = ids.size));
    return id;
  };
  return vectors.map((v) => {
    const sum = new Map();
    v.ids.forEach((id, t) => sum.set(id, v.weights[t]));
    v.ids.forEach((id, t) => {
      for (const [other, w] of assoc.get(vocabulary[id]) ?? []) {
        const o = idOf(other);
        sum.set(o, (sum.get(o) ?? 0) + beta * v.weights[t] * w);
      }
    });
    const list = [...sum].sort((a, b) => a[0] - b[0]);
    const norm = Math.hypot(...list.map(([, w]) => w)) || 1;
    return { ids: Int32Array.from(list, ([id]) => id), weights: Float64Array.from(list, ([, w]) => w / norm) };
  });
}

console.log(`${stories.length} stories, ${new Set(labels).size} labels\n`);
console.log('| clustering | groups of 3+ | accuracy | ARI | NMI | 其他要闻 |\n|---|---|---|---|---|---|');
{
  const themes = groupByTheme(items.map((item) => item.article));
  const index = new Map(stories.map((story, i) => [story.article.id, i]));
  score(themes.filter((t) => t.kind !== 'other').map((t) => t.entries.map((e) => index.get(e.id))), 'groupByTheme as it is');
}
const han = (title) => [...title].filter((c) => /\p{Script=Han}/u.test(c)).map((c) => 'c:' + c);
const words = (story) => story.bodyTokens.filter(isContentWord);
const variants = {
  'words + title pairs (before)': (story) => ({ title: story.titleTokens.filter(isContentWord), body: [...words(story), ...characterPairs(story.article.title)] }),
  'words + title pairs + title characters (now)': (story) => ({ title: story.titleTokens.filter(isContentWord), body: [...words(story), ...characterPairs(story.article.title), ...han(story.article.title)] }),
  'words + title pairs + title characters twice': (story) => ({ title: story.titleTokens.filter(isContentWord), body: [...words(story), ...characterPairs(story.article.title), ...han(story.article.title), ...han(story.article.title)] }),
  'words + title pairs + title characters as title terms': (story) => ({ title: [...story.titleTokens.filter(isContentWord), ...han(story.article.title)], body: [...words(story), ...characterPairs(story.article.title)] }),
  'words + title pairs as title terms': (story) => ({ title: [...story.titleTokens.filter(isContentWord), ...characterPairs(story.article.title)], body: words(story) }),
};
// Everything (slow: the NB rounds and the neighbours) with --all; else the cuts alone.
const all = args.has('--all');
for (const [name, termsOf] of Object.entries(variants)) {
  const { vocabulary, vectors } = buildFeatures(stories.map(termsOf), { titleWeight: 3, maxTerms: 150 });
  const mean = meanPairSimilarity(vectors);
  for (const factor of [1, 1.25, 1.5, 2]) score(clusterByAverageLink(vectors, factor * mean), `${name}; average link at ${factor}× the mean similarity`);
  if (!all) continue;
  for (const k of [10, 20]) score(sphericalKmeans(vectors, k), `${name}; spherical k-means, k = ${k}`);
  for (const [k, beta] of [[10, 1]]) {
    const expanded = expandByNeighbours(vectors, k, beta);
    const expandedMean = meanPairSimilarity(expanded);
    for (const factor of [1, 1.5, 2]) score(clusterByAverageLink(expanded, factor * expandedMean), `${name}; + ${k} nearest neighbours × ${beta}; average link at ${factor}×`);
  }
  for (const factor of [1.5, 2]) {
    const base = clusterByAverageLink(vectors, factor * mean);
    for (const rounds of [1, 3]) score(refineByModel(base, rounds), `${name}; average link at ${factor}×, then ${rounds} rounds of NB`);
  }
  if (args.has('--long')) {
    // Unlabelled long articles (as an archive holds), their word associations added to each title.
    const longTexts = readCorpus(args.get('--long')).map((item) => item.article.title + item.article.text);
    const assoc = associations(longTexts, new Set(vocabulary));
    for (const beta of [0.5, 1]) {
      const expanded = expandByAssociations(vectors, vocabulary, assoc, beta);
      const expandedMean = meanPairSimilarity(expanded);
      for (const factor of [1.5, 2]) score(clusterByAverageLink(expanded, factor * expandedMean), `${name}; + associations from ${longTexts.length} long articles × ${beta}; average link at ${factor}×`);
    }
  }
}
