// Terms that carry meaning in a 15-character headline: jieba's content words plus the Han
// characters and character pairs of the title and the body's lead. A headline has three or four
// content words, and the one that matters is often a name or a word jieba cuts differently from
// the next headline; its characters still match (湖人 / 湖人队, 涨停 / 涨停板, 楼市 / 楼盘).
import { isContentWord, normalizeText } from './segment.js';

// Namespaces: a word and the character pair spelling it are different evidence.
const WORD = 'w:';
const CHARACTER = 'c:';
const PAIR = 'p:';

const HAN = /\p{Script=Han}/u;

/** How much of a body's start its characters are read from: the lead, where a story says what it is. */
export const LEAD_CHARACTERS = 120;

export interface TermOptions {
  /** How many body occurrences one title occurrence is worth. */
  titleWeight: number;
}

function addCharacters(counts: Map<string, number>, text: string, weight: number): void {
  const characters = [...normalizeText(text)];
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index]!;
    if (!HAN.test(character)) continue;
    counts.set(CHARACTER + character, (counts.get(CHARACTER + character) ?? 0) + weight);
    const next = characters[index + 1];
    if (next !== undefined && HAN.test(next)) {
      const pair = PAIR + character + next;
      counts.set(pair, (counts.get(pair) ?? 0) + weight);
    }
  }
}

/**
 * Term → weighted count for one story: title words and characters count `titleWeight` times,
 * body words once, and the characters of the body's lead once.
 */
export function shortTextTerms(
  title: string,
  titleTokens: readonly string[],
  body: string,
  bodyTokens: readonly string[],
  options: TermOptions,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of titleTokens) {
    if (isContentWord(token)) counts.set(WORD + token, (counts.get(WORD + token) ?? 0) + options.titleWeight);
  }
  for (const token of bodyTokens) if (isContentWord(token)) counts.set(WORD + token, (counts.get(WORD + token) ?? 0) + 1);
  addCharacters(counts, title, options.titleWeight);
  addCharacters(counts, body.slice(0, LEAD_CHARACTERS), 1);
  return counts;
}

/** The Han character pairs of a text, as terms (`p:股市`), in order, repeats kept. */
export function characterPairs(text: string): string[] {
  const characters = [...normalizeText(text)];
  const pairs: string[] = [];
  for (let index = 0; index + 1 < characters.length; index++) {
    if (HAN.test(characters[index]!) && HAN.test(characters[index + 1]!)) pairs.push(PAIR + characters[index]! + characters[index + 1]!);
  }
  return pairs;
}

/** The Han characters of a text, as terms (`c:股`), in order, repeats kept. */
export function hanCharacters(text: string): string[] {
  return [...normalizeText(text)].filter((character) => HAN.test(character)).map((character) => CHARACTER + character);
}

/** A body shorter than this (in characters) makes a short item: a headline, a line of 快讯. */
export const SHORT_TEXT_CHARACTERS = 200;

/** Whether a story's text is so short that its title says nearly all there is. */
export function isShortText(text: string): boolean {
  return text.trim().length < SHORT_TEXT_CHARACTERS;
}

/** Whether a term is a character pair or a single character (not a word to show people). */
export function isCharacterTerm(term: string): boolean {
  return term.startsWith(PAIR) || term.startsWith(CHARACTER);
}

/** Whether a term is a single character (not a word or a character pair). */
export function isSingleCharacter(term: string): boolean {
  return term.startsWith(CHARACTER);
}
