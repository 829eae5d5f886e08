// Turns a cleaned DOM into text blocks: the plain text of the article and the input of the summary.
import type { AnyNode, Element } from 'domhandler';
import { stripInvalidXmlChars } from '../util/text.js';
import { BLOCK_TAGS, CONTENT_DROPPING_TAGS, isElement } from './dom.js';

export type BlockKind = 'paragraph' | 'heading' | 'quote' | 'caption' | 'item' | 'table' | 'code';

export interface Block {
  kind: BlockKind;
  text: string;
}

const KIND_OF_TAG: Readonly<Record<string, BlockKind>> = {
  p: 'paragraph', h1: 'heading', h2: 'heading', h3: 'heading', h4: 'heading', h5: 'heading', h6: 'heading',
  blockquote: 'quote', figcaption: 'caption', caption: 'caption', li: 'item', dt: 'item', dd: 'item',
};

const EMPHASIS_TAGS = new Set(['strong', 'b']);
const TABLE_CELL_SEPARATOR = ' | ';

/** Collects the text blocks of `nodes` in reading order. */
export function collectBlocks(nodes: readonly AnyNode[]): Block[] {
  const collector = new BlockCollector();
  for (const node of nodes) collector.visit(node, 'paragraph', false);
  collector.flush('paragraph');
  return collector.blocks;
}

/** Plain text: blocks separated by a blank line. */
export function blocksToText(blocks: readonly Block[]): string {
  return blocks.map((block) => block.text).join('\n\n');
}

class BlockCollector {
  readonly blocks: Block[] = [];
  private buffer = '';
  private sawPlainText = false;
  private sawEmphasis = false;

  visit(node: AnyNode, kind: BlockKind, emphasis: boolean): void {
    if (node.type === 'text') {
      this.addText(node.data, emphasis);
      return;
    }
    if (!isElement(node) || CONTENT_DROPPING_TAGS.has(node.name)) return;
    const name = node.name;
    if (name === 'br') this.buffer += '\n';
    else if (name === 'table') this.addTable(node);
    else if (name === 'pre') this.addPre(node);
    else if (BLOCK_TAGS.has(name)) this.addBlock(node, kind);
    else this.visitChildren(node, kind, emphasis || EMPHASIS_TAGS.has(name));
  }

  /** Ends the current block; a paragraph made only of bold text is a heading. */
  flush(kind: BlockKind): void {
    const text = normalizeLines(this.buffer);
    if (text) {
      const heading = kind === 'paragraph' && this.sawEmphasis && !this.sawPlainText;
      this.blocks.push({ kind: heading ? 'heading' : kind, text });
    }
    this.buffer = '';
    this.sawPlainText = false;
    this.sawEmphasis = false;
  }

  private addText(data: string, emphasis: boolean): void {
    // Source line breaks are spaces; only <br> makes a line break.
    this.buffer += data.replace(/\s+/gu, ' ');
    if (/\S/u.test(data)) {
      if (emphasis) this.sawEmphasis = true;
      else this.sawPlainText = true;
    }
  }

  private addBlock(element: Element, outerKind: BlockKind): void {
    this.flush(outerKind);
    // Paragraphs inside a blockquote stay quotes.
    const kind = outerKind === 'quote' ? 'quote' : (KIND_OF_TAG[element.name] ?? outerKind);
    this.visitChildren(element, kind, false);
    this.flush(kind);
  }

  private addTable(table: Element): void {
    this.flush('paragraph');
    const rows: string[] = [];
    for (const node of descendants(table)) {
      if (!isElement(node)) continue;
      if (node.name === 'caption') this.pushBlock('caption', normalizeLines(innerText(node).replace(/\s+/gu, ' ')));
      if (node.name !== 'tr') continue;
      const cells = node.children
        .filter((cell): cell is Element => isElement(cell) && (cell.name === 'td' || cell.name === 'th'))
        .map((cell) => normalizeLines(innerText(cell).replace(/\s+/gu, ' ')));
      if (cells.some(Boolean)) rows.push(cells.join(TABLE_CELL_SEPARATOR));
    }
    this.pushBlock('table', rows.join('\n'));
  }

  private addPre(pre: Element): void {
    this.flush('paragraph');
    // Code keeps its own spacing; only blank edges go.
    this.pushBlock('code', stripInvalidXmlChars(innerText(pre)).replace(/^\s*\n|\s+$/gu, ''));
  }

  private pushBlock(kind: BlockKind, text: string): void {
    if (text) this.blocks.push({ kind, text });
  }

  private visitChildren(element: Element, kind: BlockKind, emphasis: boolean): void {
    for (const child of element.children) this.visit(child, kind, emphasis);
  }
}

/** Drops characters XML forbids, collapses spaces within lines, trims lines, drops empty ones. */
function normalizeLines(text: string): string {
  const valid = stripInvalidXmlChars(text);
  if (!valid.includes('\n')) return normalizeLine(valid); // the usual case: no <br> in the block
  return valid
    .split('\n')
    .map(normalizeLine)
    .filter(Boolean)
    .join('\n');
}

function normalizeLine(line: string): string {
  return line.replace(/\s+/gu, ' ').trim();
}

/** Text of an element, skipping content-dropping elements; `<br>` becomes a newline. */
function innerText(element: Element): string {
  let text = '';
  for (const child of element.children) {
    if (child.type === 'text') text += child.data;
    else if (isElement(child) && child.name === 'br') text += '\n';
    else if (isElement(child) && !CONTENT_DROPPING_TAGS.has(child.name)) text += innerText(child);
  }
  return text;
}

/** All descendants in document order, not descending into nested tables. */
function* descendants(element: Element): Generator<AnyNode> {
  for (const child of element.children) {
    yield child;
    if (isElement(child) && child.name !== 'table') yield* descendants(child);
  }
}
