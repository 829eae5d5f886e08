import { describe, expect, it } from 'vitest';
import { detectFormat, parseCnews, parseThucnews, parseTnews } from '../../src/themes/eval-corpus.js';

describe('classification corpus readers', () => {
  it('tells the three formats apart', () => {
    expect(detectFormat('{"label": 115, "label_desc": "news_agriculture", "sentence": "春耕"}\n', false)).toBe('tnews');
    expect(detectFormat('锌价难续去年辉煌\t0\n', true)).toBe('thucnews');
    expect(detectFormat('体育\t湖人消息比赢球开心10倍\n', false)).toBe('cnews');
  });

  it('reads cnews: the label, then title and text glued together', () => {
    const [item] = parseCnews('体育\t湖人1消息比赢球开心10倍 小拜膝伤无碍季后赛复出新浪体育讯北京时间4月12日\n');
    expect(item?.label).toBe('体育');
    expect(item?.article.title + item!.article.text).toBe('湖人1消息比赢球开心10倍 小拜膝伤无碍季后赛复出新浪体育讯北京时间4月12日');
  });

  it('reads THUCNews titles with class names by index', () => {
    const items = parseThucnews('锌价难续去年辉煌\t0\n金科西府 名墅天成\t1\n', ['finance', 'realty']);
    expect(items.map((item) => [item.article.title, item.label])).toEqual([['锌价难续去年辉煌', 'finance'], ['金科西府 名墅天成', 'realty']]);
    expect(() => parseThucnews('标题\t7\n', ['finance'])).toThrow(/line 1/);
  });

  it('reads TNEWS sentences and label_desc', () => {
    const items = parseTnews('{"label": 115, "label_desc": "news_agriculture", "sentence": "产业扶贫让输血变造血", "keywords": "", "id": 164}\n');
    expect(items[0]?.label).toBe('news_agriculture');
    expect(items[0]?.article.title).toBe('产业扶贫让输血变造血');
  });
});
