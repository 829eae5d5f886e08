import { shortHash } from './hash.js';

/**
 * A page name for an article: readable when the source path is plain ASCII
 * (`seeds-000_eacf37cdd6e333c5`), a hash of the id otherwise. Stable across runs.
 */
export function slugFor(article: { id: string; source: string; path?: string }): string {
  const source = article.source.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const stem = article.path?.replace(/\.[^./]+$/, '').replace(/\//g, '-');
  const readable = stem && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/.test(stem) ? stem.toLowerCase() : undefined;
  return [source, readable ?? shortHash(article.id)].filter(Boolean).join('-');
}
