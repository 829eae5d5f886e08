import { describe, expect, it } from 'vitest';
import { isContentWord, segment, tokenize } from '../../src/themes/segment.js';

describe('segment', () => {
  it('keeps our domain terms whole', () => {
    const words = segment('工信部：支持中小微企业纾困解难，培育专精特新“小巨人”，加快落实留抵退税');
    for (const term of ['工信部', '中小微企业', '专精特新', '小巨人', '留抵退税']) expect(words).toContain(term);
    expect(segment('助力企业纾困')).toContain('纾困');
  });

  it('removes stop words, single characters and numbers', () => {
    const words = segment('记者表示，1-5月上海市房地产开发投资同比下降18.0%，的确如此。');
    expect(words).toContain('房地产开发投资');
    for (const word of ['记者', '表示', '的', '18.0%', '1', '5月']) expect(words).not.toContain(word);
  });

  it('writes Latin in lower case, full-width forms as half-width', () => {
    expect(segment('1月LPR报价出炉')).toContain('lpr');
    expect(segment('ＬＰＲ连续11个月不变')).toContain('lpr');
    expect(segment('AI 篮球裁判火了')).toContain('ai');
  });

  it('keeps stop words in tokenize (keyword matching needs them) but drops punctuation', () => {
    const tokens = tokenize('这是一个测试。');
    expect(tokens).toContain('这是');
    expect(tokens).not.toContain('。');
  });

  it('returns nothing for empty text', () => {
    expect(segment('')).toEqual([]);
    expect(isContentWord('的')).toBe(false);
    expect(isContentWord('2022年')).toBe(false);
    expect(isContentWord('5g')).toBe(true);
  });
});
