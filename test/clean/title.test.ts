import { describe, expect, it } from 'vitest';
import { repairTitle } from '../../src/clean/index.js';
import { repairMojibake } from '../../src/clean/mojibake.js';
import { plainText } from '../../src/clean/title.js';
import { NO_CORPUS, readCorpusPost } from './posts.js';

describe('repairTitle', () => {
  it.each([
    ['工信部：将做好_1+4+1_帮扶中小企业系列工作', '工信部：将做好“1+4+1”帮扶中小企业系列工作'],
    ['_纾困帮扶 益企惠企_助力中小企业渡难关、谋发展', '“纾困帮扶 益企惠企”助力中小企业渡难关、谋发展'],
    ['_AI裁判_眼中的羽生结弦', '“AI裁判”眼中的羽生结弦'],
    ['_A_和_B_两个引号', '“A”和“B”两个引号'],
  ])('turns underscore pairs back into quotes: %s', (raw, repaired) => {
    expect(repairTitle(raw)).toBe(repaired);
  });

  it.each([
    ['snake_case 命名规范', 'snake_case 命名规范'],
    ['Python_教程', 'Python_教程'], // an odd underscore stays
    ['见 https://example.com/a_b_c 说明', '见 https://example.com/a_b_c 说明'],
    ['三个_下划线_只配一对_', '三个“下划线”只配一对_'],
    ['__init__ 方法', '__init__ 方法'],
  ])('leaves other underscores alone: %s', (raw, repaired) => {
    expect(repairTitle(raw)).toBe(repaired);
  });

  it('strips runs of quotes wrapped around the whole title (s008), with or without the outer run', () => {
    const expected = 'LPR连续11个月不变 业内人士：年内加息降息概率都不大';
    expect(repairTitle(`"""""""""'${expected}'"""""""""`)).toBe(expected);
    expect(repairTitle(`'${expected}'`)).toBe(expected);
    if (!NO_CORPUS) expect(repairTitle(readCorpusPost('s008-oldlayout').title)).toBe(expected);
  });

  it('keeps a leading quoted phrase and curls its ASCII quotes', () => {
    expect(repairTitle('"100种方法刑事你"的女书记登门道歉，当事人：没诚意')).toBe('“100种方法刑事你”的女书记登门道歉，当事人：没诚意');
    expect(repairTitle('"券茅"业绩一枝独秀！东方财富证券净利逆市大增37%，经纪、两融、自营超预期')).toBe(
      '“券茅”业绩一枝独秀！东方财富证券净利逆市大增37%，经纪、两融、自营超预期',
    );
    expect(repairTitle('"双减"之后的"课后服务"')).toBe('“双减”之后的“课后服务”');
    expect(repairTitle('He said "hello" 你好')).toBe('He said "hello" 你好');
  });

  it('decodes entities', () => {
    expect(repairTitle('A &amp; B &quot;引号&quot; &#123;x&#125; &#x4E2D;&lt;&gt;')).toBe('A & B “引号” {x} 中<>');
    expect(repairTitle('未知实体 &foo; 保留')).toBe('未知实体 &foo; 保留');
  });

  it('collapses whitespace to single spaces and strips invalid XML characters', () => {
    expect(repairTitle('  坚持助企纾困与激发活力并举  促进中小企业\u3000平稳健康发展 ')).toBe('坚持助企纾困与激发活力并举 促进中小企业 平稳健康发展');
    expect(repairTitle('标题\u0001含\u000b控制符\ufffe')).toBe('标题含控制符');
  });

  it('keeps a final 。 as published', () => {
    expect(repairTitle('1-5月上海房地产开发投资比去年同期下降18.0%。')).toBe('1-5月上海房地产开发投资比去年同期下降18.0%。');
  });

  it('is idempotent', () => {
    for (const raw of ['工信部：将做好_1+4+1_帮扶', '"券茅"业绩', `"""'LPR 不变'"""`]) {
      expect(repairTitle(repairTitle(raw))).toBe(repairTitle(raw));
    }
  });
});

describe('plainText', () => {
  it.each([
    ['<script>alert(1)</script>标题里的脚本', '标题里的脚本'],
    ['<b>加粗</b>与<i>斜体</i>', '加粗与斜体'],
    ['第一行<br>第二行', '第一行 第二行'],
    ['AT&amp;T &lt;b&gt;', 'AT&T <b>'],
    ['<img src=x onerror=alert(1)>', ''],
    ['<!-- 注释 -->正文', '正文'],
  ])('removes markup and decodes entities: %s', (raw, text) => {
    expect(plainText(raw)).toBe(text);
  });

  it.each([['a < b > c'], ['1<2 且 3>2'], ['C<T'], ['<3 爱心']])('leaves text that only looks like markup: %s', (raw) => {
    expect(plainText(raw)).toBe(raw);
  });
});

describe('repairMojibake', () => {
  it.each([
    ['â€¦', '…'],
    ['\u00e2\u0080\u00a6', '…'],
    ['ä¸­æ–‡æ–°é—»', '中文新闻'],
    ['don\u0092t', 'don’t'],
    ['Â£5', '£5'],
  ])('puts back UTF-8 read as Windows-1252 or Latin-1, and C1 stand-ins: %s', (damaged, text) => {
    expect(repairMojibake(damaged)).toBe(text);
  });

  it.each([['São Paulo'], ['naïve café'], ['NÃO'], ['à€'], ['中文 plain']])('leaves text that only looks damaged: %s', (text) => {
    expect(repairMojibake(text)).toBe(text);
  });
});
