#!/usr/bin/env node
// Compares linear classifiers for short titles on a labelled split: multinomial naive Bayes (the
// theme model's), complement NB, softmax regression (SGD), NBSVM-style log-count-ratio regression,
// and averages of them. Hyperparameters are chosen by 5-fold cross-validation on the training part
// only; the held-out part is scored once per variant with the chosen settings.
//   node bench/theme-classifiers.mjs --input FILE [--skip N --limit N] --train FILE [--train-skip N --train-limit N] [--train-per-label N]
// Needs `npm run compile` first (it imports dist/).
import { readLabelledCorpus } from '../dist/themes/eval-corpus.js';
import { isContentWord, normalizeText, tokenize } from '../dist/themes/segment.js';

const args = new Map();
for (let at = 2; at < process.argv.length; at += 2) args.set(process.argv[at], process.argv[at + 1]);
const number = (name, fallback) => (args.has(name) ? Number(args.get(name)) : fallback);

const readCorpus = (path) => readLabelledCorpus(path).items;

function slice(items, skip, limit, perLabel) {
  const taken = new Map();
  return items.slice(skip, limit === undefined ? undefined : skip + limit).filter((item) => {
    const count = taken.get(item.label) ?? 0;
    taken.set(item.label, count + 1);
    return perLabel === undefined || count < perLabel;
  });
}

const HAN = /\p{Script=Han}/u;
/** Words, Han characters, pairs and triples of the title (and of the text's lead, once). */
function featuresOf(article) {
  const counts = new Map();
  const add = (term, weight) => counts.set(term, (counts.get(term) ?? 0) + weight);
  const read = (text, weight) => {
    for (const token of tokenize(text)) if (isContentWord(token)) add('w:' + token, weight);
    const chars = [...normalizeText(text)];
    for (let i = 0; i < chars.length; i++) {
      if (!HAN.test(chars[i])) continue;
      add('c:' + chars[i], weight);
      if (i + 1 < chars.length && HAN.test(chars[i + 1])) {
        add('p:' + chars[i] + chars[i + 1], weight);
        if (i + 2 < chars.length && HAN.test(chars[i + 2])) add('t:' + chars[i] + chars[i + 1] + chars[i + 2], weight);
      }
    }
  };
  read(article.title, 3);
  if (article.text) read(article.text.slice(0, 120), 1);
  return counts;
}

function encode(dataset, index, grow) {
  return dataset.map(({ terms, label }) => {
    const ids = [];
    const counts = [];
    for (const [term, count] of terms) {
      let id = index.get(term);
      if (id === undefined && grow) index.set(term, (id = index.size));
      if (id === undefined) continue;
      ids.push(id);
      counts.push(count);
    }
    return { ids: Int32Array.from(ids), counts: Float64Array.from(counts), label };
  });
}

/** TF-IDF at unit length (sublinear tf), the IDF of the training part. */
function tfidf(examples, idf, binary = false) {
  return examples.map((e) => {
    const w = new Float64Array(e.ids.length);
    let sq = 0;
    for (let i = 0; i < w.length; i++) {
      w[i] = (binary ? 1 : 1 + Math.log(e.counts[i])) * (idf[e.ids[i]] ?? 0);
      sq += w[i] * w[i];
    }
    const n = Math.sqrt(sq) || 1;
    for (let i = 0; i < w.length; i++) w[i] /= n;
    return { ids: e.ids, w, label: e.label };
  });
}

function idfOf(examples, size) {
  const df = new Float64Array(size);
  for (const e of examples) for (const id of e.ids) df[id]++;
  return Float64Array.from(df, (d) => (d > 0 ? Math.log((examples.length + 1) / (d + 1)) + 1 : 0));
}

