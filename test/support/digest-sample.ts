import type { Digest, DigestEntry } from '../../src/model.js';
import type { DigestRenderOptions } from '../../src/output/digest/render.js';

// Digests for the rendering and mail tests: a small realistic one (week 20 of 2022, Shanghai) and
// a big one for the size cap.

export const SITE = { url: 'https://news.example.com/', title: '周刊' };
export const TIME_ZONE = 'Asia/Shanghai';
export const WEB_COPY_URL = 'https://news.example.com/digests/2022-W20.html';
export const HTTPS_UNSUBSCRIBE = {
  url: 'https://news.example.com/unsubscribe?token=3f9a0c1e5b7d2a4c6e8f0a1b3c5d7e9f&list=digest',
  mailto: 'mailto:unsubscribe@news.example.com?subject=unsubscribe',
};
export const MAILTO_UNSUBSCRIBE = { mailto: 'unsubscribe@news.example.com' };

export const RENDER_OPTIONS: DigestRenderOptions = {
  site: SITE,
  timeZone: TIME_ZONE,
  webCopyUrl: WEB_COPY_URL,
  unsubscribe: HTTPS_UNSUBSCRIBE,
};

const day = (date: string) => new Date(`${date}T09:30:00+08:00`);

function entry(id: string, fields: Partial<DigestEntry> & Pick<DigestEntry, 'title' | 'summary'>): DigestEntry {
  return {
    id,
    url: `https://finance.example.cn/2022/05/${id}.shtml`,
    source: '新华网',
    published: day('2022-05-18'),
    similarCount: 0,
    ...fields,
  };
}

/** Three themes (the last is 其他要闻), 12 entries, 7 omitted by the first digest's cap. */
export function sampleDigest(): Digest {
  return {
    id: '2022-W20',
    periodStart: new Date('2022-05-16T00:00:00+08:00'),
    periodEnd: new Date('2022-05-23T00:00:00+08:00'),
    createdAt: new Date('2022-05-23T08:00:00+08:00'),
    total: 12,
    omitted: 7,
    themes: [
      {
        name: '中小企业与民营经济',
        entries: [
          entry('sme-1', {
            title: '国务院常务会议部署进一步支持中小微企业和个体工商户纾困发展',
            summary: '会议确定，加大对中小微企业和个体工商户的金融支持力度，推动降低综合融资成本。',
            thumbnail: 'https://img.example.cn/2022/05/sme-1.jpg',
            similarCount: 3,
          }),
          entry('sme-2', {
            title: '多地出台减免房租措施：服务业小微企业和个体工商户可减免3至6个月租金',
            summary: '截至5月中旬，已有20余个省份发布了房租减免实施细则，受益市场主体超过百万户。',
            source: '人民网',
            published: day('2022-05-17'),
          }),
          entry('sme-3', {
            title: '<script>alert("周刊")</script> 民营企业家谈信心：订单回来了',
            summary: '“只要物流通了，订单就能回来。”一位浙江外贸企业负责人说，五月的订单已恢复到去年同期的八成。',
            thumbnail: 'https://img.example.cn/2022/05/sme-3.png?w=400&h=300',
            source: '经济日报 & 中国经济网',
          }),
          entry('sme-4', {
            title: '银保监会：引导银行保险机构加大对受疫情影响企业的支持',
            summary: '通知要求，对暂时遇到困难的中小微企业，不得盲目抽贷、断贷、压贷。',
            url: 'https://www.example.cn/gongshi/2022/05/20/a-very-long-path-segment-that-goes-on-and-on-without-any-break-at-all-0123456789abcdefghijklmnopqrstuvwxyz.html?from=timeline&isappinstalled=0',
            published: day('2022-05-20'),
            similarCount: 1,
          }),
          entry('sme-5', {
            title: 'Supercalifragilisticexpialidocious-small-business-relief-package 获批',
            summary: '这是一个很长的英文单词，用来检查窄屏上是否会溢出：Pneumonoultramicroscopicsilicovolcanoconiosis。',
            published: day('2022-05-21'),
          }),
        ],
      },
      {
        name: '科技创新',
        entries: [
          entry('tech-1', {
            title: '我国科学家在量子计算领域取得新突破',
            summary: '研究团队构建了66比特可编程超导量子计算原型机“祖冲之二号”，相关成果发表于国际期刊。',
            thumbnail: 'https://img.example.cn/2022/05/tech-1.jpg',
            source: '科技日报',
            published: day('2022-05-16'),
          }),
          entry('tech-2', {
            title: '工信部：加快5G网络建设，推动千兆光网覆盖',
            summary: '今年将新建5G基站60万个以上，实现县城和乡镇5G网络全面覆盖。',
            source: '工信微报',
            similarCount: 2,
          }),
          entry('tech-3', {
            title: '新能源汽车下乡活动启动',
            summary: '活动将持续至年底，覆盖多个省份的县域市场。',
            published: day('2022-05-19'),
          }),
          entry('tech-4', {
            title: '国产大飞机C919完成首次交付前试飞',
            summary: '试飞历时3小时2分钟，飞机各系统工作正常。',
            thumbnail: 'https://img.example.cn/2022/05/tech-4.jpg',
            published: day('2022-05-14'),
          }),
        ],
      },
      {
        name: '其他要闻',
        kind: 'other',
        entries: [
          entry('other-1', {
            title: '全国大部地区气温回升，南方将有强降雨',
            summary: '中央气象台预计，未来三天江南、华南等地有中到大雨，局地暴雨。',
            source: '中国气象局',
          }),
          entry('other-2', {
            title: '端午假期火车票5月20日起开售',
            summary: '铁路部门提醒旅客合理安排行程，错峰出行。',
            published: day('2022-05-20'),
          }),
          entry('other-3', {
            title: '第十九届亚运会延期举办',
            summary: '亚奥理事会宣布，原定于2022年9月10日至25日在杭州举行的第19届亚运会延期举办。',
            source: '新华社',
            published: day('2022-05-06'),
            similarCount: 5,
          }),
        ],
      },
    ],
  };
}

