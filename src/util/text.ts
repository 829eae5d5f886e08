// CJK-aware text helpers. Pure functions.

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/** Characters not allowed in XML 1.0 (C0 controls but tab/newline/CR, U+FFFE/U+FFFF, lone surrogates). */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A quick test without lookarounds: most texts have none of these, and then nothing is replaced. */
// eslint-disable-next-line no-control-regex
const MAYBE_XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;

/** Removes characters that XML 1.0 forbids; feeds and pages must stay well-formed. */
export function stripInvalidXmlChars(text: string): string {
  return MAYBE_XML_INVALID.test(text) ? text.replace(XML_INVALID, '') : text;
}

export function isCjk(char: string): boolean {
  return CJK.test(char);
}

/** Counts characters of text, ignoring whitespace (each CJK character counts one). */
export function countChars(text: string): number {
  // Code points, not UTF-16 units: a surrogate pair is one character (whitespace is all one unit).
  const pairs = text.match(SURROGATE_PAIRS)?.length ?? 0;
  return text.replace(/\s+/gu, '').length - pairs;
}

const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;

/** Collapses runs of whitespace (including full-width spaces) to one space and trims. */
export function normalizeSpace(text: string): string {
  return text.replace(/[\s\u3000\u00a0]+/gu, ' ').trim();
}

/** Sentence ends in Chinese and Latin text, with closing quotes/brackets that may follow them. */
const SENTENCE_END = /[。！？!?；;…](?:[”’」』）)\]]*)/gu;

/** Splits text into sentences, keeping each sentence's final punctuation. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    const sentence = text.slice(start, end).trim();
    if (sentence) sentences.push(sentence);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) sentences.push(rest);
  return sentences;
}

/**
 * Shortens text to at most `max` characters, preferring to end at a sentence end, then at a
 * clause break; adds an ellipsis when it had to cut mid-sentence.
 */
export function truncateText(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join('');
  const sentenceEnd = lastMatchEnd(head, /[。！？!?](?:[”’」』）)]*)/gu);
  if (sentenceEnd >= max * 0.4) return head.slice(0, sentenceEnd);
  const clauseEnd = lastMatchEnd(head.slice(0, -1), /[，、；：,;:]/gu);
  if (clauseEnd >= max * 0.4) return `${head.slice(0, clauseEnd - 1)}…`;
  return `${chars.slice(0, max - 1).join('')}…`;
}

function lastMatchEnd(text: string, pattern: RegExp): number {
  let end = -1;
  for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
  return end;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
