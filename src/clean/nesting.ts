// Caps how deep elements nest in markup, before htmlparser2 parses it. htmlparser2 keeps its open
// elements in an array it unshifts and shifts at the front, so every tag costs as much as the
// depth it is at: 100,000 unclosed <i> took 4 s and 650,000 (under 2 MiB) four minutes. This pass
// reads the tags as htmlparser2's tokenizer does and follows the elements its parser holds open
// (implied ends, void and self-closing elements included), in time linear in the markup. Elements
// that would open deeper than the limit give way to their content, which stays where it is: only
// their start and end tags are left out. As in a browser's parser, nothing read is lost.
//
// What ends up at the limit: the innermost elements (those holding no element: a <p> of text, a
// link) are kept one level below it, and so are the elements whose content is dropped anyway
// (<script>, <svg>…), for the sanitizer to remove and report.

import { CONTENT_DROPPING_TAGS } from './dom.js';

export interface CappedMarkup {
  html: string;
  /** Elements whose tags were left out. */
  flattened: number;
}

/** htmlparser2's: an element opening with one of these names closes an open one of those names. */
const OPEN_IMPLIES_CLOSE: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const p = new Set(['p']);
  const form = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
  const entries: [string, ReadonlySet<string>][] = [
    ['tr', new Set(['tr', 'th', 'td'])],
    ['th', new Set(['th'])],
    ['td', new Set(['thead', 'th', 'td'])],
    ['body', new Set(['head', 'link', 'script'])],
    ['li', new Set(['li'])],
    ['option', new Set(['option'])],
    ['optgroup', new Set(['optgroup', 'option'])],
    ['dd', new Set(['dd', 'dt'])],
    ['dt', new Set(['dd', 'dt'])],
    ['rt', new Set(['rt', 'rp'])],
    ['rp', new Set(['rt', 'rp'])],
    ['tbody', new Set(['thead', 'tbody'])],
    ['tfoot', new Set(['thead', 'tbody'])],
  ];
  for (const name of ['select', 'input', 'output', 'button', 'datalist', 'textarea']) entries.push([name, form]);
  const closingP = 'p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul';
  for (const name of closingP.split(' ')) entries.push([name, p]);
  return new Map(entries);
})();

/** htmlparser2's void elements: never held open. */
const VOID = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex',
  'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
/** Elements whose content the tokenizer reads as text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
/** Inside these, `<x/>` closes itself (htmlparser2's foreign context)… */
const FOREIGN = new Set(['svg', 'math']);
/** …and inside these, within foreign content, it does not again. */
const HTML_INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

interface Frame {
  name: string;
  /** Its tags are in the output (the parser holds it open). */
  kept: boolean;
  /** Where its start tag is in the output, while it may still be left out (see `leaf`). */
  piece?: number;
  /** End tags of the elements its start tag ended by implication: they stand in for it if it is left out. */
  impliedEnds?: string;
}

interface Tag {
  /** Lower-case name; '' for comments, declarations, processing instructions and `</>`. */
  name: string;
  closing: boolean;
  /** Ends with `/>`: an element that ends at once in foreign content (SVG, MathML). */
  selfClosing: boolean;
  /** Index just after the tag. */
  end: number;
}

/** `html` with every element opening deeper than `limit` left out but for its content. */
export function capNesting(html: string, limit: number): CappedMarkup {
  const capper = new Capper(html, limit);
  let at = html.indexOf('<');
  while (at !== -1) {
    const tag = readTag(html, at);
    if (tag === 'unterminated') break; // the rest is one tag, a comment or text: nothing opens in it
    if (tag === 'text') {
      at = html.indexOf('<', at + 1);
      continue;
    }
    if (tag.name && tag.closing) capper.close(tag, at);
    else if (tag.name) capper.open(tag, at);
    at = html.indexOf('<', isRawText(tag) ? rawTextEnd(html, tag) : tag.end);
  }
  return capper.result();
}

