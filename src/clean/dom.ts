// The DOM vocabulary the cleaning steps share: the state of one pass and a few node helpers.
import type { AnyNode, Document, Element } from 'domhandler';
import type { SiteRules } from './rules.js';

/** What every step of one cleaning pass works on. */
export interface CleanPass {
  /** The parsed body; every step edits it in place. */
  root: Document;
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

/** Elements whose content is dropped with them (never shown as text): the sanitizer and the text walker skip it. */
export const CONTENT_DROPPING_TAGS: ReadonlySet<string> = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'textarea', 'select', 'option', 'xmp', 'svg', 'math', 'title', 'head', 'canvas', 'audio', 'video',
]);

/** Whitespace only (zero-width spaces and BOMs included). */
export const BLANK = /^[\s\u200b\ufeff]*$/u;

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

export function isBlockElement(node: AnyNode | null): node is Element {
  return node !== null && isElement(node) && BLOCK_TAGS.has(node.name);
}

/** The text of a node and its descendants: domutils' `textContent` (cheerio's `.text()`), without its arrays. */
export function textOf(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!('children' in node)) return '';
  let text = '';
  for (const child of node.children) text += textOf(child);
  return text;
}
