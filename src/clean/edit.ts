// DOM edits without cheerio wrappers. Each one makes the edit its cheerio method makes
// (`replaceWith`, `append`, `after`, `before`), prev/next links included, with one difference:
// around an element unwrapped while empty, cheerio leaves its neighbours' links dangling, and
// later passes, which walk along siblings, then skipped a line break or threw.
import { Element, Text, type ChildNode, type ParentNode } from 'domhandler';
import { removeElement } from 'domutils';

/** A new element with no attributes (what cheerio parses out of `<name></name>`). */
export function createElement(name: string): Element {
  return new Element(name, {});
}

/** A new text node (what cheerio parses out of a string without markup). */
export function createText(data: string): Text {
  return new Text(data);
}

/** Replaces an element by its content (cheerio: `$(el).replaceWith($(el).contents())`). */
export function unwrap(element: Element): void {
  replaceWith(element, [...element.children]);
}

/** Puts `nodes` in place of `node`, taking them out of wherever they were (cheerio: `replaceWith`). */
export function replaceWith(node: ChildNode, nodes: ChildNode[]): void {
  const { parent } = node;
  if (!parent) return;
  detachAll(nodes);
  spliceChildren(parent, parent.children.indexOf(node), 1, nodes);
  if (!nodes.includes(node)) node.parent = node.prev = node.next = null;
}

/**
 * Makes `nodes` the children of `parent`, with parent and sibling links to match. For rebuilding a
 * subtree in one go: the nodes' former parents are not relinked, so each must come from the subtree.
 */
export function setChildren(parent: ParentNode, nodes: ChildNode[]): void {
  nodes.forEach((node, index) => {
    node.parent = parent;
    node.prev = nodes[index - 1] ?? null;
    node.next = nodes[index + 1] ?? null;
  });
  parent.children = nodes;
}

/** Moves `nodes` to the end of `parent`'s children (cheerio: `append`). */
export function appendNodes(parent: ParentNode, nodes: ChildNode[]): void {
  spliceChildren(parent, parent.children.length, 0, nodes);
}

/** Inserts `nodes` right after `element` (cheerio: `after`). */
export function insertAfter(element: Element, nodes: ChildNode[]): void {
  const index = element.parent?.children.indexOf(element) ?? -1;
  if (element.parent && index !== -1) spliceChildren(element.parent, index + 1, 0, nodes);
}

/** Inserts `nodes` right before `element` (cheerio: `before`). */
export function insertBefore(element: Element, nodes: ChildNode[]): void {
  const index = element.parent?.children.indexOf(element) ?? -1;
  if (element.parent && index !== -1) spliceChildren(element.parent, index, 0, nodes);
}

/** Takes nodes out of their parents, relinking the siblings left behind (cheerio's `update(nodes, null)`). */
function detachAll(nodes: readonly ChildNode[]): void {
  for (const node of nodes) {
    if (node.parent && node.parent.children !== nodes) removeElement(node);
    node.prev = node.next = null;
    node.parent = null;
  }
}

/**
 * Replaces `deleteCount` children of `parent` from `index` by `nodes`, moving each node out of
 * its old parent first: cheerio's `uniqueSplice`, step for step, but that the neighbours of an
 * empty gap are linked to each other.
 */
function spliceChildren(parent: ParentNode, index: number, deleteCount: number, nodes: ChildNode[]): void {
  const siblings = parent.children;
  let start = index;
  const prev = index === 0 ? null : siblings[index - 1];
  const next = index + deleteCount >= siblings.length ? null : siblings[index + deleteCount];
  const last = nodes.length - 1;
  for (let position = 0; position <= last; position += 1) {
    const node = nodes[position] as ChildNode;
    const oldSiblings = node.parent?.children;
    const oldIndex = oldSiblings?.indexOf(node) ?? -1;
    if (oldSiblings && oldIndex !== -1) {
      oldSiblings.splice(oldIndex, 1);
      if (node.parent === parent && index > oldIndex) start -= 1;
    }
    node.parent = parent;
    if (node.prev) node.prev.next = node.next ?? null;
    if (node.next) node.next.prev = node.prev ?? null;
    // (Both are defined: `prev` exists whenever `index` is a child's index or the end.)
    node.prev = (position === 0 ? prev : nodes[position - 1]) as ChildNode | null;
    node.next = (position === last ? next : nodes[position + 1]) as ChildNode | null;
  }
  // With nothing inserted the neighbours of the gap meet (cheerio links them to `undefined`, which
  // breaks every later walk along siblings).
  if (prev) prev.next = nodes[0] ?? next ?? null;
  if (next) next.prev = nodes.at(-1) ?? prev ?? null;
  siblings.splice(start, deleteCount, ...nodes);
}