class Capper {
  /** Every element open at this point of the markup, outermost first. */
  private readonly frames: Frame[] = [];
  /** The kept ones among them: what the parser holds open. */
  private readonly kept: Frame[] = [];
  /** Open frames per name, so an end tag with no open element is passed over at once. */
  private readonly openCounts = new Map<string, number>();
  /** htmlparser2's foreign-context stack: whether `<x/>` ends at once. */
  private readonly foreign: boolean[] = [false];
  /** The kept element one level below the limit, while it holds no element. */
  private leaf: Frame | undefined;
  private readonly pieces: string[] = [];
  private copied = 0;
  private flattened = 0;

  constructor(
    private readonly html: string,
    private readonly limit: number,
  ) {}

  open(tag: Tag, at: number): void {
    const ended = this.closeImplied(tag.name);
    if (this.leaf && this.kept.at(-1) === this.leaf) {
      // Any element, a void one too, makes the leaf no leaf, unless the leaf keeps its content apart.
      if (keepsContentApart(this.leaf.name)) {
        // A void or raw-text element holds no element, so it may stay; other tags go.
        if (!VOID.has(tag.name) && !isRawText(tag)) {
          this.leaveOut(at, tag.end);
          this.flattened += 1;
          if (!(tag.selfClosing && this.foreign.at(-1))) this.push({ name: tag.name, kept: false });
          return;
        }
      } else {
        this.leafGivesWay();
        ended.push(...this.closeImplied(tag.name)); // as the parser will, not seeing the leaf's start tag
      }
    }
    if (VOID.has(tag.name)) return;
    const frame: Frame = { name: tag.name, kept: true };
    if (this.kept.length >= this.limit && !this.leaf) {
      frame.piece = this.emitAsPiece(at, tag.end);
      frame.impliedEnds = ended.map((name) => `</${name}>`).join('');
      this.leaf = frame;
    }
    this.push(frame);
    if (FOREIGN.has(tag.name)) this.foreign.push(true);
    else if (HTML_INTEGRATION.has(tag.name)) this.foreign.push(false);
    // In foreign content `<x/>` ends at once; the parser then leaves its foreign stack as it is.
    if (tag.selfClosing && this.foreign.at(-1)) this.popThrough(frame);
  }

  close(tag: Tag, at: number): void {
    const index = this.openCounts.get(tag.name) && !VOID.has(tag.name) ? this.innermostOpen(tag.name) : -1;
    const frame = this.frames[index];
    if (!frame || frame.kept) {
      // The parser sees this end tag.
      this.foreignEndTag(tag.name);
      if (frame) this.popThrough(frame);
      return;
    }
    // An element left out loses its end tag too; kept elements inside it must still end here.
    this.leaveOut(at, tag.end);
    const endTags: string[] = [];
    for (let inner = this.frames.length - 1; inner > index; inner -= 1) {
      const open = this.frames[inner] as Frame;
      if (!open.kept) continue;
      endTags.push(`</${open.name}>`);
      this.foreignEndTag(open.name);
    }
    if (endTags.length > 0) this.pieces.push(endTags.join('')); // after the end tag left out: copied is past it
    this.popThrough(frame);
  }

  result(): CappedMarkup {
    if (this.copied === 0) return { html: this.html, flattened: 0 };
    this.pieces.push(this.html.slice(this.copied));
    return { html: this.pieces.join(''), flattened: this.flattened };
  }

  /**
   * htmlparser2: an element opening ends the open elements its name implies the end of (none of
   * them foreign or an integration point). Returns their names, innermost first.
   */
  private closeImplied(name: string): string[] {
    const implied = OPEN_IMPLIES_CLOSE.get(name);
    const ended: string[] = [];
    for (let top = this.kept.at(-1); implied && top && implied.has(top.name); top = this.kept.at(-1)) {
      ended.push(top.name);
      this.popThrough(top);
    }
    return ended;
  }

