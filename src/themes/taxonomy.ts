// Taxonomy: named themes defined by weighted keywords. The default is data; the config may replace it.
import { normalizeText } from './segment.js';

export interface TaxonomyTheme {
  name: string;
  /**
   * The theme's file name on the site (`themes/<slug>.html`, `.xml`, `.json`): lowercase ASCII
   * words joined by hyphens. Optional: a theme without one gets `theme-<hash of its name>`.
   */
  slug?: string;
  /** Word → weight (> 0). A higher weight means the word alone says more about the theme. */
  keywords: Record<string, number>;
}

export interface Taxonomy {
  themes: TaxonomyTheme[];
}

export interface TaxonomyValidation {
  /** Present when there is no problem. */
  taxonomy?: Taxonomy;
  /** Every problem found, each naming its place (`themes[2].keywords.纾困`). */
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

interface KeywordEntry {
  /** Where it is, for problems: the word itself, or `[index]` in a list. */
  label: string;
  word: unknown;
  weight: unknown;
}

/** Keywords as written in a config: a map word → weight, or a list of words (weight 1 each). */
function keywordEntries(value: unknown): KeywordEntry[] | undefined {
  if (Array.isArray(value)) return value.map((word, index) => ({ label: `[${index}]`, word, weight: 1 }));
  if (isRecord(value)) return Object.entries(value).map(([word, weight]) => ({ label: word, word, weight }));
  return undefined;
}

/** The good keywords of a theme; a problem for each bad one. */
function readKeywords(value: unknown, where: string, problems: string[]): Record<string, number> {
  const keywords: Record<string, number> = {};
  const entries = keywordEntries(value);
  if (entries === undefined) {
    problems.push(`${where}: must be a map of word to weight, got ${describe(value)}`);
    return keywords;
  }
  if (entries.length === 0) problems.push(`${where}: a theme needs at least one keyword`);
  const seen = new Map<string, string>();
  for (const { label, word, weight } of entries) {
    const place = `${where}.${label}`;
    const trimmed = typeof word === 'string' ? word.trim() : '';
    if (trimmed.length === 0) {
      problems.push(`${place}: a keyword must be a non-empty word, got ${describe(word)}`);
      continue;
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      problems.push(`${place}: weight must be a number greater than 0, got ${describe(weight)}`);
      continue;
    }
    const normalized = normalizeText(trimmed);
    const earlier = seen.get(normalized);
    if (earlier !== undefined) {
      problems.push(`${place}: the same keyword as "${earlier}" (case and full-width forms are ignored)`);
      continue;
    }
    seen.set(normalized, trimmed);
    keywords[trimmed] = weight;
  }
  return keywords;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MAX_LENGTH = 60;
/** Slugs the site gives themes itself (see themes/theme-slug.ts): a taxonomy may not take them. */
const RESERVED_SLUG = /^(?:other|cluster-.*|theme-.*)$/;

/** A theme's slug when it is usable; a problem otherwise. */
function readSlug(value: unknown, where: string, taken: Set<string>, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SLUG.test(value) || value.length > SLUG_MAX_LENGTH) {
    problems.push(`${where}: must be lowercase ASCII words joined by hyphens (like "monetary-policy"), at most ${SLUG_MAX_LENGTH} characters, got ${describe(value)}`);
    return undefined;
  }
  if (RESERVED_SLUG.test(value)) {
    problems.push(`${where}: "${value}" is kept for themes the site names itself ("other", "cluster-…", "theme-…")`);
    return undefined;
  }
  if (taken.has(value)) {
    problems.push(`${where}: "${value}" is the slug of an earlier theme too`);
    return undefined;
  }
  taken.add(value);
  return value;
}

/** Checks a taxonomy from a config file; lists every problem rather than stopping at the first. */
export function validateTaxonomy(value: unknown): TaxonomyValidation {
  const problems: string[] = [];
  if (!isRecord(value) || !Array.isArray(value.themes)) {
    return { problems: [`taxonomy: must be an object with a list "themes", got ${describe(value)}`] };
  }
  if (value.themes.length === 0) problems.push('taxonomy.themes: must list at least one theme');
  const names = new Set<string>();
  const slugs = new Set<string>();
  const themes: TaxonomyTheme[] = [];
  value.themes.forEach((theme: unknown, index: number) => {
    const where = `themes[${index}]`;
    if (!isRecord(theme)) {
      problems.push(`${where}: must be an object with "name" and "keywords", got ${describe(theme)}`);
      return;
    }
    const name = typeof theme.name === 'string' ? theme.name.trim() : '';
    if (name.length === 0) problems.push(`${where}.name: must be a non-empty string, got ${describe(theme.name)}`);
    else if (names.has(name)) problems.push(`${where}.name: "${name}" names an earlier theme too`);
    names.add(name);
    const slug = readSlug(theme.slug, `${where}.slug`, slugs, problems);
    themes.push({ name, ...(slug ? { slug } : {}), keywords: readKeywords(theme.keywords, `${where}.keywords`, problems) });
  });
  return problems.length > 0 ? { problems } : { taxonomy: { themes }, problems };
}
