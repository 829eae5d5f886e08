// The allowlist sanitizer. Always the last step on HTML: whatever the cleaner missed stops here.
// It filters the tree the cleaner already holds, and the serializer escapes every text and
// attribute value, so an article's markup is parsed once. test/clean/sanitize.test.ts holds its
// output to sanitize-html run with the same allowlist.
import render from 'dom-serializer';
import type { ChildNode, Element, ParentNode } from 'domhandler';
import { isHttpUrl, schemeOf } from '../util/url.js';
import { CONTENT_DROPPING_TAGS, isElement } from './dom.js';
import { setChildren } from './edit.js';
import { parseHtml } from './parse.js';

export interface SanitizeResult {
  html: string;
  /** What was removed of the dangerous kinds, e.g. `<script>`, `onerror attribute`, `javascript: URL`. */
  removed: string[];
}

/** The elements an article keeps; any other element gives way to its content. */
export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  'p', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'b', 'i', 'blockquote', 'ul', 'ol', 'li',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'figure', 'figcaption', 'img', 'a',
  'pre', 'code', 'br', 'hr', 'sub', 'sup',
]);

/** The attributes each kept element keeps; links get theirs from `linkAttributes`. */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title', 'rel'],
  img: ['src', 'alt', 'referrerpolicy', 'loading', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
  ol: ['start'],
};

/** The page's own title is its only h1. */
const RENAMED_TAGS: ReadonlyMap<string, string> = new Map([['h1', 'h2']]);
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const LINK_REL = 'nofollow noopener noreferrer';

/** Elements worth a warning when found: they run code, load other pages or post data. */
const UNSAFE_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
  'base', 'meta', 'link', 'style', 'svg', 'math',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background', 'srcset']);
const UNSAFE_SCHEMES = ['javascript:', 'vbscript:', 'data:'];

/** How sanitized markup is written: CJK as UTF-8, void elements as `<br />`, `alt=""` spelled out. */
const SANITIZED_HTML_OPTIONS = {
  xmlMode: false,
  decodeEntities: true,
  encodeEntities: 'utf8' as const,
  selfClosingTags: true,
  emptyAttrs: true,
};

/** Sanitizes an HTML string with the article allowlist and reports the dangerous things it removed. */
export function sanitize(html: string): SanitizeResult {
  const root = parseHtml(html);
  const removed = sanitizeTree(root);
  return { html: renderSanitized(root), removed };
}

/**
 * Writes a sanitized tree as HTML. The serializer spells U+00A0 as `&nbsp;`, which is no XML
 * entity: it goes back to the character (a literal `&nbsp;` in the text is written `&amp;nbsp;`).
 */
export function renderSanitized(root: ParentNode): string {
  return render(root.children, SANITIZED_HTML_OPTIONS).replaceAll('&nbsp;', '\u00a0');
}

/**
 * Sanitizes the children of `root` in place: elements off the allowlist give way to their content
 * (or go with it, for the CONTENT_DROPPING_TAGS), attributes off it go, comments and directives go.
 * Returns what it removed of the dangerous kinds.
 */
export function sanitizeTree(root: ParentNode): string[] {
  const removed = new Set<string>();
  sanitizeChildren(root, removed);
  return [...removed];
}

function sanitizeChildren(parent: ParentNode, removed: Set<string>): void {
  const kept: ChildNode[] = [];
  for (const child of parent.children) {
    if (child.type === 'text') kept.push(child);
    else if (isElement(child)) for (const node of sanitizeElement(child, removed)) kept.push(node);
  }
  setChildren(parent, kept);
}

/** What stands in the element's place: itself, its content, or nothing. */
function sanitizeElement(element: Element, removed: Set<string>): readonly ChildNode[] {
  noteUnsafeMarkup(element, removed);
  if (CONTENT_DROPPING_TAGS.has(element.name)) {
    noteUnsafeDescendants(element, removed);
    return [];
  }
  // A picture without an absolute http(s) src is an empty box.
  if (element.name === 'img' && !isHttpUrl(element.attribs.src ?? '')) return [];
  sanitizeChildren(element, removed);
  const name = RENAMED_TAGS.get(element.name) ?? element.name;
  if (!ALLOWED_TAGS.has(name)) return element.children;
  const attribs = name === 'a' ? linkAttributes(element.attribs) : keptAttributes(name, element.attribs);
  if (attribs === undefined) return element.children;
  element.name = name;
  element.attribs = attribs;
  return [element];
}

/** A link keeps an absolute http(s)/mailto href and gets rel; any other link becomes its text. */
function linkAttributes(attribs: Record<string, string>): Record<string, string> | undefined {
  const href = attribs.href?.trim() ?? '';
  if (!LINK_SCHEMES.has(schemeOf(href) ?? '')) return undefined;
  return attribs.title ? { href, rel: LINK_REL, title: attribs.title } : { href, rel: LINK_REL };
}

/** The allowed attributes of a kept element, in the element's own order. */
function keptAttributes(name: string, attribs: Record<string, string>): Record<string, string> {
  const allowed = Object.hasOwn(ALLOWED_ATTRIBUTES, name) ? (ALLOWED_ATTRIBUTES[name] as readonly string[]) : [];
  const kept: Record<string, string> = {};
  for (const attribute in attribs) if (allowed.includes(attribute)) kept[attribute] = attribs[attribute] as string;
  return kept;
}

function noteUnsafeDescendants(element: Element, removed: Set<string>): void {
  for (const child of element.children) {
    if (!isElement(child)) continue;
    noteUnsafeMarkup(child, removed);
    noteUnsafeDescendants(child, removed);
  }
}

function noteUnsafeMarkup({ name, attribs }: Element, removed: Set<string>): void {
  if (UNSAFE_TAGS.has(name)) removed.add(`<${name}>`);
  for (const attribute in attribs) {
    const value = attribs[attribute] ?? '';
    const lower = attribute.toLowerCase();
    if (lower.startsWith('on')) removed.add(`${lower} attribute`);
    else if (lower === 'style') removed.add('style attribute');
    else if (URL_ATTRIBUTES.has(lower)) {
      const scheme = unsafeScheme(value);
      if (scheme) removed.add(`${scheme} URL`);
    }
  }
}

/** The dangerous scheme of a URL, seen the way browsers see it (ignoring case, blanks and controls). */
export function unsafeScheme(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const squeezed = url.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  return UNSAFE_SCHEMES.find((scheme) => squeezed.startsWith(scheme));
}
