import { describe, expect, it } from 'vitest';
import type { Theme, ThemeInput } from '../../src/model.js';
import { groupByTheme } from '../../src/themes/group.js';
import { DEFAULT_TAXONOMY } from '../../src/themes/default-taxonomy.js';
import { trainThemeModel } from '../../src/themes/theme-model.js';
import { readFileSync } from 'node:fs';
import { parseThucnews } from '../../src/themes/eval-corpus.js';
import { scoreGrouping } from '../../src/themes/metrics.js';
import { readRealArticles, THUCNEWS_DIR } from './fixtures.js';
import { lacks, needs } from '../support/requirements.js';

/** Article id → theme name, folded near-duplicates included. */
function themeOf(themes: readonly Theme[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const theme of themes) for (const entry of theme.entries) for (const id of [entry.id, ...entry.similar]) result.set(id, theme.name);
  return result;
}

const noCorpus = lacks(needs.shared, 'groupByTheme on the seeds and the rsshub-page corpus');
const articles = noCorpus ? [] : readRealArticles();

/** The themes a reader would put each real article in (either of two where both fit). */
const EXPECTED_THEMES: Record<string, string[]> = {
  seed000: ['中小企业与民营经济'],
  seed001: ['中小企业与民营经济'],
  seed002: ['中小企业与民营经济'],
  seed003: ['中小企业与民营经济'],
  seed004: ['中小企业与民营经济'],
  s004: ['宏观经济', '产业与科技创新'],
  s009: ['房地产'],
  s010: ['房地产'],
  s011: ['房地产'],
  s006: ['货币政策与利率'],
  s008: ['货币政策与利率'],
  s003: ['股市与资本市场', '公司与业绩'],
  s007: ['社会与公共安全', '其他要闻'],
  s001: ['社会与公共安全', '其他要闻'],
  s002: ['社会与公共安全', '其他要闻'],
  s005: ['科技与互联网', '其他要闻'],
  o002: ['科技与互联网', '其他要闻'],
  o001: ['科技与互联网', '其他要闻'],
};

describe.skipIf(noCorpus)('groupByTheme on the real articles, default taxonomy', () => {
  const themes = groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY });
  const assigned = themeOf(themes);

  it('reads all 18 articles', () => {
    expect(articles).toHaveLength(18);
    expect(assigned.size).toBe(18);
  });

  it('puts each article in the theme a reader would', () => {
    for (const [id, names] of Object.entries(EXPECTED_THEMES)) expect(names, id).toContain(assigned.get(id));
    expect(new Set(assigned.values()).size).toBeGreaterThanOrEqual(6);
  });

  it('folds s010 into s009 as one entry with a similar report', () => {
    const entry = themes.flatMap((theme) => theme.entries).find((e) => e.id === 's009' || e.id === 's010');
    expect(entry?.id).toBe('s009');
    expect(entry?.similar).toEqual(['s010']);
  });

  it('orders themes by size, 其他要闻 last, with scores in 0..1 and the matched keywords', () => {
    const sizes = themes.filter((t) => t.kind !== 'other').map((t) => t.entries.reduce((n, e) => n + 1 + e.similar.length, 0));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(themes[0]?.name).toBe('中小企业与民营经济');
    expect(themes[0]?.keywords).toContain('中小企业');
    for (const theme of themes) for (const entry of theme.entries) expect(entry.score).toBeGreaterThanOrEqual(0);
    for (const theme of themes) for (const entry of theme.entries) expect(entry.score).toBeLessThanOrEqual(1);
    const otherIndex = themes.findIndex((t) => t.kind === 'other');
    if (otherIndex >= 0) expect(otherIndex).toBe(themes.length - 1);
  });
});

describe.skipIf(noCorpus)('groupByTheme on headlines without their text', () => {
  // Half of the rsshub-page posts stripped to their titles, as a feed of 快讯 or headlines gives them.
  const stripped = new Set(['o001', 's001', 's003', 's005', 's007', 's009', 's011']);
  const mixed = articles.map((article) => (stripped.has(article.id) ? { ...article, text: '' } : article));

  it('still puts each item in the theme a reader would, none of the headlines alone in 其他要闻 when a theme fits', () => {
    const assigned = themeOf(groupByTheme(mixed, { taxonomy: DEFAULT_TAXONOMY }));
    expect(assigned.size).toBe(18);
    for (const [id, names] of Object.entries(EXPECTED_THEMES)) expect(names, id).toContain(assigned.get(id));
    // A headline whose keywords point two ways (两融 and 自营; 业绩 and 净利) is not left unsorted.
    expect(assigned.get('s003')).not.toBe('其他要闻');
  });

  it('go where a learned model puts them, and its themes merge with taxonomy themes of the same name', () => {
    const model = trainThemeModel([
      { theme: '房地产', title: '全国房地产开发投资同比下降', text: '' },
      { theme: '房地产', title: '多地楼市成交回暖 房价企稳', text: '' },
      { theme: '房地产', title: '商品房销售面积降幅收窄', text: '' },
      { theme: '体育', title: '湖人队主场击败勇士', text: '' },
      { theme: '体育', title: '国足世预赛客场告负', text: '' },
      { theme: '体育', title: '冬奥会花样滑冰男子单人滑', text: '' },
    ]);
    const headlines: ThemeInput[] = [
      { id: 'h1', title: '上海市房地产开发投资下降', text: '', published: new Date('2022-06-01T00:00:00Z') },
      { id: 'h2', title: '勇士客场险胜湖人', text: '', published: new Date('2022-06-01T00:00:00Z') },
      { id: 'h3', title: '花样滑冰世锦赛落幕', text: '', published: new Date('2022-06-01T00:00:00Z') },
    ];
    const themes = groupByTheme([...mixed, ...headlines], { taxonomy: DEFAULT_TAXONOMY, model });
    const assigned = themeOf(themes);
    expect(assigned.get('h1')).toBe('房地产');
    expect(assigned.get('h2')).toBe('体育');
    expect(assigned.get('h3')).toBe('体育');
    expect(assigned.get('s011')).toBe('房地产');
    const names = themes.map((theme) => theme.name);
    expect(names.filter((name) => name === '房地产')).toHaveLength(1);
    // A model theme is described by the words its stories share.
    expect(themes.find((theme) => theme.name === '体育')?.keywords.length).toBeGreaterThan(0);
  });
});

