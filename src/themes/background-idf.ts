// Inverse document frequencies of a large general corpus (jieba's idf.txt): how rare a word is
// in Chinese text at large. A week's batch is too small to tell that alone.
import { idf } from '@node-rs/jieba/dict.js';
import { normalizeText } from './segment.js';

let table: Map<string, number> | undefined;
let median = 0;

function load(): Map<string, number> {
  if (!table) {
    table = new Map();
    for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const value = Number(line.slice(space + 1));
      if (Number.isFinite(value)) table.set(normalizeText(line.slice(0, space)), value);
    }
    const values = [...table.values()].sort((a, b) => a - b);
    median = values[Math.floor(values.length / 2)] ?? 0;
  }
  return table;
}

/** The word's general IDF; a word jieba's corpus lacks counts as moderately rare (the median). */
export function backgroundIdf(word: string): number {
  const value = load().get(word);
  return value ?? median;
}