// Every model: train(vectors, K, V, params) → scores(vector) → Float64Array of K log-scores.
function trainMnb(xs, K, V, { alpha }) {
  const w = new Float64Array(V * K);
  const tot = new Float64Array(K);
  const prior = new Float64Array(K);
  for (const x of xs) {
    prior[x.label]++;
    for (let i = 0; i < x.ids.length; i++) {
      w[x.ids[i] * K + x.label] += x.w[i];
      tot[x.label] += x.w[i];
    }
  }
  const logPrior = prior.map((p) => Math.log((p + 1) / (xs.length + K)));
  const logDen = tot.map((t) => Math.log(t + alpha * V));
  return (x) => {
    const s = Float64Array.from(logPrior);
    for (let i = 0; i < x.ids.length; i++) for (let k = 0; k < K; k++) s[k] += x.w[i] * (Math.log(w[x.ids[i] * K + k] + alpha) - logDen[k]);
    return s;
  };
}

function trainCnb(xs, K, V, { alpha }) {
  const w = new Float64Array(V * K);
  const all = new Float64Array(V);
  const tot = new Float64Array(K);
  let total = 0;
  for (const x of xs) {
    for (let i = 0; i < x.ids.length; i++) {
      w[x.ids[i] * K + x.label] += x.w[i];
      all[x.ids[i]] += x.w[i];
      tot[x.label] += x.w[i];
      total += x.w[i];
    }
  }
  // Complement weights, normalized per class (Rennie et al. 2003).
  const theta = new Float64Array(V * K);
  const norm = new Float64Array(K);
  for (let t = 0; t < V; t++) {
    for (let k = 0; k < K; k++) {
      const value = Math.log((all[t] - w[t * K + k] + alpha) / (total - tot[k] + alpha * V));
      theta[t * K + k] = value;
      norm[k] += Math.abs(value);
    }
  }
  return (x) => {
    const s = new Float64Array(K);
    for (let i = 0; i < x.ids.length; i++) for (let k = 0; k < K; k++) s[k] -= x.w[i] * theta[x.ids[i] * K + k] / norm[k];
    return s.map((v) => v * 1000);
  };
}

/** A Fisher-Yates shuffle in place, from a seeded generator: the same seed, the same orders. */
function seededShuffle(seed) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  return (order) => {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  };
}

/** Softmax regression by SGD (shuffled, decaying rate, L2 by weight decay). */
function trainSoftmax(xs, K, V, { lambda, epochs, rate = 0.5, seed = 1 }) {
  const w = new Float64Array(V * K);
  const b = new Float64Array(K);
  const shuffle = seededShuffle(seed);
  const order = xs.map((_, i) => i);
  let step = 0;
  let scale = 1; // w is stored as w / scale, for cheap weight decay
  const s = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order);
    for (const at of order) {
      const x = xs[at];
      const eta = rate / (1 + lambda * rate * step++);
      s.set(b);
      for (let i = 0; i < x.ids.length; i++) for (let k = 0; k < K; k++) s[k] += x.w[i] * w[x.ids[i] * K + k] * scale;
      let top = -Infinity;
      for (let k = 0; k < K; k++) top = Math.max(top, s[k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (s[k] = Math.exp(s[k] - top));
      scale *= 1 - eta * lambda;
      if (scale < 1e-6) {
        for (let c = 0; c < w.length; c++) w[c] *= scale;
        scale = 1;
      }
      for (let k = 0; k < K; k++) {
        const g = s[k] / sum - (k === x.label ? 1 : 0);
        b[k] -= eta * g * 0.1;
        for (let i = 0; i < x.ids.length; i++) w[x.ids[i] * K + k] -= (eta * g * x.w[i]) / scale;
      }
    }
  }
  return (x) => {
    const out = Float64Array.from(b);
    for (let i = 0; i < x.ids.length; i++) for (let k = 0; k < K; k++) out[k] += x.w[i] * w[x.ids[i] * K + k] * scale;
    return out;
  };
}

