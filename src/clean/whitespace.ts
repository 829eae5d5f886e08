// Whitespace and emptiness: indents out, empty elements out, one newline between blocks.
import type { AnyNode, Element } from 'domhandler';
import { removeElement } from 'domutils';
import { BLANK, type CleanPass, isBlockElement, isElement, type TextNode } from './dom.js';
import { createText, insertAfter } from './edit.js';
import { elementsNamed } from './query.js';

/** Text-holding blocks whose leading indent (U+3000 and friends) and trailing spaces are trimmed. */
const TEXT_BLOCKS: ReadonlySet<string> = new Set([
  'p', 'li', 'dt', 'dd', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'figcaption', 'caption',
]);
/** Elements removed when nothing readable is left in them. */
const PRUNABLE: ReadonlySet<string> = new Set([
  'p', 'span', 'font', 'strong', 'b', 'em', 'i', 'u', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote',
  'figcaption', 'figure',
]);
/** Content that keeps an otherwise empty element (dangerous kinds stay for the sanitizer to report). */
const CONTENT_WITHOUT_TEXT = new Set(['img', 'table', 'hr', 'iframe', 'object', 'embed', 'video', 'audio', 'script']);

/** Indents and trailing spaces out, empty elements out, blank lines between blocks collapsed. */
export function tidyWhitespace({ root }: CleanPass): void {
  for (const block of elementsNamed(root, TEXT_BLOCKS)) trimBlockEdges(block);
  for (const element of elementsNamed(root, PRUNABLE).reverse()) {
    if (isEmpty(element)) removeElement(element);
  }
  collapseBlankText(root.children);
  separateTopLevelBlocks(root.children);
}

/** One top-level block per line: easier to read and to diff. */
function separateTopLevelBlocks(nodes: readonly AnyNode[]): void {
  for (const node of [...nodes]) {
    if (isBlockElement(node) && isBlockElement(node.next)) insertAfter(node, [createText('\n')]);
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
  visitEdgeText(block.children, 'start', (node) => {
    node.data = node.data.replace(/^\s+/u, '');
    return node.data !== '';
  });
  visitEdgeText(block.children, 'end', (node) => {
    node.data = node.data.replace(/\s+$/u, '');
    return node.data !== '';
  });
}

/**
 * Visits text nodes from one edge of a block inward until `visit` returns true, stopping at a
 * picture or a line break (an indent never reaches past them). Returns true when it stopped.
 */
function visitEdgeText(nodes: readonly AnyNode[], from: 'start' | 'end', visit: (node: TextNode) => boolean): boolean {
  const count = nodes.length;
  for (let step = 0; step < count; step += 1) {
    const node = nodes[from === 'start' ? step : count - 1 - step];
    if (!node) continue;
    if (node.type === 'text') {
      if (visit(node)) return true;
      continue;
    }
    if (!isElement(node) || node.name === 'img' || node.name === 'br') return true;
    if (visitEdgeText(node.children, from, visit)) return true;
  }
  return false;
}

/** The last text node with something in it, unless a picture or line break comes after it. */
export function lastTextNode(element: Element): TextNode | undefined {
  let found: TextNode | undefined;
  visitEdgeText(element.children, 'end', (node) => {
    if (BLANK.test(node.data)) return false;
    found = node;
    return true;
  });
  return found;
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
