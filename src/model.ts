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
