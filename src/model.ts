// Types that cross stages. Stages import these and nothing else from each other.

/** An image found in an article body. */
export interface ArticleImage {
  src: string;
  alt: string;
  caption?: string;
}

/** Metadata lifted out of a body instead of being thrown away with the boilerplate. */
export interface ArticleMeta {
  /** 责任编辑 */
  editor?: string;
  /** 原标题 */
  originalTitle?: string;
  /** 来源 */
  origin?: string;
}

/** An article as a source read it: body HTML as found, metadata from front matter or feed. */
export interface RawArticle {
  /** Stable id: the post's own id or link, else a tag: URI. Never changes across runs. */
  id: string;
  /** Name of the source it came from (folder name or configured name). */
  source: string;
  /** Path of the file relative to its source folder (folder sources only), with forward slashes. */
  path?: string;
  title: string;
  /** The original article URL, when known. */
  link?: string;
  published: Date;
  /** True when the date was missing or unreadable and the file's mtime stands in. */
  dateGuessed: boolean;
  updated?: Date;
  author?: string;
  categories: string[];
  /** Lead image named by the front matter or feed: a hint, often a promo picture. */
  image?: string;
  /** Summary written by the author (front matter description/excerpt). */
  description?: string;
  /** Body as HTML (Markdown bodies are rendered before this point). */
  html: string;
  /** URL to resolve relative links in the body against. */
  baseUrl?: string;
}

/** What cleaning makes of a body. */
export interface CleanBody {
  html: string;
  text: string;
  summary: string;
  /** Characters of text, CJK counted one each, whitespace not counted. */
  length: number;
  images: ArticleImage[];
  leadImage?: ArticleImage;
  meta: ArticleMeta;
}

/** A clean article, ready for the archive and for output. */
export interface Article extends Omit<RawArticle, 'html' | 'image' | 'description' | 'baseUrl'>, CleanBody {
  /** File name (without extension) of the article's page under output/articles/. */
  slug: string;
  /** For text written in Traditional characters: its Simplified form, for analysis only. */
  simplifiedText?: string;
}

/** A problem with one input that was skipped or repaired; the run goes on. */
export interface Problem {
  /** The file path or URL. */
  where: string;
  message: string;
}

/** What the archive knows about a source between runs. */
export interface SourceState {
  /** The folder's name or the feed's configured URL. */
  key: string;
  /** The URL to fetch (a permanent redirect replaces it). */
  url?: string;
  etag?: string;
  lastModified?: string;
  lastSuccess?: Date;
  errorCount: number;
  lastError?: string;
  /** Not to be fetched again before this (backoff after failures). */
  nextCheck?: Date;
}

/** What theme grouping needs of an article. */
export interface ThemeInput {
  id: string;
  title: string;
  /** Body text for analysis (the Simplified form for Traditional sources). */
  text: string;
  published: Date;
}

/** A theme of a digest: a taxonomy theme, a cluster of articles named by its keywords, or 其他要闻. */
export interface Theme {
  name: string;
  kind: 'taxonomy' | 'cluster' | 'other';
  /** The words that define it (taxonomy keywords matched, or a cluster's top terms). */
  keywords: string[];
  /** Best first. */
  entries: ThemeEntry[];
}

export interface ThemeEntry {
  /** The article shown. */
  id: string;
  /** How well it fits its theme, 0..1. */
  score: number;
  /** Near-duplicates of it (the same story from other outlets), folded into this entry. */
  similar: string[];
}

/** A digest as sent: what the email and its web copy show. */
export interface Digest {
  /** Stable id, also the web copy's file name: `2022-W20`, or `2022-W20-2` for a second one that week. */
  id: string;
  /** The window of first-collection (or, for --week/--since, publication) times it covers. */
  periodStart: Date;
  periodEnd: Date;
  createdAt: Date;
  themes: DigestTheme[];
  /** Articles in the digest, similar reports folded in. */
  total: number;
  /** Articles left out by the cap on a first digest ("and N more"), 0 otherwise. */
  omitted: number;
}

export interface DigestTheme {
  name: string;
  /** As in Theme; 'other' (其他要闻) is never named in the subject while another theme exists. */
  kind?: Theme['kind'];
  /** Entries in the theme, of which the first few are shown in the email (all on the web copy). */
  entries: DigestEntry[];
}

export interface DigestEntry {
  id: string;
  title: string;
  /** Where the title links: the original article, else its page on the site. */
  url: string;
  /** The outlet (来源) or source name. */
  source: string;
  published: Date;
  summary: string;
  thumbnail?: string;
  /** Near-duplicates folded into this entry (另有N篇相似报道). */
  similarCount: number;
}