describe.skipIf(noCorpus)('groupByTheme with a model taught a few themes', () => {
  it('leaves the stories off all of its themes to the taxonomy, not to the nearest of its themes', () => {
    const model = trainThemeModel(
      [
        ['楼市快讯', '1-4月份全国房地产开发投资下降'],
        ['楼市快讯', '上海新房均价环比上涨'],
        ['楼市快讯', '多地放宽住房公积金贷款 楼市成交回暖'],
        ['利率快讯', '1月LPR报价出炉 5年期下调'],
        ['利率快讯', '央行开展逆回购操作 利率不变'],
        ['利率快讯', 'MLF利率下调10个基点'],
      ].map(([theme, title]) => ({ theme: theme!, title: title!, text: '' })),
    );
    const assigned = themeOf(groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY, model }));
    // A plane crash, a covid bulletin, an AI referee, a software release: about neither theme.
    for (const id of ['s007', 's002', 's005', 'o001']) expect(['楼市快讯', '利率快讯'], id).not.toContain(assigned.get(id));
    expect(assigned.get('s006')).toBe('利率快讯');
    expect(assigned.get('s011')).toBe('楼市快讯');
  });
});

describe.skipIf(noCorpus)('groupByTheme, clustering only', () => {
  it('finds the five SME seeds as a cluster named by its keywords and leaves small groups in 其他要闻', () => {
    const themes = groupByTheme(articles);
    const cluster = themes.find((theme) => theme.kind === 'cluster' && theme.entries.some((e) => e.id === 'seed000'));
    expect(cluster?.name).toMatch(/^热点：[^·]+·[^·]+$/);
    expect(cluster?.keywords).toContain('中小企业');
    expect(cluster?.entries.map((e) => e.id).sort()).toEqual(['seed000', 'seed001', 'seed002', 'seed003', 'seed004']);
    expect(themes[themes.length - 1]?.name).toBe('其他要闻');
  });

  it('puts everything in 其他要闻 when nothing is alike', () => {
    const one: ThemeInput = { id: 'x', title: '今日天气', text: '晴转多云。', published: new Date('2022-06-01T00:00:00Z') };
    expect(groupByTheme([one])).toEqual([{ name: '其他要闻', kind: 'other', keywords: [], entries: [{ id: 'x', score: 0, similar: [] }] }]);
    expect(groupByTheme([])).toEqual([]);
  });
});

describe.skipIf(noCorpus)('groupByTheme is deterministic', () => {
  it('gives the same themes in the same order for the same articles, in any input order', () => {
    const first = groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY });
    const again = groupByTheme(articles, { taxonomy: DEFAULT_TAXONOMY });
    const reversed = groupByTheme([...articles].reverse(), { taxonomy: DEFAULT_TAXONOMY });
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
    expect(groupByTheme([...articles].reverse())).toEqual(groupByTheme(articles));
  });

  it('ranks entries by relevance, then recency', () => {
    const published = (day: number): Date => new Date(Date.UTC(2022, 5, day));
    const text = '中国人民银行授权全国银行间同业拆借中心公布，贷款市场报价利率LPR为：1年期LPR为3.7%，5年期以上LPR为4.45%。';
    const themes = groupByTheme(
      [
        { id: 'old', title: 'LPR报价出炉', text, published: published(1) },
        { id: 'new', title: 'LPR报价出炉', text: `${text}以上LPR在下一次发布LPR之前有效。`, published: published(20) },
      ],
      { taxonomy: DEFAULT_TAXONOMY, nearDuplicates: false },
    );
    expect(themes.map((t) => t.name)).toEqual(['货币政策与利率']);
    expect(themes[0]?.entries.map((e) => e.id)).toEqual(['new', 'old']);
  });
});

describe.skipIf(noCorpus)('groupByTheme on headlines alone, no taxonomy', () => {
  it('clusters THUCNews titles into groups that hold (titles 2,001-4,000, tuned on none of them)', () => {
    const classes = readFileSync(`${THUCNEWS_DIR}class.txt`, 'utf8').split(/\r?\n/).filter(Boolean);
    const items = parseThucnews(readFileSync(`${THUCNEWS_DIR}dev.txt`, 'utf8'), classes).slice(2000, 4000);
    const themes = groupByTheme(items.map((item) => item.article));
    const assigned = themeOf(themes);
    const scores = scoreGrouping(items.map((item) => item.label), items.map((item) => assigned.get(item.article.id)!), '其他要闻');
    // Words and character pairs alone gave 0.16: two headlines of one theme often share neither.
    expect(scores.ari).toBeGreaterThan(0.24);
    expect(themes.filter((theme) => theme.kind === 'cluster').length).toBeLessThan(40);
    // Single characters help headlines meet, but name no cluster.
    for (const theme of themes) for (const keyword of theme.keywords) expect(keyword).not.toMatch(/^[cp]:/);
  });
});
