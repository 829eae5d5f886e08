import { describe, expect, it } from 'vitest';
import { readThemeExamples, splitGluedText } from '../../src/themes/theme-examples.js';

describe('readThemeExamples', () => {
  it('reads headlines, titles with text, glued articles and JSON lines', () => {
    const glued = `湖人1消息比赢球开心10倍 小拜膝伤无碍季后赛复出新浪体育讯北京时间4月12日，在和马刺的比赛中，安德鲁-拜纳姆倒下的那一瞬间，整个天使城都揪心了。在比赛的剩余阶段，现场主持人都在忍不住一直试图打探拜纳姆的伤情。`;
    const text = [
      '\uFEFF# 示例：主题<TAB>标题',
      '体育\t湖人险胜勇士',
      '楼市\t北京楼市成交回升\t4月北京新房成交量环比上涨',
      `体育\t${glued}`,
      '{"theme": "科技", "title": "国产芯片量产", "text": "某公司宣布"}',
      '{"label_desc": "news_car", "sentence": "新能源车销量大增"}',
      '',
    ].join('\r\n');
    const { examples, problems } = readThemeExamples(text);
    expect(problems).toEqual([]);
    expect(examples).toEqual([
      { theme: '体育', title: '湖人险胜勇士', text: '' },
      { theme: '楼市', title: '北京楼市成交回升', text: '4月北京新房成交量环比上涨' },
      { theme: '体育', ...splitGluedText(glued) },
      { theme: '科技', title: '国产芯片量产', text: '某公司宣布' },
      { theme: 'news_car', title: '新能源车销量大增', text: '' },
    ]);
    expect(splitGluedText(glued).title).toBe('湖人1消息比赢球开心10倍 小拜膝伤无碍季后赛复出');
    expect(splitGluedText('湖人险胜勇士')).toEqual({ title: '湖人险胜勇士', text: '' });
  });

  it('names each unusable line with its number and reason, and keeps the rest', () => {
    const { examples, problems } = readThemeExamples(['体育\t湖人险胜', '没有制表符的一行', '\t标题', '体育\t', '{"theme": "体育"}', '{oops', '楼市\t房价'].join('\n'));
    expect(examples.map((example) => example.title)).toEqual(['湖人险胜', '房价']);
    expect(problems).toEqual([
      'line 2: expected theme<TAB>title (no tab)',
      'line 3: the theme (before the first tab) is empty',
      'line 4: the title is empty',
      'line 5: no "title" (or "sentence") string',
      expect.stringMatching(/^line 6: not JSON/),
    ]);
  });
});
