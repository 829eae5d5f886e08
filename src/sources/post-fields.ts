import { isHttpUrl, resolveUrl } from '../util/url.js';

// Reads the metadata of a post out of parsed front matter. The front matter is parsed with the
// failsafe schema, so every scalar arrives as the string that was written.

export type FrontMatterData = Record<string, unknown>;

const DATE_KEYS = ['date', 'published', 'pubDate'];
const UPDATED_KEYS = ['updated', 'modified'];
const IMAGE_KEYS = ['headimg', 'thumbnail', 'image', 'cover'];
const LINK_KEYS = ['link', 'url', 'permalink'];
const ID_KEYS = ['id', 'guid'];
const DESCRIPTION_KEYS = ['description', 'excerpt'];
/** Nested lists deeper than this, or more terms or list items than this, are not categories but an attack. */
const MAX_TERM_DEPTH = 3;
const MAX_TERMS = 200;
const MAX_TERM_VISITS = 2000;

/** A scalar as text: trimmed, and undefined when empty or a YAML null word. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' || text === '~' || /^null$/i.test(text) ? undefined : text;
}

/** The first of `keys` that holds a usable scalar. */
export function firstText(data: FrontMatterData, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const text = scalarText(data[key]);
    if (text !== undefined) return text;
  }
  return undefined;
}

export function readTitle(data: FrontMatterData): string {
  return scalarText(data.title) ?? '';
}

/** The raw date text of the post (`date`, `published` or `pubDate`), to hand to parseDate. */
export function readDateText(data: FrontMatterData): string | undefined {
  return firstText(data, DATE_KEYS);
}

export function readUpdatedText(data: FrontMatterData): string | undefined {
  return firstText(data, UPDATED_KEYS);
}

/** Unix seconds or milliseconds written as digits are numbers to parseDate, not wall-clock text. */
export function dateInput(text: string): string | number {
  return /^\d{9,13}$/.test(text) ? Number(text) : text;
}

/**
 * Categories then tags, each a list (nested lists flattened, as Hexo allows) or a comma string;
 * trimmed, deduplicated, in order. The walk has a budget: YAML aliases can nest one list in
 * another many times over, and a post must not be able to make us loop for minutes.
 */
export function readCategories(data: FrontMatterData): string[] {
  const terms = new Set<string>();
  let visits = 0;
  const visit = (value: unknown, depth: number): void => {
    visits += 1;
    if (Array.isArray(value)) {
      if (depth >= MAX_TERM_DEPTH) return;
      for (const item of value) {
        if (visits >= MAX_TERM_VISITS || terms.size >= MAX_TERMS) return;
        visit(item, depth + 1);
      }
      return;
    }
    for (const term of splitTerms(value)) terms.add(term);
  };
  visit(data.categories, 0);
  visit(data.tags, 0);
  return [...terms].slice(0, MAX_TERMS);
}

function splitTerms(value: unknown): string[] {
  const text = scalarText(value);
  if (text === undefined) return [];
  return text
    .split(/[,，]/u)
    .map((term) => term.trim())
    .filter((term) => term !== '');
}

/** `author: 名字`, `author: {name: 名字}` or a list of either (names joined with ", "). */
export function readAuthor(data: FrontMatterData): string | undefined {
  const names = (Array.isArray(data.author) ? data.author : [data.author]).map(authorName);
  const known = names.filter((name): name is string => name !== undefined);
  return known.length > 0 ? known.join(', ') : undefined;
}

function authorName(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return scalarText((value as Record<string, unknown>).name);
  }
  return scalarText(value);
}

/** The first image key that holds an absolute http(s) URL (`//host/…` is taken as https). */
export function readImage(data: FrontMatterData): string | undefined {
  for (const key of IMAGE_KEYS) {
    const text = scalarText(data[key]);
    const url = text === undefined ? undefined : resolveUrl(text);
    if (url !== undefined && isHttpUrl(url)) return url;
  }
  return undefined;
}

/** The first link key that holds an absolute http(s) URL; Hexo's relative permalinks are no use here. */
export function readLink(data: FrontMatterData): string | undefined {
  for (const key of LINK_KEYS) {
    const text = scalarText(data[key]);
    if (text !== undefined && isHttpUrl(text)) return text;
  }
  return undefined;
}

export function readOwnId(data: FrontMatterData): string | undefined {
  return firstText(data, ID_KEYS);
}

export function readDescription(data: FrontMatterData): string | undefined {
  return firstText(data, DESCRIPTION_KEYS);
}
