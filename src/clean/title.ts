// Repairs titles the crawler damaged: quotes turned into underscores, wrapping quote runs, entities.
// Titles, like categories and author names, are plain text: markup a feed put in them is removed.
import { normalizeSpace, stripInvalidXmlChars } from '../util/text.js';
import { repairMojibake } from './mojibake.js';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', laquo: '«', raquo: '»',
  mdash: '—', ndash: '–', hellip: '…', middot: '·', times: '×', divide: '÷', yen: '¥',
};

const QUOTES = `"'“”‘’`;
const LEADING_QUOTES = new RegExp(`^[${QUOTES}]+`, 'u');
const TRAILING_QUOTES = new RegExp(`[${QUOTES}]+$`, 'u');
const CJK_CHAR = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
const ASCII_WORD_CHAR = /[A-Za-z0-9]/;
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'“”]+/giu;

/**
 * Repairs a crawled title: removes markup, decodes entities, strips invalid XML characters,
 * collapses whitespace (runs become one space), removes runs of quotes wrapped around the whole
 * title, turns underscore pairs back into “…” and ASCII double quotes around Chinese text into “…”.
 * A final `。` is kept: it is what the source published.
 */
export function repairTitle(raw: string): string {
  let title = plainText(raw);
  title = stripWrappingQuotes(title);
  title = restoreUnderscoreQuotes(title);
  title = curlAsciiQuotes(title);
  return title;
}

/** Elements whose content is never text: a title's `<script>…</script>` goes whole. */
const HIDDEN_ELEMENT = /<(script|style|noscript|template|iframe|object|textarea|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/giu;
/**
 * A tag: `<` right before a name (or `/` and a name), then anything but angle brackets. `a < b`
 * and `1<2` are text, not tags.
 */
const TAG = /<\/?[a-z][a-z0-9:-]*(?:[\s/][^<>]*)?>|<!--[\s\S]*?-->/giu;

/**
 * A line of plain text from what a source calls a title, category or name: double-encoded UTF-8
 * repaired, markup removed (tags, and the content of scripts and styles), entities decoded,
 * invalid XML characters stripped, whitespace collapsed. Text without markup comes out as written.
 */
export function plainText(raw: string): string {
  const repaired = repairMojibake(raw);
  const withoutMarkup = repaired.includes('<') ? repaired.replace(HIDDEN_ELEMENT, ' ').replace(TAG, (tag) => (BLOCK_TAG.test(tag) ? ' ' : '')) : repaired;
  return normalizeSpace(stripInvalidXmlChars(decodeEntities(withoutMarkup)));
}

/** Tags that break a line: removed, they leave a space so that words do not run together. */
const BLOCK_TAG = /^<\/?(?:br|p|div|li|h[1-6]|tr|td|blockquote)\b/iu;

/** Decodes numeric entities and the named ones titles use. Unknown names stay as they are. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/giu, (entity, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

/**
 * `"""""'LPR…'"""""` → `LPR…`. Strips when both ends carry a run of two or more quotes, or when a
 * single ASCII quote pairs with the same quote at the end and never occurs inside. A title that
 * only starts with a quoted phrase keeps its quotes.
 */
function stripWrappingQuotes(title: string): string {
  let current = title;
  for (;;) {
    const open = LEADING_QUOTES.exec(current)?.[0] ?? '';
    const close = TRAILING_QUOTES.exec(current)?.[0] ?? '';
    if (!open || !close || open.length + close.length >= current.length) return current;
    const inner = current.slice(open.length, current.length - close.length);
    const runs = open.length >= 2 && close.length >= 2;
    const asciiPair = open === close && open.length === 1 && `"'`.includes(open) && !inner.includes(open);
    if (!runs && !asciiPair) return current;
    current = inner.trim();
  }
}

/** `做好_1+4+1_帮扶` → `做好“1+4+1”帮扶`; underscores inside ASCII words and URLs stay. */
function restoreUnderscoreQuotes(title: string): string {
  if (!title.includes('_')) return title;
  const chars = [...title];
  const inUrl = urlMask(title, chars.length);
  const candidates: number[] = [];
  chars.forEach((char, index) => {
    if (char !== '_' || inUrl[index]) return;
    const between = ASCII_WORD_CHAR.test(chars[index - 1] ?? '') && ASCII_WORD_CHAR.test(chars[index + 1] ?? '');
    if (!between) candidates.push(index);
  });
  for (let pair = 0; pair + 1 < candidates.length; pair += 2) {
    const open = candidates[pair] as number;
    const close = candidates[pair + 1] as number;
    if (chars.slice(open + 1, close).join('').trim() === '') continue;
    chars[open] = '“';
    chars[close] = '”';
  }
  return chars.join('');
}

/** `"100种方法刑事你"的女书记` → `“100种方法刑事你”的女书记`. */
function curlAsciiQuotes(title: string): string {
  if (!title.includes('"')) return title;
  return title.replace(/"([^"]+)"/gu, (quoted, inner: string) => (CJK_CHAR.test(inner) ? `“${inner}”` : quoted));
}

/** Marks the characters (by code point index; `text` has `charCount` of them) that belong to a URL. */
function urlMask(text: string, charCount: number): boolean[] {
  const mask = new Array<boolean>(charCount).fill(false);
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = [...text.slice(0, match.index)].length;
    const length = [...match[0]].length;
    for (let index = start; index < start + length; index += 1) mask[index] = true;
  }
  return mask;
}
