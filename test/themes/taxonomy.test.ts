import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY, validateTaxonomy } from '../../src/themes/taxonomy.js';

describe('DEFAULT_TAXONOMY', () => {
  it('is valid and has 12 to 16 themes, finance first and two general ones', () => {
    const { taxonomy, problems } = validateTaxonomy(DEFAULT_TAXONOMY);
    expect(problems).toEqual([]);
    expect(taxonomy?.themes.length).toBeGreaterThanOrEqual(12);
    expect(taxonomy?.themes.length).toBeLessThanOrEqual(16);
    const names = DEFAULT_TAXONOMY.themes.map((theme) => theme.name);
    for (const name of ['宏观经济', '货币政策与利率', '中小企业与民营经济', '房地产', '社会与公共安全', '科技与互联网']) {
      expect(names).toContain(name);
    }
  });
});

describe('validateTaxonomy', () => {
  it('accepts keywords as a map of weights or as a list (weight 1)', () => {
    const result = validateTaxonomy({ themes: [{ name: '房地产', keywords: ['楼市', '房价'] }, { name: '利率', keywords: { LPR: 3 } }] });
    expect(result.problems).toEqual([]);
    expect(result.taxonomy?.themes[0]).toEqual({ name: '房地产', keywords: { 楼市: 1, 房价: 1 } });
    expect(result.taxonomy?.themes[1]?.keywords).toEqual({ LPR: 3 });
  });

  it('rejects what is not a taxonomy at all', () => {
    expect(validateTaxonomy(null).problems).toEqual(['taxonomy: must be an object with a list "themes", got null']);
    expect(validateTaxonomy({ themes: [] }).problems).toEqual(['taxonomy.themes: must list at least one theme']);
  });

  it('lists every problem, each with its place', () => {
    const result = validateTaxonomy({
      themes: [
        { name: '', keywords: { 楼市: 1 } },
        { name: '货币', keywords: { LPR: -1, 降息: 'high', ＬＰＲ: 2, lpr: 2 } },
        { name: '货币', keywords: {} },
        'not a theme',
        { name: '外贸', keywords: 'exports' },
        { name: '科技', keywords: ['AI', 7] },
      ],
    });
    expect(result.taxonomy).toBeUndefined();
    expect(result.problems).toEqual([
      'themes[0].name: must be a non-empty string, got ""',
      'themes[1].keywords.LPR: weight must be a number greater than 0, got -1',
      'themes[1].keywords.降息: weight must be a number greater than 0, got "high"',
      'themes[1].keywords.lpr: the same keyword as "ＬＰＲ" (case and full-width forms are ignored)',
      'themes[2].name: "货币" names an earlier theme too',
      'themes[2].keywords: a theme needs at least one keyword',
      'themes[3]: must be an object with "name" and "keywords", got "not a theme"',
      'themes[4].keywords: must be a map of word to weight, got "exports"',
      'themes[5].keywords.[1]: a keyword must be a non-empty word, got 7',
    ]);
  });
});
