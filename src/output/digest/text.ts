import { isCjk, normalizeSpace, stripInvalidXmlChars } from '../../util/text.js';
import type { DigestView, EntryView, ThemeView, UnsubscribeView } from './view.js';
import { zhDigest } from '../zh.js';

// The digest's text/plain part, laid out from the same view as the HTML (never stripped HTML).
// Lines are wrapped by display width (a CJK character takes two columns); URLs stand on their
// own lines, unbroken, so clients can link them.

/** Display columns per line; 76 leaves room for quoting and stays under 78. */
export const TEXT_WIDTH = 76;
const INDENT = '   ';

export function renderEmailText(view: DigestView, options: { unsubscribe?: UnsubscribeView; preferencesUrl?: string }): string {
  const blocks: string[][] = [
    [...wrap(`${view.site.title}${zhDigest.separator}${view.week}`), ...wrap(`${view.period}${zhDigest.separator}${zhDigest.total(view.total)}`)],
    [`${zhDigest.viewInBrowser}${zhDigest.colon}`, view.webCopyUrl],
  ];
  if (view.omitted > 0) blocks.push(wrap(zhDigest.omitted(view.omitted)));
  if (view.themes.length > 0) {
    blocks.push([zhDigest.contents, ...view.themes.flatMap((theme, index) => wrap(`${index + 1}. ${zhDigest.themeHeading(theme.name, theme.count)}`, '', INDENT))]);
  }
  for (const theme of view.themes) blocks.push(...themeBlocks(theme, view.webCopyUrl));
  blocks.push(footer(view, options.unsubscribe, options.preferencesUrl));
  return stripInvalidXmlChars(`${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`);
}

function themeBlocks(theme: ThemeView, webCopyUrl: string): string[][] {
  const heading = [rule(), ...wrap(zhDigest.themeHeading(theme.name, theme.count))];
  const entries = theme.entries.map((entry, index) => entryLines(entry, index + 1));
  const more = theme.count > theme.entries.length ? [[`${zhDigest.viewAll(theme.count)}${zhDigest.colon}`, `${webCopyUrl}#${theme.anchor}`]] : [];
  return [heading, ...entries, ...more];
}

function entryLines(entry: EntryView, number: number): string[] {
  const lines = [
    ...wrap(`${number}. ${entry.title}`, '', INDENT),
    ...wrap(`${entry.source}${zhDigest.separator}${entry.date}`, INDENT, INDENT),
    ...wrap(entry.summary, INDENT, INDENT),
  ];
  if (entry.similarCount > 0) lines.push(...wrap(zhDigest.similar(entry.similarCount), INDENT, INDENT));
  if (entry.url) lines.push(`${INDENT}${entry.url}`);
  return lines;
}

function footer(view: DigestView, unsubscribe: UnsubscribeView | undefined, preferencesUrl: string | undefined): string[] {
  const lines = ['-- ', ...wrap(zhDigest.why(view.site.title))];
  if (preferencesUrl) lines.push(`${zhDigest.preferencesLink}${zhDigest.colon}`, preferencesUrl);
  if (unsubscribe?.url) lines.push(`${zhDigest.unsubscribeLink}${zhDigest.colon}`, unsubscribe.url);
  else if (unsubscribe) {
    // The subject names the reader: on a line of its own, so the wrapping above is the same for everyone.
    lines.push(...wrap(`${zhDigest.unsubscribeByMail} ${unsubscribe.mailtoAddress}`));
    if (unsubscribe.mailtoSubject) lines.push(zhDigest.mailSubject(unsubscribe.mailtoSubject));
  }
  lines.push(view.site.url);
  return lines;
}

function rule(): string {
  return '='.repeat(TEXT_WIDTH / 2);
}

/** Characters that must not start a line (closing punctuation) or end one (opening punctuation). */
const NO_LINE_START = /^[，。、；：！？）》」』】〕”’,.;:!?)\]}…—·]/u;
const NO_LINE_END = /[（《「『【〔“‘([{]$/u;

/**
 * Wraps one paragraph to TEXT_WIDTH columns: between any two CJK characters, at spaces between
 * other words. A word wider than the line stays whole on its own line. A last line of one or two
 * characters takes one more piece from the line above, so a sentence does not end alone.
 */
export function wrap(text: string, firstIndent = '', restIndent = firstIndent.replace(/\S/gu, ' ')): string[] {
  const lines: string[][] = [];
  let line: string[] = [];
  let used = width(firstIndent);
  for (const unit of breakUnits(normalizeSpace(text))) {
    if (line.length > 0 && used + width(unit) > TEXT_WIDTH) {
      lines.push(line);
      line = [];
      used = width(restIndent);
    }
    const piece = line.length === 0 ? unit.trimStart() : unit;
    line.push(piece);
    used += width(piece);
  }
  if (line.length > 0) lines.push(line);

  const last = lines.at(-1);
  const previous = lines.at(-2);
  if (last && previous && previous.length > 1 && width(last.join('')) <= 4) {
    const moved = previous.pop() ?? '';
    last[0] = last[0]?.trimStart() ?? '';
    last.unshift(moved);
  }
  return lines.map((pieces, index) => `${index === 0 ? firstIndent : restIndent}${pieces.join('').trim()}`.trimEnd());
}

/** Pieces a line may break before: each CJK character, each space-led word, with punctuation glued on. */
function breakUnits(text: string): string[] {
  const units: string[] = [];
  for (const match of text.matchAll(/ ?[^\s]/gu)) {
    const char = match[0];
    const previous = units.at(-1);
    const joinsPrevious =
      previous !== undefined &&
      (NO_LINE_START.test(char) || NO_LINE_END.test(previous) || (!char.startsWith(' ') && !isWide(char) && !isWide(lastChar(previous))));
    if (joinsPrevious) units[units.length - 1] = previous + char;
    else units.push(char);
  }
  return units;
}

function lastChar(text: string): string {
  return [...text].at(-1) ?? '';
}

function isWide(char: string): boolean {
  return isCjk(char) || (char.codePointAt(0) ?? 0) > 0xffff;
}

/** Display columns of a string: two for CJK and astral characters (emoji), one otherwise. */
export function width(text: string): number {
  let columns = 0;
  for (const char of text) columns += isWide(char) ? 2 : 1;
  return columns;
}
