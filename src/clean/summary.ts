// The lead-sentence summary: the editor's opening blockquote, else the first real sentences.
import { truncateText } from '../util/text.js';
import type { Block } from './blocks.js';
import { NEWS_TEXT } from './rules.js';

export const SUMMARY_MAX_CHARS = 120;

export interface SummaryInput {
  blocks: readonly Block[];
  /** The article title: a first paragraph that only repeats it is skipped. */
  title: string;
}

/** Sentences end at 。！？!?… (with closing quotes or brackets), or at a Latin period before a space. */
const SENTENCE = /[^。！？!?…]*?(?:[。！？!?]|…+|\.(?=\s|$))[”’」』）)\]]*/gsu;
const SENTENCE_END = /(?:[。！？!?…]|\.)[”’」』）)\]]*$/u;
const HAS_SENTENCE_END = /[。！？!?…]|\.(?:\s|$)/u;

/**
 * One or two whole sentences, at most {@link SUMMARY_MAX_CHARS} characters: the blockquote the
 * body starts with (an editor's summary), else the lead paragraph, skipping bylines, credits,
 * headings and a paragraph that repeats the title. A single over-long sentence is cut with "…".
 */
export function summarize({ blocks, title }: SummaryInput): string {
  const leadQuote = leadingQuote(blocks);
  if (leadQuote) return fitSentences([leadQuote]);
  const candidates = leadCandidates(blocks, lettersAndDigits(title));
  if (candidates.length > 0) return fitSentences(candidates);
  const fallback = blocks.find((block) => block.kind !== 'table' && block.kind !== 'code' && !isCredit(block.text));
  return fallback ? truncateText(stripByline(fallback.text), SUMMARY_MAX_CHARS) : '';
}

/** The text of the blockquote the body opens with; a quotation later in the body is not a summary. */
function leadingQuote(blocks: readonly Block[]): string | undefined {
  const quotes: string[] = [];
  for (const block of blocks) {
    if (block.kind !== 'quote') break;
    quotes.push(block.text);
  }
  return quotes.length > 0 ? quotes.join('') : undefined;
}

/** The texts of the first two paragraphs that can open a summary. */
function leadCandidates(blocks: readonly Block[], comparableTitle: string): string[] {
  const found: string[] = [];
  for (const block of blocks) {
    if (found.length === 2) break;
    if (isLeadCandidate(block, comparableTitle)) found.push(block.text);
  }
  return found;
}

function isLeadCandidate(block: Block, comparableTitle: string): boolean {
  if (block.kind !== 'paragraph' && block.kind !== 'item') return false;
  if (!HAS_SENTENCE_END.test(block.text)) return false; // headings and labels
  const text = stripByline(block.text);
  return !isCredit(text) && !repeatsTitle(text, comparableTitle);
}

function repeatsTitle(text: string, comparableTitle: string): boolean {
  // Cheap length check first: most paragraphs are far longer than any title.
  return text.length <= comparableTitle.length * 2 && lettersAndDigits(text) === comparableTitle;
}

/**
 * Takes the first sentence, then a second one (from the same paragraph, or the next one when
 * the lead paragraph is a single sentence) if it still fits.
 */
function fitSentences(paragraphs: readonly string[]): string {
  const [first] = paragraphs;
  if (first === undefined) return '';
  const [lead, next] = firstSentences(paragraphs, 2);
  if (lead === undefined) return truncateText(first, SUMMARY_MAX_CHARS);
  if (charCount(lead) > SUMMARY_MAX_CHARS) return truncateText(lead, SUMMARY_MAX_CHARS);
  if (next !== undefined && charCount(lead) + charCount(next) <= SUMMARY_MAX_CHARS) return lead + next;
  return lead;
}

/**
 * The first `count` whole sentences of the paragraphs (bylines stripped), in order. Whole
 * sentences only: a trailing fragment without an end mark is left out. Stops once it has enough,
 * so a long paragraph is not split to the end.
 */
function firstSentences(paragraphs: readonly string[], count: number): string[] {
  const found: string[] = [];
  for (const paragraph of paragraphs) {
    for (const match of stripByline(paragraph).matchAll(SENTENCE)) {
      const sentence = match[0].trim();
      if (SENTENCE_END.test(sentence)) found.push(sentence);
      if (found.length === count) return found;
    }
  }
  return found;
}

function stripByline(text: string): string {
  let stripped = text;
  for (const prefix of NEWS_TEXT.bylinePrefixes) stripped = stripped.replace(prefix, '');
  return stripped.trim() || text;
}

function isCredit(text: string): boolean {
  return NEWS_TEXT.creditParagraphs.some((pattern) => pattern.test(text));
}

function lettersAndDigits(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();
}

/** Code points, as `[...text].length` counts them, without building the array. */
function charCount(text: string): number {
  let count = text.length;
  for (let index = 1; index < text.length; index += 1) {
    if (isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1))) count -= 1;
  }
  return count;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
