import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../src/themes/default-taxonomy.js';
import { validateTaxonomy } from '../../src/themes/taxonomy.js';
import { themeSlug } from '../../src/themes/theme-slug.js';

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

  it('gives every theme its own ASCII slug, kept by validation', () => {
    const slugs = DEFAULT_TAXONOMY.themes.map((theme) => theme.slug);
    expect(slugs.every((slug) => typeof slug === 'string' && /^[a-z0-9-]+$/.test(slug))).toBe(true);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(validateTaxonomy(DEFAULT_TAXONOMY).taxonomy?.themes.map((theme) => theme.slug)).toEqual(slugs);
    expect(themeSlug({ name: '货币政策与利率', kind: 'taxonomy' }, DEFAULT_TAXONOMY)).toBe('monetary-policy');
  });
});

describe('themeSlug', () => {
  it('derives a stable ASCII slug for clusters, for taxonomy themes without one and for 其他要闻', () => {
    const cluster = themeSlug({ name: '热点：留抵退税·小微企业', kind: 'cluster' }, DEFAULT_TAXONOMY);
    expect(cluster).toMatch(/^cluster-[0-9a-f]{8}$/);
    expect(themeSlug({ name: '热点：留抵退税·小微企业', kind: 'cluster' }, undefined)).toBe(cluster);
    expect(themeSlug({ name: '热点：其他', kind: 'cluster' }, undefined)).not.toBe(cluster);
    const mine = { themes: [{ name: '我的主题', keywords: { 词: 1 } }] };
    expect(themeSlug({ name: '我的主题', kind: 'taxonomy' }, mine)).toMatch(/^theme-[0-9a-f]{8}$/);
    expect(themeSlug({ name: '其他要闻', kind: 'other' }, DEFAULT_TAXONOMY)).toBe('other');
  });
});

describe('validateTaxonomy', () => {
  it('accepts keywords as a map of weights or as a list (weight 1)', () => {
    const result = validateTaxonomy({ themes: [{ name: '房地产', keywords: ['楼市', '房价'] }, { name: '利率', keywords: { LPR: 3 } }] });
    expect(result.problems).toEqual([]);
    expect(result.taxonomy?.themes[0]).toEqual({ name: '房地产', keywords: { 楼市: 1, 房价: 1 } });
    expect(result.taxonomy?.themes[1]?.keywords).toEqual({ LPR: 3 });
  });

  it('accepts a slug per theme, and names each bad one', () => {
    const result = validateTaxonomy({
      themes: [
        { name: '甲', slug: 'fine-slug', keywords: ['甲'] },
        { name: '乙', slug: 'Not OK', keywords: ['乙'] },
        { name: '丙', slug: 'fine-slug', keywords: ['丙'] },
        { name: '丁', slug: 'cluster-1234', keywords: ['丁'] },
        { name: '戊', slug: 'other', keywords: ['戊'] },
        { name: '己', slug: 7, keywords: ['己'] },
      ],
    });
    expect(result.problems).toEqual([
      'themes[1].slug: must be lowercase ASCII words joined by hyphens (like "monetary-policy"), at most 60 characters, got "Not OK"',
      'themes[2].slug: "fine-slug" is the slug of an earlier theme too',
      'themes[3].slug: "cluster-1234" is kept for themes the site names itself ("other", "cluster-…", "theme-…")',
      'themes[4].slug: "other" is kept for themes the site names itself ("other", "cluster-…", "theme-…")',
      'themes[5].slug: must be lowercase ASCII words joined by hyphens (like "monetary-policy"), at most 60 characters, got 7',
    ]);
    expect(validateTaxonomy({ themes: [{ name: '甲', slug: 'fine-slug', keywords: ['甲'] }] }).taxonomy?.themes[0]?.slug).toBe('fine-slug');
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
