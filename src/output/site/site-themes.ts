import type { Article, Theme } from '../../model.js';

// The themes of the newest articles as the site shows them: each with its slug (its file name
// under themes/) and its articles resolved.

export interface SiteTheme {
  /** ASCII and stable across builds: themes/<slug>.html, .xml, .json. */
  slug: string;
  name: string;
  kind: Theme['kind'];
  keywords: string[];
  /** Best first; near-duplicates (the same story from other outlets) folded into their entry. */
  entries: SiteThemeEntry[];
}

export interface SiteThemeEntry {
  article: Article;
  similar: Article[];
}

/** Resolves grouped themes to their articles; an id with no article is left out, and so is a theme left empty. */
export function buildSiteThemes(themes: readonly Theme[], articles: readonly Article[], slugOf: (theme: Theme) => string): SiteTheme[] {
  const byId = new Map(articles.map((article) => [article.id, article]));
  const resolve = (ids: readonly string[]) => ids.flatMap((id) => byId.get(id) ?? []);
  return themes
    .map((theme) => ({
      slug: slugOf(theme),
      name: theme.name,
      kind: theme.kind,
      keywords: theme.keywords,
      entries: theme.entries.flatMap((entry) => {
        const article = byId.get(entry.id);
        return article ? [{ article, similar: resolve(entry.similar) }] : [];
      }),
    }))
    .filter((theme) => theme.entries.length > 0);
}

/** Every article of a theme, near-duplicates included, newest first: what its feeds carry. */
export function themeArticles(theme: SiteTheme): Article[] {
  return theme.entries
    .flatMap((entry) => [entry.article, ...entry.similar])
    .sort((a, b) => b.published.getTime() - a.published.getTime() || a.id.localeCompare(b.id));
}

/** How many articles a theme holds, near-duplicates included. */
export function themeSize(theme: SiteTheme): number {
  return theme.entries.reduce((sum, entry) => sum + 1 + entry.similar.length, 0);
}
