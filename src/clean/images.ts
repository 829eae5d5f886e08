// Pictures: captions into figcaption and alt, absolute URLs, no-referrer, lazy loading; ads and promos out.
import type { CheerioAPI } from 'cheerio/slim';
import type { Element } from 'domhandler';
import type { ArticleImage } from '../model.js';
import { normalizeSpace } from '../util/text.js';
import { resolveUrl } from '../util/url.js';
import { type CleanPass, selectElements } from './dom.js';
import { hostMatches, type SiteRules } from './rules.js';
import { unsafeScheme } from './sanitize.js';

/**
 * Captions move into figcaption and alt; every picture gets an absolute https-when-known URL,
 * no-referrer and lazy loading; data: URLs, ads and promos go. Returns the pictures kept.
 */
export function fixImages(pass: CleanPass): ArticleImage[] {
  const { $ } = pass;
  const captions = takeCaptions(pass);
  const images: ArticleImage[] = [];
  const seen = new Set<string>();
  for (const img of $('img').get()) {
    const src = imageSource(img, pass);
    if (!src || isPromoImage(src, pass.rules)) {
      $(img).remove();
      continue;
    }
    const caption = captions.get(img) ?? figureCaption(img, $);
    const alt = caption ?? normalizeSpace(img.attribs.alt ?? '');
    // Other attributes stay for the noise pass and the sanitizer (which reports on* handlers).
    Object.assign(img.attribs, { src, alt, referrerpolicy: 'no-referrer', loading: 'lazy' });
    dropNonPixelSize(img);
    if (caption !== undefined && !isInFigure(img, $)) wrapInFigure(img, caption, $);
    if (seen.has(src)) continue;
    seen.add(src);
    images.push(caption === undefined ? { src, alt } : { src, alt, caption });
  }
  return images;
}

/** Finds each caption element's picture; the caption element itself leaves the DOM. */
function takeCaptions({ $, rules }: CleanPass): Map<Element, string> {
  const captions = new Map<Element, string>();
  if (rules.captions.length === 0) return captions;
  for (const element of selectElements($, rules.captions)) {
    const holder = $(element);
    const img = holder.prevAll('img').get(0) ?? holder.parent().find('img').get(0);
    if (!img) continue; // not next to a picture: leave its text in the body
    const caption = normalizeSpace(holder.text());
    if (caption) captions.set(img, caption);
    holder.remove();
  }
  return captions;
}

function figureCaption(img: Element, $: CheerioAPI): string | undefined {
  if (!isInFigure(img, $)) return undefined;
  const caption = normalizeSpace($(img).closest('figure').children('figcaption').first().text());
  return caption || undefined;
}

function isInFigure(img: Element, $: CheerioAPI): boolean {
  return $(img).closest('figure').length > 0;
}

/** A figure cannot sit inside a paragraph: it goes right after it (or in place of the image). */
function wrapInFigure(img: Element, caption: string, $: CheerioAPI): void {
  const figure = $('<figure></figure>');
  const paragraph = $(img).closest('p');
  if (paragraph.length > 0) paragraph.after(figure);
  else $(img).before(figure);
  figure.append(img);
  figure.append($('<figcaption></figcaption>').text(caption));
}

/** The picture's usable absolute URL (lazy-loading attributes first), or undefined with a warning. */
function imageSource(img: Element, pass: CleanPass): string | undefined {
  const candidates = [...pass.rules.lazyImageSources.map((name) => img.attribs[name]), img.attribs.src];
  for (const candidate of candidates) {
    const url = candidate ? toImageUrl(candidate, pass) : undefined;
    if (url) return url;
  }
  const raw = (img.attribs.src ?? '').trim();
  pass.warnings.push(unusableImageNote(raw));
  return undefined;
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
