// What the digest's three renderers (email.ts, web-copy.ts, text.ts) lay out, as render.ts makes
// it from a Digest: its own module, so the renderers and render.ts do not import each other.

/** What the renderers show; every string is plain text (they escape it), every URL absolute. */
export interface DigestView {
  site: { url: string; title: string };
  /** 2022年第20周 */
  week: string;
  /** 2022年5月16日—5月22日 */
  period: string;
  total: number;
  omitted: number;
  themes: ThemeView[];
  webCopyUrl: string;
  /** When the digest was made: the date of its entry in the digest feeds. */
  createdAt: Date;
}

export interface ThemeView {
  name: string;
  /** Fragment id on the web copy, `theme-1`… */
  anchor: string;
  /** Entries in the theme, of which `entries` may be the first few. */
  count: number;
  entries: EntryView[];
}

export interface EntryView {
  title: string;
  /** Absent when the entry's URL is not http(s): the title is then shown without a link. */
  url?: string;
  source: string;
  /** 5月18日 */
  date: string;
  published: Date;
  summary: string;
  thumbnail?: string;
  similarCount: number;
}

/**
 * The footer's per-recipient parts, ready to show: the one-click link when there is one, and the
 * address to write to with the subject to use.
 */
export interface UnsubscribeView {
  url?: string;
  mailtoUrl: string;
  mailtoAddress: string;
  mailtoSubject?: string;
}
