import { describe, expect, it } from 'vitest';
import { groupByTheme } from '../../src/themes/group.js';
import type { ThemeGrouper } from '../../src/themes/grouper.js';
import { DEFAULT_TAXONOMY } from '../../src/themes/default-taxonomy.js';
import { trainThemeModel } from '../../src/themes/theme-model.js';
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
      // A learned model crosses to the thread with the articles, and groups there as here.
      const model = trainThemeModel([
        { theme: '楼市', title: '全国房地产开发投资下降', text: '' },
        { theme: '楼市', title: '上海新房均价环比上涨', text: '' },
        { theme: '利率', title: 'LPR报价出炉 5年期下调', text: '' },
        { theme: '利率', title: '贷款市场报价利率连续持平', text: '' },
      ]);
      const withModel = await grouper.group(articles, { taxonomy: DEFAULT_TAXONOMY, model });
      expect(withModel).toEqual(groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY, model }));
      expect(withModel.map((theme) => theme.name)).toContain('楼市');
    } finally {
      await grouper.close();
    }
    expect(warnings).toEqual([]);
  });
});
