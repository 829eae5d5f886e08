// Element queries without cheerio wrappers. A rule's selector list is parsed and compiled once for
// the whole run (not once per article), and a fixed list of tag names needs no selector at all.
import { compile, selectAll } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { isElement } from './dom.js';

type Query = ReturnType<typeof compile<AnyNode, Element>>;

/**
 * What cheerio passes css-select for an HTML document, so the matches are the same. The result
 * cache is off because a compiled query outlives the document and the DOM changes between passes.
 */
const SELECT_OPTIONS = { xmlMode: false, cacheResults: false } as const;

/** Compiled selector lists, by their text, and by the rule's array (which lives as long as its rule set). */
const queriesByText = new Map<string, Query>();
const queriesByList = new WeakMap<readonly string[], Query>();

/** Elements matching any of the selectors, in document order (as `$(selectors.join(', '))`). */
export function selectElements(root: Document, selectors: readonly string[]): Element[] {
  if (selectors.length === 0) return [];
  return selectAll<AnyNode, Element>(compiledQuery(selectors), root);
}

function compiledQuery(selectors: readonly string[]): Query {
  let query = queriesByList.get(selectors);
  if (!query) {
    const text = selectors.join(', ');
    query = queriesByText.get(text) ?? compile<AnyNode, Element>(text, SELECT_OPTIONS);
    queriesByText.set(text, query);
    queriesByList.set(selectors, query);
  }
  return query;
}

/** Elements with the tag name or one of the tag names, in document order (as `$('p')`, `$('p, li')`). */
export function elementsNamed(root: Document, names: string | ReadonlySet<string>): Element[] {
  const test = typeof names === 'string' ? (element: Element) => element.name === names : (element: Element) => names.has(element.name);
  return collectElements(root.children, test, []);
}

/** Every element, in document order (as `$('*')`). */
export function allElements(root: Document): Element[] {
  return collectElements(root.children, () => true, []);
}

/** Depth-first, in document order: the order css-select (and so cheerio) returns matches in. */
function collectElements(nodes: readonly AnyNode[], test: (element: Element) => boolean, found: Element[]): Element[] {
  for (const node of nodes) {
    if (!isElement(node)) continue;
    if (test(node)) found.push(node);
    collectElements(node.children, test, found);
  }
  return found;
}

/** The element itself or its nearest element ancestor with the tag name (as `$(element).closest(name)`). */
export function closestNamed(element: Element, name: string): Element | undefined {
  for (let current: AnyNode | null = element; current && isElement(current); current = current.parent) {
    if (current.name === name) return current;
  }
  return undefined;
}