/** NBSVM (Wang & Manning 2012), one-vs-rest: features scaled by the log-count ratio, then logistic regression. */
function trainNbsvm(xs, K, V, { lambda, epochs, alpha = 1, beta = 0.25 }) {
  const p = new Float64Array(V * K);
  const all = new Float64Array(V);
  for (const x of xs) for (let i = 0; i < x.ids.length; i++) {
    p[x.ids[i] * K + x.label] += x.w[i];
    all[x.ids[i]] += x.w[i];
  }
  const sums = new Float64Array(K);
  let total = 0;
  for (let t = 0; t < V; t++) for (let k = 0; k < K; k++) sums[k] += p[t * K + k];
  for (let k = 0; k < K; k++) total += sums[k];
  const r = new Float64Array(V * K);
  for (let t = 0; t < V; t++) for (let k = 0; k < K; k++) {
    const pos = (p[t * K + k] + alpha) / (sums[k] + alpha * V);
    const neg = (all[t] - p[t * K + k] + alpha) / (total - sums[k] + alpha * V);
    r[t * K + k] = Math.log(pos / neg);
  }
  const scorers = [];
  for (let k = 0; k < K; k++) {
    const w = new Float64Array(V);
    let b = 0;
    const shuffle = seededShuffle(7 + k);
    const order = xs.map((_, i) => i);
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order);
      for (const at of order) {
        const x = xs[at];
        const y = x.label === k ? 1 : 0;
        const eta = 0.5 / (1 + lambda * 0.5 * step++);
        let z = b;
        for (let i = 0; i < x.ids.length; i++) z += x.w[i] * r[x.ids[i] * K + k] * w[x.ids[i]];
        const g = 1 / (1 + Math.exp(-z)) - y;
        b -= eta * g * 0.1;
        for (let i = 0; i < x.ids.length; i++) {
          const id = x.ids[i];
          w[id] -= eta * (g * x.w[i] * r[id * K + k] + lambda * w[id]);
        }
      }
    }
    scorers.push((x) => {
      let z = b;
      let nb = 0;
      for (let i = 0; i < x.ids.length; i++) {
        z += x.w[i] * r[x.ids[i] * K + k] * w[x.ids[i]];
        nb += x.w[i] * r[x.ids[i] * K + k];
      }
      return (1 - beta) * z + beta * nb;
    });
  }
  return (x) => Float64Array.from(scorers, (score) => score(x));
}

function logSoftmax(s, sharp = 1) {
  let top = -Infinity;
  for (const v of s) top = Math.max(top, v * sharp);
  let sum = 0;
  for (const v of s) sum += Math.exp(v * sharp - top);
  return s.map((v) => v * sharp - top - Math.log(sum));
}

const argmax = (s) => s.reduce((best, v, i) => (v > s[best] ? i : best), 0);

function prepare(trainSet, testSet) {
  const index = new Map();
  const train = encode(trainSet, index, true);
  const test = encode(testSet, index, false);
  const idf = idfOf(train, index.size);
  return { V: index.size, train: tfidf(train, idf), test: tfidf(test, idf) };
}

const MODELS = {
  mnb: { train: trainMnb, grid: [{ alpha: 0.1 }, { alpha: 0.3 }, { alpha: 1 }] },
  cnb: { train: trainCnb, grid: [{ alpha: 0.1 }, { alpha: 0.3 }, { alpha: 1 }] },
  softmax: { train: trainSoftmax, grid: [{ lambda: 1e-4, epochs: 10 }, { lambda: 3e-5, epochs: 10 }, { lambda: 1e-5, epochs: 10 }] },
  nbsvm: { train: trainNbsvm, grid: [{ lambda: 1e-4, epochs: 8 }, { lambda: 1e-5, epochs: 8 }] },
};

/** Out-of-fold log-probabilities of a model with given params, and their accuracy (sharpness fitted roughly). */
function accuracyOf(predictions, labels) {
  return predictions.reduce((n, s, i) => n + (argmax(s) === labels[i] ? 1 : 0), 0) / labels.length;
}

function crossValidate(dataset, K, name, params, folds = 5) {
  const predictions = new Array(dataset.length);
  for (let fold = 0; fold < folds; fold++) {
    const trainPart = dataset.filter((_, i) => i % folds !== fold);
    const testIdx = dataset.map((_, i) => i).filter((i) => i % folds === fold);
    const { V, train, test } = prepare(trainPart, testIdx.map((i) => dataset[i]));
    const score = MODELS[name].train(train, K, V, params);
    test.forEach((x, j) => (predictions[testIdx[j]] = score(x)));
  }
  return predictions;
}

