// The allowlist sanitizer. Always the last step on HTML: whatever the cleaner missed stops here.
import type SanitizeHtml from 'sanitize-html';
import { requireCommonJs } from '../util/require-cjs.js';
import { isHttpUrl } from '../util/url.js';

const sanitizeHtml = requireCommonJs('sanitize-html') as typeof SanitizeHtml;

export interface SanitizeResult {
  html: string;
  /** What was removed of the dangerous kinds, e.g. `<script>`, `onerror attribute`, `javascript: URL`. */
  removed: string[];
}

/** Elements whose content is dropped with them (never shown as text). The text walker skips them too. */
export const CONTENT_DROPPING_TAGS: readonly string[] = [
  'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'textarea', 'select', 'option', 'xmp', 'svg', 'math', 'title', 'head', 'canvas', 'audio', 'video',
];

/** Elements worth a warning when found: they run code, load other pages or post data. */
const UNSAFE_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
  'base', 'meta', 'link', 'style', 'svg', 'math',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background', 'srcset']);
const UNSAFE_SCHEMES = ['javascript:', 'vbscript:', 'data:'];
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const LINK_REL = 'nofollow noopener noreferrer';

const OPTIONS: SanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'b', 'i', 'blockquote', 'ul', 'ol', 'li',
    'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'figure', 'figcaption', 'img', 'a',
    'pre', 'code', 'br', 'hr', 'sub', 'sup',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'referrerpolicy', 'loading', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: [...CONTENT_DROPPING_TAGS],
  transformTags: {
    h1: 'h2',
    a: (_tagName, attribs) => transformLink(attribs),
  },
  // An image without an absolute http(s) src is an empty box: drop it.
  exclusiveFilter: (frame) => frame.tag === 'img' && !isHttpUrl(frame.attribs.src ?? ''),
};

/** Sanitizes HTML with the article allowlist and reports the dangerous things it removed. */
export function sanitize(html: string): SanitizeResult {
  const removed = new Set<string>();
  const clean = sanitizeHtml(html, {
    ...OPTIONS,
    onOpenTag: (name, attribs) => noteUnsafeMarkup(name, attribs, removed),
  });
  return { html: clean, removed: [...removed] };
}

/** Links keep an absolute http(s)/mailto href and get rel; any other link becomes plain text. */
function transformLink(attribs: SanitizeHtml.Attributes): SanitizeHtml.Tag {
  const href = attribs.href?.trim() ?? '';
  if (!isLinkHref(href)) return { tagName: 'span', attribs: {} }; // span is not allowed: its text stays
  const kept: SanitizeHtml.Attributes = { href, rel: LINK_REL };
  if (attribs.title) kept.title = attribs.title;
  return { tagName: 'a', attribs: kept };
}

function isLinkHref(href: string): boolean {
  try {
    return LINK_SCHEMES.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

function noteUnsafeMarkup(name: string, attribs: Record<string, string>, removed: Set<string>): void {
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