/** 300 entries in 12 themes with long titles, summaries and URLs: far more than an e-mail can hold. */
export function bigDigest(): Digest {
  const themes = Array.from({ length: 12 }, (_, themeIndex) => ({
    name: `主题${themeIndex + 1}：经济社会发展与民生保障`,
    entries: Array.from({ length: 25 }, (_, entryIndex) =>
      entry(`big-${themeIndex}-${entryIndex}`, {
        title: `第${themeIndex + 1}组第${entryIndex + 1}篇：各地多措并举稳就业保民生，推动经济运行回归正常轨道`,
        summary:
          '会议强调，要坚持稳字当头、稳中求进，统筹疫情防控和经济社会发展，加大宏观政策调节力度，扎实稳住经济，努力确保二季度经济实现合理增长，保持经济运行在合理区间。'.repeat(
            2,
          ),
        url: `https://finance.example.cn/roll/2022-05-18/doc-imcwiwst${themeIndex}${entryIndex}8471236.shtml?cre=tianyi&mod=pcpager_fin&loc=${entryIndex}&r=0&rfunc=100&tj=cxvertical_pc_pager_spt&tr=174`,
        thumbnail: entryIndex % 2 ? `https://n.sinaimg.cn/finance/crawl/${themeIndex}/w550h368/20220518/${entryIndex}-imcwiwst.jpg` : undefined,
        similarCount: entryIndex % 3,
      }),
    ),
  }));
  return {
    id: '2022-W20',
    periodStart: new Date('2022-05-16T00:00:00+08:00'),
    periodEnd: new Date('2022-05-23T00:00:00+08:00'),
    createdAt: new Date('2022-05-23T08:00:00+08:00'),
    total: 300,
    omitted: 0,
    themes,
  };
}
