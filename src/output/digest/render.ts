import type { Digest, DigestEntry } from '../../model.js';
import { randomBytes } from 'node:crypto';
import { escapeHtml, truncateText } from '../../util/text.js';
import { formatInZone } from '../../util/time.js';
import { isHttpUrl, parseMailto, resolveUrl } from '../../util/url.js';
import { renderEmailHtml } from './email.js';
import { renderPageHtml } from './web-copy.js';
import { renderEmailText } from './text.js';
import { zhDigest } from '../zh.js';
import type { DigestView, EntryView, UnsubscribeView } from './view.js';

// The weekly digest as an e-mail (HTML + plain text) and as its public web copy. This file turns
// a Digest into a view (formatted dates, absolute URLs, anchors) and decides what the e-mail
// shows; the three renderers only lay the view out.

export interface DigestRenderOptions {
  site: { url: string /* base URL, ends with / */; title: string };
  timeZone: string;
  /** URL of the web copy, output/digests/<id>.html under site.url. */
  webCopyUrl: string;
  /** Per recipient; omitted in the web copy. https one-click URL only when site.url is https. */
  unsubscribe?: { url?: string; mailto: string };
  /** Per recipient; omitted in the web copy: their preference page (themes, pause, unsubscribe). */
  preferencesUrl?: string;
  /** Entries shown per theme in the email before "查看全部N篇" links to the web copy. Default 6. */
  entriesPerTheme?: number;
}

export const DEFAULT_ENTRIES_PER_THEME = 6;

/**
 * Decoded bytes the e-mail's HTML may take. mail.ts sends it base64-encoded (4/3, plus CRLF every
 * 76 characters), so 72 KB stays under Gmail's 102 KB clip with room to spare.
 */
export const EMAIL_HTML_MAX_BYTES = 72 * 1024;

/** Summaries are a sentence or two; a longer one is cut in the e-mail (the web copy has it whole). */
const EMAIL_SUMMARY_MAX_CHARS = 160;

/** How many characters of theme names a subject may hold before it names fewer themes. */
const SUBJECT_THEME_CHARS = 10;

/**
 * 【周刊】2022年第20周 · 股市、楼市等 12 篇: the biggest themes named while their names stay short
 * (always the biggest), 其他要闻 only when alone.
 */
export function digestSubject(digest: Digest, timeZone: string): string {
  const named = digest.themes.filter((theme) => theme.kind !== 'other');
  const biggest = [...(named.length > 0 ? named : digest.themes)].sort((a, b) => b.entries.length - a.entries.length);
  const shown: string[] = [];
  for (const theme of biggest) {
    if (shown.length > 0 && [...shown, theme.name].join('').length > SUBJECT_THEME_CHARS) break;
    shown.push(theme.name);
  }
  return zhDigest.subject(formatInZone(lastInstant(digest), timeZone, zhDigest.week), shown, digest.themes.length, digest.total);
}

/**
 * The names of the digest's themes a reader who chose `chosen` gets, in the digest's order (all of
 * them when `chosen` is undefined); none when the digest holds nothing they chose. A chosen name
 * the digest does not have (a theme since renamed or removed) is simply not there.
 */
export function themesFor(digest: Digest, chosen: readonly string[] | undefined): string[] {
  const names = digest.themes.map((theme) => theme.name);
  if (!chosen) return names;
  const wanted = new Set(chosen);
  return names.filter((name) => wanted.has(name));
}

/** The digest cut to these themes (by name, in the digest's order), its total counted again. */
export function digestOfThemes(digest: Digest, names: readonly string[]): Digest {
  const wanted = new Set(names);
  const themes = digest.themes.filter((theme) => wanted.has(theme.name));
  const total = themes.reduce((sum, theme) => sum + theme.entries.reduce((count, entry) => count + 1 + entry.similarCount, 0), 0);
  return { ...digest, themes, total };
}

/**
 * The e-mail of a digest (or of some of its themes), rendered once for every reader who gets the
 * same themes: the footer's per-recipient parts stand as tokens that `fill` replaces, escaped for
 * the HTML, so a message per reader costs two string replacements, not a render.
 */
export interface EmailTemplate {
  subject: string;
  fill(unsubscribe: { url?: string; mailto: string }, preferencesUrl?: string): { html: string; text: string };
}

