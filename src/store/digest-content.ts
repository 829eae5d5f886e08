import type { Digest } from '../model.js';

// The stored form of a digest, read the same way by every archive.

/** A digest as stored (JSON), with its dates made Dates again. */
export function reviveDigest(content: string): Digest {
  return JSON.parse(content, (key, value: unknown) =>
    typeof value === 'string' && /^(periodStart|periodEnd|createdAt|published)$/.test(key) ? new Date(value) : value,
  ) as Digest;
}

/**
 * Adds to `themeOf` (article id → theme name) the articles a digest put in named themes, up to
 * `limit` in all, keeping what a newer digest (added before) said. Clusters (their names are the
 * week's words) and 其他要闻 are not themes anyone chose.
 */
export function addNamedThemes(digest: Digest, themeOf: Map<string, string>, limit: number): void {
  for (const theme of digest.themes) {
    if (theme.kind !== 'taxonomy') continue;
    for (const entry of theme.entries) if (!themeOf.has(entry.id) && themeOf.size < limit) themeOf.set(entry.id, theme.name);
  }
}
