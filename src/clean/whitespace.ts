// Whitespace and emptiness: indents out, empty elements out, one newline between blocks.
import type { CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import { BLANK, type CleanPass, isBlockElement, isElement, selectElements, type TextNode } from './dom.js';

/** Text-holding blocks whose leading indent (U+3000 and friends) and trailing spaces are trimmed. */
const TEXT_BLOCKS = 'p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6, blockquote, figcaption, caption';
/** Elements removed when nothing readable is left in them. */
const PRUNABLE = 'p, span, font, strong, b, em, i, u, a, h1, h2, h3, h4, h5, h6, blockquote, figcaption, figure';
/** Content that keeps an otherwise empty element (dangerous kinds stay for the sanitizer to report). */
const CONTENT_WITHOUT_TEXT = new Set(['img', 'table', 'hr', 'iframe', 'object', 'embed', 'video', 'audio', 'script']);

/** Indents and trailing spaces out, empty elements out, blank lines between blocks collapsed. */
export function tidyWhitespace({ $ }: CleanPass): void {
  for (const block of $(TEXT_BLOCKS).get()) trimBlockEdges(block);
  for (const element of selectElements($, [PRUNABLE]).reverse()) {
    if (isEmpty(element)) $(element).remove();
  }
  const root = $.root().get(0);
  if (!root) return;
  collapseBlankText(root.children);
  separateTopLevelBlocks($, root.children);
}

/** One top-level block per line: easier to read and to diff. */
function separateTopLevelBlocks($: CheerioAPI, nodes: readonly AnyNode[]): void {
  for (const node of [...nodes]) {
    if (isBlockElement(node) && isBlockElement(node.next)) $(node).after('\n');
  }
}

function isEmpty(element: Element): boolean {
  return element.children.every((child) => {
    if (child.type === 'text') return BLANK.test(child.data);
    if (!isElement(child)) return true;
    return !CONTENT_WITHOUT_TEXT.has(child.name) && isEmpty(child);
  });
}

/** Strips leading and trailing whitespace (U+3000 indents included) across the edge text nodes. */
function trimBlockEdges(block: Element): void {
  for (const node of edgeTextNodes(block.children, 'start')) {
    node.data = node.data.replace(/^\s+/u, '');
    if (node.data) break;
  }
  for (const node of edgeTextNodes(block.children, 'end')) {
    node.data = node.data.replace(/\s+$/u, '');
    if (node.data) break;
  }
}

/**
 * Text nodes from one edge of a block inward, stopping at a picture or a line break (an indent
 * never reaches past them). Returns true when it stopped early.
 */
function* edgeTextNodes(nodes: readonly AnyNode[], from: 'start' | 'end'): Generator<TextNode, boolean> {
  const ordered = from === 'start' ? nodes : [...nodes].reverse();
  for (const node of ordered) {
    if (node.type === 'text') yield node;
    else if (!isElement(node) || node.name === 'img' || node.name === 'br') return true;
    else if (yield* edgeTextNodes(node.children, from)) return true;
  }
  return false;
}

/** The last text node with something in it, unless a picture or line break comes after it. */
export function lastTextNode(element: Element): TextNode | undefined {
  for (const node of edgeTextNodes(element.children, 'end')) if (!BLANK.test(node.data)) return node;
  return undefined;
}

/** Whitespace-only text between blocks becomes one newline, or nothing at the edges (never inside <pre>). */
function collapseBlankText(nodes: readonly AnyNode[]): void {
  for (const node of nodes) {
    if (isElement(node)) {
      if (node.name !== 'pre') collapseBlankText(node.children);
      continue;
    }
    if (node.type !== 'text' || !BLANK.test(node.data)) continue;
    const before = significantSibling(node, 'prev');
    const after = significantSibling(node, 'next');
    if ((before && !isBlockElement(before)) || (after && !isBlockElement(after))) continue;
    const repeated = node.prev?.type === 'text';
    node.data = before && after && !repeated ? '\n' : '';
  }
}

/** The nearest sibling that is not blank text. */
function significantSibling(node: AnyNode, direction: 'prev' | 'next'): AnyNode | null {
  let sibling = node[direction];
  while (sibling && sibling.type === 'text' && BLANK.test(sibling.data)) sibling = sibling[direction];
  return sibling;
}