/**
 * A token is random and drawn again until it occurs nowhere in the digest's text (compared as
 * lower-case letters and digits only, so escaping, wrapping or stripping cannot make one from
 * content): every occurrence in the output is one the template placed.
 */
export function renderEmailTemplate(
  digest: Digest,
  options: Omit<DigestRenderOptions, 'unsubscribe' | 'preferencesUrl'> & { oneClick: boolean; preferences: boolean; unsubscribeMailto: string },
  themes?: readonly string[],
  drawToken: () => string = () => `zk${randomBytes(12).toString('hex')}`,
): EmailTemplate {
  const content = searchableText([digest, options]);
  let base = drawToken();
  while (content.includes(base.toLowerCase())) base = drawToken();
  const placeholders: UnsubscribeView = {
    ...(options.oneClick ? { url: `${base}u` } : {}),
    mailtoUrl: `${base}m`,
    mailtoAddress: options.unsubscribeMailto,
    mailtoSubject: `${base}s`,
  };
  const rendered = renderEmail(digest, options, themes, placeholders, options.preferences ? `${base}p` : undefined);
  // One pass over each part; the base is letters and digits, so it needs no escaping in the pattern.
  const token = new RegExp(`${base}([umsp])`, 'g');
  return {
    subject: rendered.subject,
    fill(unsubscribe, preferencesUrl) {
      const parts = unsubscribeView(unsubscribe);
      const values: Record<string, string> = { u: parts.url ?? '', m: parts.mailtoUrl, s: parts.mailtoSubject ?? '', p: preferencesUrl ?? '' };
      const value = (kind: string) => values[kind] ?? '';
      return {
        html: rendered.html.replace(token, (_match, kind: string) => escapeHtml(value(kind))),
        text: rendered.text.replace(token, (_match, kind: string) => value(kind)),
      };
    },
  };
}

/** Every string in the values, lower-cased, with only letters and digits kept. */
function searchableText(values: unknown[]): string {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object' && !(value instanceof Date)) Object.values(value).forEach(walk);
  };
  values.forEach(walk);
  return strings.join('').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function unsubscribeView(unsubscribe: { url?: string; mailto: string }): UnsubscribeView {
  const mailto = parseMailto(unsubscribe.mailto);
  return {
    ...(unsubscribe.url ? { url: unsubscribe.url } : {}),
    mailtoUrl: mailto.url,
    mailtoAddress: mailto.address,
    ...(mailto.subject ? { mailtoSubject: mailto.subject } : {}),
  };
}

export function renderDigestEmail(
  digest: Digest,
  options: DigestRenderOptions,
): { subject: string; html: string; text: string } {
  return renderEmail(digest, options, undefined, options.unsubscribe ? unsubscribeView(options.unsubscribe) : undefined, options.preferencesUrl);
}

function renderEmail(
  digest: Digest,
  options: Omit<DigestRenderOptions, 'unsubscribe'>,
  themes: readonly string[] | undefined,
  unsubscribe: UnsubscribeView | undefined,
  preferencesUrl: string | undefined,
): { subject: string; html: string; text: string } {
  const view = withShortSummaries(viewOf(digest, options, themes), EMAIL_SUMMARY_MAX_CHARS);
  const perTheme = Math.max(0, options.entriesPerTheme ?? DEFAULT_ENTRIES_PER_THEME);
  const subject = digestSubject(themes ? digestOfThemes(digest, themes) : digest, options.timeZone);
  const render = (cap: number) => {
    const shown = limitEntries(view, perTheme, cap);
    return { shown, html: renderEmailHtml(shown, { subject, unsubscribe, ...(preferencesUrl ? { preferencesUrl } : {}) }) };
  };

  // Cap the total shown until the HTML fits; a few rounds at most, as each scales by the overshoot.
  let cap = Number.POSITIVE_INFINITY;
  let result = render(cap);
  for (;;) {
    const size = Buffer.byteLength(result.html);
    const shownCount = countEntries(result.shown);
    if (size <= EMAIL_HTML_MAX_BYTES || shownCount === 0) break;
    cap = Math.min(shownCount - 1, Math.floor((shownCount * EMAIL_HTML_MAX_BYTES * 0.95) / size));
    result = render(cap);
  }
  const text = renderEmailText(result.shown, { unsubscribe, ...(preferencesUrl ? { preferencesUrl } : {}) });
  return { subject, html: result.html, text };
}

