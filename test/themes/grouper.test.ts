import { describe, expect, it } from 'vitest';
import { groupByTheme } from '../../src/themes/group.js';
import type { ThemeGrouper } from '../../src/themes/grouper.js';
import { DEFAULT_TAXONOMY } from '../../src/themes/taxonomy.js';
import { readRealArticles } from './fixtures.js';
import { lacks, needs } from '../support/requirements.js';

// The thread of its own exists only in the compiled program (its worker script is JavaScript),
// which `npm test` builds first: the test drives dist/ against the sources' grouping.
const compiled = (await import(new URL('../../dist/themes/grouper.js', import.meta.url).href)) as {
  startThemeThread(log: { warn(message: string): void }): ThemeGrouper;
};

describe.skipIf(lacks(needs.shared, 'grouping the rsshub-page corpus on a thread of its own'))('grouping on a thread of its own', () => {
  it('groups exactly as in this thread, call after call and after standing down, and closes', async () => {
    const warnings: string[] = [];
    const grouper = compiled.startThemeThread({ warn: (message) => warnings.push(message) });
    const articles = readRealArticles();
    try {
      expect(await grouper.group(articles, { taxonomy: DEFAULT_TAXONOMY })).toEqual(groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY }));
      const half = articles.slice(0, 9);
      expect(await grouper.group(half, {})).toEqual(groupByTheme(half, {}));
      // Stood down for a large collection, it starts again for the next grouping.
      grouper.standDown();
      expect(await grouper.group(half, { taxonomy: DEFAULT_TAXONOMY })).toEqual(groupByTheme(half, { taxonomy: DEFAULT_TAXONOMY }));
    } finally {
      await grouper.close();
    }
    expect(warnings).toEqual([]);
  });
});