  /** An element opens inside the leaf: the leaf is no leaf and gives way to its content. */
  private leafGivesWay(): void {
    const leaf = this.leaf as Frame; // never foreign or an integration point (see keepsContentApart)
    // Its start tag is a piece of its own, whose place the end tags it implied take, so that the
    // parser still ends those elements there.
    if (leaf.piece === this.pieces.length - 1 && !leaf.impliedEnds) this.pieces.pop();
    else this.pieces[leaf.piece as number] = leaf.impliedEnds ?? '';
    leaf.kept = false;
    this.kept.pop();
    this.leaf = undefined;
    this.flattened += 1;
  }

  /** Any end tag of these names leaves the parser's current foreign context, matched or not. */
  private foreignEndTag(name: string): void {
    if (FOREIGN.has(name) || HTML_INTEGRATION.has(name)) this.foreign.pop();
  }

  /** Index of the innermost open frame named `name`; the frames above it close with it, so the search costs nothing extra over a run. */
  private innermostOpen(name: string): number {
    let index = this.frames.length - 1;
    while ((this.frames[index] as Frame).name !== name) index -= 1;
    return index;
  }

  private push(frame: Frame): void {
    this.frames.push(frame);
    if (frame.kept) this.kept.push(frame);
    this.openCounts.set(frame.name, (this.openCounts.get(frame.name) ?? 0) + 1);
  }

  /** Ends `frame` and every element opened inside it. */
  private popThrough(frame: Frame): void {
    for (let open = this.frames.pop(); open; open = this.frames.pop()) {
      this.openCounts.set(open.name, (this.openCounts.get(open.name) as number) - 1);
      if (open.kept) this.kept.pop();
      if (open === this.leaf) this.leaf = undefined;
      if (open === frame) return;
    }
  }

  private leaveOut(start: number, end: number): void {
    this.copyUpTo(start);
    this.copied = end;
  }

  private emitAsPiece(start: number, end: number): number {
    this.copyUpTo(start);
    this.pieces.push(this.html.slice(start, end));
    this.copied = end;
    return this.pieces.length - 1;
  }

  private copyUpTo(index: number): void {
    if (index > this.copied) this.pieces.push(this.html.slice(this.copied, index));
    this.copied = index;
  }
}

/**
 * A leaf whose inner tags are left out instead of its own: one whose content is dropped anyway, and
 * one that changes how the parser reads `<x/>` inside it (leaving out its start tag afterwards
 * would change how the parser read what came after it).
 */
function keepsContentApart(name: string): boolean {
  return CONTENT_DROPPING_TAGS.has(name) || FOREIGN.has(name) || HTML_INTEGRATION.has(name);
}

// ---------------------------------------------------------------------------------------------
// Reading tags as htmlparser2's tokenizer does (HTML mode).