export function renderDigestPage(digest: Digest, options: Omit<DigestRenderOptions, 'unsubscribe' | 'preferencesUrl'>): string {
  return renderPageHtml(viewOf(digest, options), { title: digestSubject(digest, options.timeZone) });
}

/**
 * The view of a digest, or of some of its themes (by name): their anchors stay those of the whole
 * digest's web copy, which their links point to.
 */
function viewOf(digest: Digest, options: Pick<DigestRenderOptions, 'site' | 'timeZone' | 'webCopyUrl'>, only?: readonly string[]): DigestView {
  const kept = only ? digestOfThemes(digest, only) : digest;
  const entryView = (entry: DigestEntry): EntryView => ({
    title: entry.title,
    url: absoluteHttpUrl(entry.url, options.site.url),
    source: entry.source,
    // The year only when it is not the digest's own: most entries are from this week.
    date: formatInZone(
      entry.published,
      options.timeZone,
      formatInZone(entry.published, options.timeZone, 'yyyy') === formatInZone(digest.periodEnd, options.timeZone, 'yyyy')
        ? zhDigest.entryDate
        : zhDigest.entryDateWithYear,
    ),
    published: entry.published,
    summary: entry.summary,
    thumbnail: entry.thumbnail ? absoluteHttpUrl(entry.thumbnail, options.site.url) : undefined,
    similarCount: entry.similarCount,
  });
  return {
    site: options.site,
    week: formatInZone(lastInstant(digest), options.timeZone, zhDigest.week),
    period: formatPeriod(digest.periodStart, lastInstant(digest), options.timeZone),
    total: kept.total,
    omitted: digest.omitted,
    themes: digest.themes.flatMap((theme, index) =>
      kept.themes.includes(theme)
        ? [{ name: theme.name, anchor: `theme-${index + 1}`, count: theme.entries.length, entries: theme.entries.map(entryView) }]
        : [],
    ),
    webCopyUrl: options.webCopyUrl,
    createdAt: digest.createdAt,
  };
}

/**
 * periodEnd may be exclusive (next Monday 00:00) or inclusive (Sunday 23:59:59); the instant
 * before it falls on the last day covered either way.
 */
function lastInstant(digest: Digest): Date {
  return new Date(Math.max(digest.periodStart.getTime(), digest.periodEnd.getTime() - 1));
}

function formatPeriod(start: Date, end: Date, timeZone: string): string {
  const first = formatInZone(start, timeZone, zhDigest.day);
  const last = formatInZone(end, timeZone, zhDigest.day);
  if (first === last) return first;
  const sameYear = formatInZone(start, timeZone, 'yyyy') === formatInZone(end, timeZone, 'yyyy');
  return `${first}${zhDigest.periodSeparator}${sameYear ? formatInZone(end, timeZone, zhDigest.dayInYear) : last}`;
}

function absoluteHttpUrl(url: string, base: string): string | undefined {
  const resolved = resolveUrl(url, base);
  return resolved && isHttpUrl(resolved) ? resolved : undefined;
}

/**
 * The first `perTheme` entries of each theme, at most `cap` in all. The cap is shared out by
 * rank (every theme's first entry before any theme's second), so no theme goes empty early.
 */
function limitEntries(view: DigestView, perTheme: number, cap: number): DigestView {
  const shown = view.themes.map(() => 0);
  let left = cap;
  for (let rank = 0; rank < perTheme && left > 0; rank += 1) {
    view.themes.forEach((theme, index) => {
      if (left > 0 && rank < theme.entries.length) {
        shown[index] = rank + 1;
        left -= 1;
      }
    });
    if (view.themes.every((theme) => theme.entries.length <= rank)) break;
  }
  return { ...view, themes: view.themes.map((theme, index) => ({ ...theme, entries: theme.entries.slice(0, shown[index]) })) };
}

function withShortSummaries(view: DigestView, max: number): DigestView {
  return {
    ...view,
    themes: view.themes.map((theme) => ({
      ...theme,
      entries: theme.entries.map((entry) => ({ ...entry, summary: truncateText(entry.summary, max) })),
    })),
  };
}

function countEntries(view: DigestView): number {
  return view.themes.reduce((sum, theme) => sum + theme.entries.length, 0);
}
