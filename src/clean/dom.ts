// The DOM vocabulary the cleaning steps share: the state of one pass and a few node helpers.
import type { CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import type { SiteRules } from './rules.js';

/** What every step of one cleaning pass works on. */
export interface CleanPass {
  $: CheerioAPI;
  rules: SiteRules;
  baseUrl: string | undefined;
  /** Human-readable notes for the log. */
  warnings: string[];
}

export type TextNode = Extract<AnyNode, { type: 'text' }>;

/** Block-level elements: they start and end a line of text (and are not wrapped into paragraphs). */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'center', 'address',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'figure', 'figcaption',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  'form', 'fieldset', 'details', 'summary',
]);

/** Whitespace only (zero-width spaces and BOMs included). */
export const BLANK = /^[\s\u200b\ufeff]*$/u;

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

export function isBlockElement(node: AnyNode | null): node is Element {
  return node !== null && isElement(node) && BLOCK_TAGS.has(node.name);
}

/** Elements matching any of the selectors, in document order. */
export function selectElements($: CheerioAPI, selectors: readonly string[]): Element[] {
  if (selectors.length === 0) return [];
  return $(selectors.join(', ')).get().filter(isElement);
}

/** Replaces an element by its content. */
export function unwrap($: CheerioAPI, element: Element): void {
  $(element).replaceWith($(element).contents());
}
