// Summaries: the editor's opening blockquote, else the lead sentences; never bylines or boilerplate.
import { describe, expect, it } from 'vitest';
import { summarize, SUMMARY_MAX_CHARS, type Block } from '../../src/clean/index.js';
import { cleanPost, NO_CORPUS, readAllPosts, readCorpusPost, readSeed } from './posts.js';

const EXPECTED: Record<string, string> = {
  // Starts with the editor's blockquote.
  '000_eacf37cdd6e333c5': '徐晓兰表示，将全力以赴支持中小企业纾困解难和健康发展，突出做好“1+4+1”系列重点工作。',
  // The lead is one 250-character sentence: cut at a clause break.
  '001_dfe2e70512514d13':
    '为深入贯彻党中央、国务院决策部署，落实国务院促进中小企业发展工作领导小组通知要求，进一步加强协同联动、凝聚工作合力，支持中小企业纾困解难和健康发展，5月31日上午，由发展改革委产业发展司主办…',
  // 原标题 and the photo caption are not the lead; the second sentence would not fit.
  '002_d098253af40e3e8d':
    '9月13日，在国务院新闻办举行的“推进制造强国网络强国建设，助力全面建成小康社会”发布会上，工业和信息化部部长肖亚庆表示，党中央、国务院高度重视中小微企业的发展工作，出台了一系列惠企政策，应该说效果也是明显的。',
  '003_d84a31722ec7ef10':
    '11月26日至27日，工业和信息化部党组书记、部长肖亚庆赴河南郑州市调研中小企业工作，并主持召开座谈会，详细了解企业生产运行、要素保障、产品研发、产业链配套、市场开拓及惠企政策落实等情况，对相关企业专注细分领域，加大研发投入…',
  '004_667bf2112a95e142':
    '12月17日，在工信部召开的《“十四五”促进中小企业发展规划》（下称“《规划》”）发布会上，工信部中小企业局局长梁志峰介绍了《规划》的有关情况。',
  // The first paragraph repeats the title: skipped.
  s001: '据九派新闻12月27日报道，2021年12月27日，上访者谢先生称，晚上六点，镇长一行人来到他父母家门口，说要向他们道歉。视频显示，平度市云山镇原党委书记王丽站在一边，管区书记说：“我们来给你们道歉”。',
  // The "新京报贝壳财经讯（记者 程维妙）" byline is stripped.
  's008-oldlayout':
    '3月22日，最新一期贷款市场报价利率（LPR）报价出炉，1年期和5年期以上LPR均与上期持平，为连续11个月LPR保持不变。近期美国通胀升温，巴西、土耳其、俄罗斯等国央行开启加息进程，我国是否会受到干扰？',
  // The blockquote in the middle of the body is a quotation, not a summary.
  'o002-36kr':
    '2月10日，在北京冬奥会花样滑冰男子单人自由滑中，日本选手羽生结弦如约挑战公认难度最高的花滑动作4A（阿克塞尔4周跳），结果落地时摔倒，获得188.06分名列自由滑第三。最终，羽生结弦以283.21分的总成绩排名第四，无缘登上领奖台。',
  // "上证报中国证券网讯 " byline stripped.
  s009: '据上海市统计局6月17日消息，1-5月，上海市房地产开发投资比去年同期下降18.0%。商品房施工面积14320.58万平方米，增长6.4%。',
  // "上海市统计局" (a label, no sentence) is skipped.
  s010: '1-5月，本市房地产开发投资比去年同期下降18.0%。商品房施工面积14320.58万平方米，增长6.4%。',
  // The bold heading and 原标题 are skipped.
  s007: '受党中央、国务院委派，中共中央政治局委员、国务院副总理刘鹤和国务委员王勇率有关部门负责同志22日凌晨抵达广西梧州，指导“3·21”东航MU5735航空器飞行事故现场救援、善后处置及事故原因调查工作。',
};

function read(name: string) {
  return /^\d{3}_/.test(name) ? readSeed(name) : readCorpusPost(name);
}

describe('expected summaries', () => {
  it.each(Object.keys(EXPECTED).filter((name) => !NO_CORPUS || /^\d{3}_/.test(name)))('%s', (name) => {
    expect(cleanPost(read(name)).summary).toBe(EXPECTED[name]);
  });
});

describe('every summary is short, whole and clean', () => {
  it.each(readAllPosts().map((post) => [post.name, post] as const))('%s', (_name, post) => {
    const { summary } = cleanPost(post);
    expect(summary.length).toBeGreaterThan(10);
    expect([...summary].length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary).toMatch(/(?:[。！？!?]|…)[”’」』）)]*$/u);
    expect(summary).not.toMatch(/讯（记者|^（|责任编辑|原标题|来源[:：|]|海量资讯/u);
  });
});

describe('summarize', () => {
  const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

  it('uses an opening blockquote', () => {
    const blocks: Block[] = [{ kind: 'quote', text: '这是编辑摘要。' }, paragraph('正文第一句。')];
    expect(summarize({ blocks, title: '标题' })).toBe('这是编辑摘要。');
  });

  it('ignores a blockquote that is not at the start', () => {
    const blocks: Block[] = [paragraph('正文第一句。'), { kind: 'quote', text: '引语。' }];
    expect(summarize({ blocks, title: '标题' })).toBe('正文第一句。');
  });

  it('skips headings, credits, photo credits and a title repeat', () => {
    const blocks: Block[] = [
      { kind: 'heading', text: '小标题' },
      paragraph('“标题”重复'),
      paragraph('新华社记者 刘彬 摄'),
      paragraph('（总台央视记者 徐宁宁 杨毅）'),
      paragraph('本报讯（记者 张三）真正的第一句。第二句。'),
    ];
    expect(summarize({ blocks, title: '"标题"重复' })).toBe('真正的第一句。第二句。');
  });

  it('adds a second sentence only when it fits', () => {
    const long = `${'长'.repeat(100)}。`;
    expect(summarize({ blocks: [paragraph(`${long}短句。`)], title: '' })).toBe(`${long}短句。`);
    expect(summarize({ blocks: [paragraph(`${long}${'另'.repeat(30)}。`)], title: '' })).toBe(long);
  });

  it('cuts a single over-long sentence with an ellipsis', () => {
    const summary = summarize({ blocks: [paragraph(`${'甲'.repeat(70)}，${'乙'.repeat(70)}。`)], title: '' });
    expect(summary).toBe(`${'甲'.repeat(70)}…`);
  });

  it('continues into the next paragraph when the lead is one short sentence', () => {
    const blocks = [paragraph('第一句。'), paragraph('第二句。第三句。')];
    expect(summarize({ blocks, title: '' })).toBe('第一句。第二句。');
  });

  it('returns an empty summary for an empty body', () => {
    expect(summarize({ blocks: [], title: '标题' })).toBe('');
  });
});
