// Article HTML in: htmlparser2 in HTML mode, through cheerio/slim (which never loads parse5).
import { load } from 'cheerio/slim';
import type { ChildNode, Document, ParentNode } from 'domhandler';
import { CONTENT_DROPPING_TAGS, isElement } from './dom.js';
import { setChildren } from './edit.js';
import { capNesting } from './nesting.js';

const PARSE_OPTIONS = { xml: { xmlMode: false, decodeEntities: true } };

/**
 * Below this depth, elements give way to their content. No article comes near it; a body nested
 * thousands deep would otherwise take the parser time growing with the square of the depth, and
 * exhaust the stack of the recursive passes (sooner on the main thread than in a worker).
 */
export const MAX_NESTING = 256;

/**
 * The parsed body; below MAX_NESTING levels, only the innermost nodes are kept. `warnings` gets a
 * note when that happened.
 */
export function parseHtml(html: string, warnings?: string[]): Document {
  if (!hasMoreTagsThan(html, MAX_NESTING)) return parseDocument(html);
  // The markup is capped before the parse (the parser's work grows with the depth), and the tree
  // after it, which holds whatever the markup does.
  const capped = capNesting(html, MAX_NESTING);
  if (capped.flattened > 0) {
    warnings?.push(`markup nested more than ${MAX_NESTING} levels deep: ${capped.flattened} elements below that gave way to their content`);
  }
  const root = parseDocument(capped.html);
  flattenBelow(root, MAX_NESTING);
  return root;
}

/** The document cheerio's `load` builds, through its public API. */
function parseDocument(html: string): Document {
  return load(html, PARSE_OPTIONS, false).root()[0] as Document;
}

/** Elements cannot nest deeper than there are tags: most bodies need no walk at all. */
function hasMoreTagsThan(html: string, count: number): boolean {
  let tags = 0;
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) {
    tags += 1;
    if (tags > count) return true;
  }
  return false;
}

/** Walks the tree without recursion; what lies deeper than `depth` becomes its ancestor's content. */
function flattenBelow(root: ParentNode, depth: number): void {
  const pending: [ParentNode, number][] = [[root, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [parent, level] = next;
    if (level === depth) {
      setChildren(parent, innermostOf(parent));
      continue;
    }
    for (const child of parent.children) if (isElement(child) && child.children.length > 0) pending.push([child, level + 1]);
  }
}

/**
 * The nodes under `parent` that hold no elements (text, pictures, line breaks, elements with only
 * text), in document order. An element whose content is dropped anyway comes without it, for the
 * sanitizer to remove and report.
 */
function innermostOf(parent: ParentNode): ChildNode[] {
  const innermost: ChildNode[] = [];
  const pending = [...parent.children].reverse();
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (isElement(node) && CONTENT_DROPPING_TAGS.has(node.name)) {
      setChildren(node, []);
      innermost.push(node);
    } else if (isElement(node) && node.children.some(isElement)) {
      for (let index = node.children.length - 1; index >= 0; index -= 1) pending.push(node.children[index] as ChildNode);
    } else {
      innermost.push(node);
    }
  }
  return innermost;
}
