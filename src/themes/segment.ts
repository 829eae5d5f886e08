// Chinese word segmentation: jieba with our dictionary, normalized tokens, stop words removed.
import type * as JiebaModule from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { requireCommonJs } from '../util/require-cjs.js';
import { DOMAIN_WORDS } from './dictionary.js';
import { STOP_WORDS } from './stop-words.js';

// High enough that jieba keeps our terms whole against its own splits.
const DOMAIN_WORD_FREQUENCY = 50_000;

const { Jieba } = requireCommonJs('@node-rs/jieba') as typeof JiebaModule;
let segmenter: JiebaModule.Jieba | undefined;

/** jieba with its dictionary and ours, built on first use (loading takes ~0.25 s). */
function getSegmenter(): JiebaModule.Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    const lines = DOMAIN_WORDS.map((word) => `${word} ${DOMAIN_WORD_FREQUENCY} n`).join('\n');
    segmenter.loadDict(Buffer.from(lines, 'utf8'));
  }
  return segmenter;
}

/** Full-width forms to half-width, Latin to lower case, so that ＬＰＲ, LPR and lpr are one word. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * All words of a text in order, normalized, without whitespace and punctuation.
 * Stop words are kept: keyword matching needs the words as written.
 */
export function tokenize(text: string): string[] {
  if (text.length === 0) return [];
  const words = getSegmenter().cut(normalizeText(text), true);
  const tokens: string[] = [];
  for (const word of words) {
    const token = word.trim();
    if (token.length > 0 && HAS_WORD_CHARACTER.test(token)) tokens.push(token);
  }
  return tokens;
}

const HAS_CJK = /\p{Script=Han}/u;
// Numbers, percentages, dates and amounts: 18.0%, 2022年, 5月, 3亿元.
const NUMBER_LIKE = /^[\d.,:%\-+~·]+[年月日号时分秒点亿万千百元个只条家项倍岁度%]*$/u;

/** Whether a normalized token carries meaning: not a stop word, a single character or a number. */
export function isContentWord(token: string): boolean {
  if (STOP_WORDS.has(token) || NUMBER_LIKE.test(token)) return false;
  if (HAS_CJK.test(token)) return [...token].length >= 2;
  return token.length >= 2;
}

/** The content words of a text: jieba + our dictionary, stop words removed, Latin in lower case. */
export function segment(text: string): string[] {
  return tokenize(text).filter(isContentWord);
}
