// The content of one of our own pages as feed content: what its <main> holds, its URLs made
// absolute against the page's address (a feed reader has no base to resolve them against), then
// sanitized with the article allowlist, as every article body a feed carries is.
import type { Element } from 'domhandler';
import { resolveUrl } from '../util/url.js';
import { parseHtml } from './parse.js';
import { allElements, elementsNamed } from './query.js';
import { renderSanitized, sanitizeTree } from './sanitize.js';

const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { a: ['href'], img: ['src'] };

/**
 * The sanitized content of the page's first <main>, relative URLs resolved against `pageUrl`
 * (fragments included: `#theme-1` leads to that part of the page). Undefined when it has none.
 */
export function pageMainContent(pageHtml: string, pageUrl: string): string | undefined {
  const root = parseHtml(pageHtml);
  const main = elementsNamed(root, 'main')[0];
  if (!main) return undefined;
  for (const element of allElements(root)) makeUrlsAbsolute(element, pageUrl);
  sanitizeTree(main);
  return renderSanitized(main).trim();
}

function makeUrlsAbsolute(element: Element, base: string): void {
  for (const name of URL_ATTRIBUTES[element.name] ?? []) {
    const value = element.attribs[name];
    if (value === undefined) continue;
    const absolute = resolveUrl(value, base);
    if (absolute) element.attribs[name] = absolute;
    else delete element.attribs[name];
  }
}