/** A sharpness per model so that averaged log-probabilities are on one scale: minimizes out-of-fold log loss. */
function fitSharpness(predictions, labels) {
  let best = 1;
  let bestLoss = Infinity;
  for (let e = -2; e <= 3; e += 0.1) {
    const sharp = 10 ** e;
    let loss = 0;
    predictions.forEach((s, i) => (loss -= logSoftmax(s, sharp)[labels[i]]));
    if (loss < bestLoss) [best, bestLoss] = [sharp, loss];
  }
  return best;
}

const input = readCorpus(args.get('--input'));
const trainFile = readCorpus(args.get('--train'));
const testItems = slice(input, number('--skip', 0), args.has('--limit') ? number('--limit') : undefined);
const trainItems = slice(trainFile, number('--train-skip', 0), args.has('--train-limit') ? number('--train-limit') : undefined, args.has('--train-per-label') ? number('--train-per-label') : undefined);
const labels = [...new Set(trainItems.map((i) => i.label))].sort();
const K = labels.length;
const toData = (items) => items.map((item) => ({ terms: featuresOf(item.article), label: labels.indexOf(item.label) }));
const trainData = toData(trainItems);
const testData = toData(testItems);
const trainLabels = trainData.map((d) => d.label);
const testLabels = testData.map((d) => d.label);
console.log(`train ${trainData.length} examples, ${K} labels; test ${testData.length}`);

const only = args.get('--models')?.split(',') ?? Object.keys(MODELS);
const chosen = {};
for (const name of only) {
  let best;
  for (const params of MODELS[name].grid) {
    const started = Date.now();
    const oof = crossValidate(trainData, K, name, params);
    const cv = accuracyOf(oof, trainLabels);
    console.log(`  cv ${name} ${JSON.stringify(params)}: ${cv.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!best || cv > best.cv) best = { params, cv, oof };
  }
  best.sharp = fitSharpness(best.oof, trainLabels);
  chosen[name] = best;
}

const { V, train, test } = prepare(trainData, testData);
const heldOut = {};
console.log('\n| model | chosen by 5-fold CV on the training part | CV accuracy | held-out accuracy |\n|---|---|---|---|');
for (const name of only) {
  const started = Date.now();
  const score = MODELS[name].train(train, K, V, chosen[name].params);
  const seconds = (Date.now() - started) / 1000;
  heldOut[name] = test.map((x) => logSoftmax(score(x), chosen[name].sharp));
  console.log(`| ${name} | ${JSON.stringify(chosen[name].params)} | ${chosen[name].cv.toFixed(3)} | ${accuracyOf(heldOut[name], testLabels).toFixed(3)} (trained in ${seconds.toFixed(2)} s) |`);
}
// Averages of calibrated log-probabilities: the pair chosen by out-of-fold accuracy, and all.
const combos = [];
for (let a = 0; a < only.length; a++) for (let b = a + 1; b < only.length; b++) combos.push([only[a], only[b]]);
if (only.length > 2) combos.push(only);
for (const combo of combos) {
  const average = (sets, n) => sets[0].map((_, i) => combo.reduce((sum, name) => sum.map((v, k) => v + sets[name][i][k]), new Float64Array(n)));
  const oofSets = Object.fromEntries(combo.map((name) => [name, chosen[name].oof.map((s) => logSoftmax(s, chosen[name].sharp))]));
  const cv = accuracyOf(average(Object.assign([oofSets[combo[0]]], oofSets), K), trainLabels);
  const held = accuracyOf(average(Object.assign([heldOut[combo[0]]], heldOut), K), testLabels);
  console.log(`| ${combo.join(' + ')} | each as above, log-probabilities averaged | ${cv.toFixed(3)} | ${held.toFixed(3)} |`);
}
