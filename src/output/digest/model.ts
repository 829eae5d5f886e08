import type { Article, Digest, DigestEntry, Theme } from '../../model.js';
import { articleUrl } from '../feeds/feeds.js';

export interface DigestModelInput {
  id: string;
  periodStart: Date;
  periodEnd: Date;
  createdAt: Date;
  themes: Theme[];
  /** The articles the themes refer to, by id. */
  articles: ReadonlyMap<string, Article>;
  /** Articles left out by the cap. */
  omitted: number;
  siteUrl: string;
}

/** Builds what a digest shows from its themes: every entry resolved to its article. */
export function buildDigest(input: DigestModelInput): Digest {
  const themes = input.themes
    .map((theme) => ({
      name: theme.name,
      kind: theme.kind,
      entries: theme.entries.flatMap((entry): DigestEntry[] => {
        const article = input.articles.get(entry.id);
        return article ? [toEntry(article, entry.similar.length, input.siteUrl)] : [];
      }),
    }))
    .filter((theme) => theme.entries.length > 0);
  const total = themes.reduce((sum, theme) => sum + theme.entries.reduce((count, entry) => count + 1 + entry.similarCount, 0), 0);
  return {
    id: input.id,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    createdAt: input.createdAt,
    themes,
    total,
    omitted: input.omitted,
  };
}

function toEntry(article: Article, similarCount: number, siteUrl: string): DigestEntry {
  return {
    id: article.id,
    title: article.title,
    url: articleUrl(article, { url: siteUrl }),
    source: article.meta.origin ?? article.author ?? article.source,
    published: article.published,
    summary: article.summary,
    ...(article.leadImage ? { thumbnail: article.leadImage.src } : {}),
    similarCount,
  };
}
