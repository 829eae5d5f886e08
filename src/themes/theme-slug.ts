// A theme's slug: its ASCII file name on the site (themes/<slug>.html, .xml, .json). The same theme
// name gives the same slug at every build, so a theme's feed URL never moves.
import type { Theme } from '../model.js';
import { shortHash } from '../util/hash.js';
import type { Taxonomy } from './taxonomy.js';

/**
 * The taxonomy's slug for its theme; else one derived from the name: `theme-<hash>` for a taxonomy
 * theme without a slug, `cluster-<hash>` for a cluster, `other` for 其他要闻. validateTaxonomy keeps
 * these forms free, so no two themes share a slug.
 */
export function themeSlug(theme: Pick<Theme, 'name' | 'kind'>, taxonomy: Taxonomy | undefined): string {
  if (theme.kind === 'other') return 'other';
  if (theme.kind === 'cluster') return `cluster-${shortHash(theme.name, 8)}`;
  const slug = taxonomy?.themes.find((candidate) => candidate.name === theme.name)?.slug;
  return slug ?? `theme-${shortHash(theme.name, 8)}`;
}