const RAW_TEXT_ENDS = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}[\\t\\n\\f\\r >]`, 'gi')]));

/** A start tag whose content the tokenizer reads as text (`<script/>` is not one: it starts no raw text). */
function isRawText(tag: Tag): boolean {
  return !tag.closing && !tag.selfClosing && RAW_TEXT.has(tag.name);
}

/** Where the raw text after `tag` ends: at its end tag, else at the end of the markup. */
function rawTextEnd(html: string, tag: Tag): number {
  const pattern = RAW_TEXT_ENDS.get(tag.name) as RegExp;
  pattern.lastIndex = tag.end;
  return pattern.exec(html)?.index ?? html.length;
}

const enum Char {
  Tab = 0x09,
  NewLine = 0x0a,
  FormFeed = 0x0c,
  Return = 0x0d,
  Space = 0x20,
  Bang = 0x21,
  DoubleQuote = 0x22,
  SingleQuote = 0x27,
  Slash = 0x2f,
  Equals = 0x3d,
  Gt = 0x3e,
  Question = 0x3f,
}

function isWhitespace(c: number): boolean {
  return c === Char.Space || c === Char.NewLine || c === Char.Tab || c === Char.FormFeed || c === Char.Return;
}

function isAsciiAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isEndOfTagSection(c: number): boolean {
  return c === Char.Slash || c === Char.Gt || isWhitespace(c);
}

/** The markup thing starting at `at` (a `<`): a tag, 'text' when it starts none, 'unterminated' when the markup ends inside it. */
function readTag(html: string, at: number): Tag | 'text' | 'unterminated' {
  const next = html.charCodeAt(at + 1);
  if (next === Char.Bang) {
    if (html.startsWith('<!--', at)) return skipPast(html, '-->', at + 2);
    if (html.startsWith('<![CDATA[', at)) return skipPast(html, ']]>', at + 9);
    return skipPast(html, '>', at + 2);
  }
  if (next === Char.Question) return skipPast(html, '>', at + 2);
  let index = at + 1;
  const closing = next === Char.Slash;
  if (closing) {
    index += 1;
    while (isWhitespace(html.charCodeAt(index))) index += 1; // `</ p>` ends a <p>
    const first = html.charCodeAt(index);
    if (first === Char.Gt) return { name: '', closing, selfClosing: false, end: index + 1 };
    if (!isAsciiAlpha(first)) return index >= html.length ? 'unterminated' : skipPast(html, '>', index); // a bogus comment
  } else if (!isAsciiAlpha(next)) {
    return 'text';
  }
  const nameStart = index;
  while (index < html.length && !isEndOfTagSection(html.charCodeAt(index))) index += 1;
  if (index >= html.length) return 'unterminated';
  const name = html.slice(nameStart, index).toLowerCase();
  if (closing) {
    const end = html.indexOf('>', index);
    return end === -1 ? 'unterminated' : { name, closing, selfClosing: false, end: end + 1 };
  }
  const end = startTagEnd(html, index);
  return end === undefined ? 'unterminated' : { name, closing, selfClosing: end.selfClosing, end: end.index };
}

/** The tokenizer's attribute states, from just after a tag name to just after the `>`. */
function startTagEnd(html: string, from: number): { index: number; selfClosing: boolean } | undefined {
  let state: 'beforeName' | 'selfClosing' | 'name' | 'afterName' | 'beforeValue' | 'unquoted' = 'beforeName';
  for (let index = from; index < html.length; index += 1) {
    const c = html.charCodeAt(index);
    switch (state) {
      case 'selfClosing':
        if (c === Char.Gt) return { index: index + 1, selfClosing: true };
        if (!isWhitespace(c)) {
          state = 'beforeName';
          index -= 1; // read it again there
        }
        break;
      case 'beforeName':
        if (c === Char.Gt) return { index: index + 1, selfClosing: false };
        if (c === Char.Slash) state = 'selfClosing';
        else if (!isWhitespace(c)) state = 'name';
        break;
      case 'name':
        if (c === Char.Equals || isEndOfTagSection(c)) {
          state = 'afterName';
          index -= 1; // read it again there
        }
        break;
      case 'afterName':
        if (c === Char.Equals) state = 'beforeValue';
        else if (c === Char.Slash || c === Char.Gt) {
          state = 'beforeName';
          index -= 1;
        } else if (!isWhitespace(c)) state = 'name';
        break;
      case 'beforeValue':
        if (c === Char.DoubleQuote || c === Char.SingleQuote) {
          const close = html.indexOf(c === Char.DoubleQuote ? '"' : "'", index + 1);
          if (close === -1) return undefined;
          index = close;
          state = 'beforeName';
        } else if (!isWhitespace(c)) {
          state = 'unquoted';
        }
        break;
      case 'unquoted':
        if (isWhitespace(c) || c === Char.Gt) {
          state = 'beforeName';
          index -= 1;
        }
        break;
    }
  }
  return undefined;
}

/** A comment, CDATA section, declaration or processing instruction: skipped up to and past `terminator`. */
function skipPast(html: string, terminator: string, from: number): Tag | 'unterminated' {
  const at = html.indexOf(terminator, from);
  return at === -1 ? 'unterminated' : { name: '', closing: false, selfClosing: false, end: at + terminator.length };
}
