// Pictures: captions into figcaption and alt, absolute URLs, no-referrer, lazy loading; ads and promos out.
import type { Element } from 'domhandler';
import { findOne, removeElement } from 'domutils';
import type { ArticleImage } from '../model.js';
import { normalizeSpace } from '../util/text.js';
import { resolveUrl } from '../util/url.js';
import { type CleanPass, isElement, textOf } from './dom.js';
import { appendNodes, createElement, createText, insertAfter, insertBefore } from './edit.js';
import { closestNamed, elementsNamed, selectElements } from './query.js';
import { hostMatches, type SiteRules } from './rules.js';
import { unsafeScheme } from './sanitize.js';

/**
 * Captions move into figcaption and alt; every picture gets an absolute https-when-known URL,
 * no-referrer and lazy loading; data: URLs, ads and promos go. Returns the pictures kept.
 */
export function fixImages(pass: CleanPass): ArticleImage[] {
  const captions = takeCaptions(pass);
  const images: ArticleImage[] = [];
  const seen = new Set<string>();
  for (const img of elementsNamed(pass.root, 'img')) {
    const src = imageSource(img, pass);
    if (!src || isPromoImage(src, pass.rules) || isTrackingPixel(img)) {
      removeElement(img);
      continue;
    }
    const caption = captions.get(img) ?? figureCaption(img);
    const alt = caption ?? normalizeSpace(img.attribs.alt ?? '');
    // Other attributes stay for the noise pass and the sanitizer (which reports on* handlers).
    Object.assign(img.attribs, { src, alt, referrerpolicy: 'no-referrer', loading: 'lazy' });
    dropNonPixelSize(img);
    if (caption !== undefined && !closestNamed(img, 'figure')) wrapInFigure(img, caption);
    if (seen.has(src)) continue;
    seen.add(src);
    images.push(caption === undefined ? { src, alt } : { src, alt, caption });
  }
  return images;
}

/** Finds each caption element's picture; the caption element itself leaves the DOM. */
function takeCaptions({ root, rules }: CleanPass): Map<Element, string> {
  const captions = new Map<Element, string>();
  for (const holder of selectElements(root, rules.captions)) {
    const img = previousImage(holder) ?? imageInParent(holder);
    if (!img) continue; // not next to a picture: leave its text in the body
    const caption = normalizeSpace(textOf(holder));
    if (caption) captions.set(img, caption);
    removeElement(holder);
  }
  return captions;
}

/** The nearest <img> among the earlier siblings. */
function previousImage(element: Element): Element | undefined {
  for (let node = element.prev; node; node = node.prev) {
    if (isElement(node) && node.name === 'img') return node;
  }
  return undefined;
}

/** The first <img> inside the element's parent element (none when it sits at the top level). */
function imageInParent(element: Element): Element | undefined {
  const { parent } = element;
  if (!parent || parent.type === 'root') return undefined;
  return findOne(isImage, parent.children) ?? undefined;
}

function isImage(element: Element): boolean {
  return element.name === 'img';
}

function figureCaption(img: Element): string | undefined {
  const figure = closestNamed(img, 'figure');
  const figcaption = figure?.children.find((child) => isElement(child) && child.name === 'figcaption');
  const caption = figcaption ? normalizeSpace(textOf(figcaption)) : '';
  return caption || undefined;
}

/** A figure cannot sit inside a paragraph: it goes right after it (or in place of the image). */
function wrapInFigure(img: Element, caption: string): void {
  const figure = createElement('figure');
  const paragraph = closestNamed(img, 'p');
  if (paragraph) insertAfter(paragraph, [figure]);
  else insertBefore(img, [figure]);
  appendNodes(figure, [img]);
  const figcaption = createElement('figcaption');
  appendNodes(figcaption, [createText(caption)]);
  appendNodes(figure, [figcaption]);
}

/** The picture's usable absolute URL (lazy-loading attributes first), or undefined with a warning. */
function imageSource(img: Element, pass: CleanPass): string | undefined {
  for (const name of pass.rules.lazyImageSources) {
    const url = usableImageUrl(img.attribs[name], pass);
    if (url) return url;
  }
  const url = usableImageUrl(img.attribs.src, pass);
  if (url) return url;
  const raw = (img.attribs.src ?? '').trim();
  pass.warnings.push(unusableImageNote(raw));
  return undefined;
}

function usableImageUrl(candidate: string | undefined, pass: CleanPass): string | undefined {
  return candidate ? toImageUrl(candidate, pass) : undefined;
}

function unusableImageNote(raw: string): string {
  const scheme = unsafeScheme(raw);
  if (scheme) return `dropped image with a ${scheme} URL`;
  return raw ? `dropped image with unusable URL "${raw.slice(0, 80)}"` : 'dropped image without a src';
}

function toImageUrl(raw: string, { baseUrl, rules }: Pick<CleanPass, 'baseUrl' | 'rules'>): string | undefined {
  const resolved = resolveUrl(raw, baseUrl);
  if (!resolved) return undefined;
  const url = new URL(resolved);
  if (url.protocol === 'http:' && hostMatches(url.hostname, rules.httpsImageHosts)) url.protocol = 'https:';
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
}

/** A picture one pixel or less wide or high (`width="0"`, `height="1"`) counts visits; it shows nothing. */
function isTrackingPixel(img: Element): boolean {
  return [img.attribs.width, img.attribs.height].some((size) => size !== undefined && /^\s*[01](?:\.0*)?\s*(?:px)?\s*$/i.test(size));
}

function isPromoImage(src: string, rules: SiteRules): boolean {
  return rules.promoImages.some((pattern) => pattern.test(src));
}

/** width/height stay only as plain pixel counts. */
function dropNonPixelSize(img: Element): void {
  for (const name of ['width', 'height']) {
    const value = img.attribs[name];
    if (value !== undefined && !/^\d{1,5}$/.test(value)) delete img.attribs[name];
  }
}

/** The front-matter image stands in only when the body has no picture and it is a real one. */
export function hintImage(hint: string | undefined, pass: CleanPass): ArticleImage | undefined {
  const src = hint ? toImageUrl(hint, pass) : undefined;
  return src && !isPromoImage(src, pass.rules) ? { src, alt: '' } : undefined;
}
