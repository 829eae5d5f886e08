import { describe, expect, it } from 'vitest';
import { findNearDuplicates } from '../../src/themes/similar.js';
import { readRealArticles } from './fixtures.js';
import { lacks, needs } from '../support/requirements.js';

const REPORT =
  '国家统计局今天发布数据，1-5月份全国规模以上工业企业实现利润总额同比增长百分之一点零，' +
  '其中制造业利润有所回落，采矿业利润大幅增长，电力热力生产和供应业利润继续下降，专家认为下半年工业经济有望企稳回升。';

describe('findNearDuplicates', () => {
  it('folds the same story told twice, whatever the punctuation and spacing', () => {
    const groups = findNearDuplicates([
      { id: 'a', text: REPORT },
      { id: 'b', text: `据新华社报道：${REPORT.replace(/，/g, ', ')}（完）` },
      { id: 'c', text: '上海市今天召开新闻发布会，介绍疫情防控最新情况，全市新增本土确诊病例和无症状感染者均为零，社会面清零状态继续保持。' },
    ]);
    expect(groups).toEqual([['a', 'b']]);
  });

  it('leaves texts too short to tell alone', () => {
    expect(findNearDuplicates([{ id: 'a', text: '央行降准' }, { id: 'b', text: '央行降准' }])).toEqual([]);
  });

  it.skipIf(lacks(needs.shared, 'findNearDuplicates on the rsshub-page corpus'))('folds s009 and s010 (the Shanghai real-estate report from two outlets) and nothing else', () => {
    const articles = readRealArticles();
    const groups = findNearDuplicates(articles.map((article) => ({ id: article.id, text: `${article.title}\n${article.text}` })));
    expect(groups).toEqual([['s009', 's010']]);
  });
});

describe('findNearDuplicates with many copies', () => {
  it('folds a wire story reprinted by a hundred outlets into one group', () => {
    const copies = Array.from({ length: 100 }, (_, index) => ({ id: `copy${String(index).padStart(3, '0')}`, text: `${REPORT}（来源：第${index}家媒体）` }));
    const groups = findNearDuplicates([...copies, { id: 'other', text: '上海市今天召开新闻发布会，介绍疫情防控最新情况，全市新增本土确诊病例和无症状感染者均为零。' }]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toHaveLength(100);
  });
});
