import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFolder } from '../../src/sources/markdown.js';
import { ID_AUTHORITY, SHARED, folder, readOptions } from './helpers.js';
import { lacks, needs } from '../support/requirements.js';

// The five seeds and the 13 rsshub-page posts: real crawler output, read where they lie.

const SEEDS = join(SHARED, 'seeds');
const RSSHUB_PAGE = join(SHARED, 'corpus/rsshub-page');
const SINA = ['金融', '新浪财经', '新浪财经－国內'];

/** File → the instant of its `date:` line (RFC 822, GMT), written out by hand. */
const EXPECTED: Record<string, { published: string; categories: string[] }> = {
  '000_eacf37cdd6e333c5.txt': { published: '2022-05-18T08:02:55.000Z', categories: SINA },
  '001_dfe2e70512514d13.txt': { published: '2022-06-07T07:07:31.000Z', categories: SINA },
  '002_d098253af40e3e8d.txt': { published: '2021-09-13T05:33:28.000Z', categories: SINA },
  '003_d84a31722ec7ef10.txt': { published: '2021-11-28T00:07:44.000Z', categories: SINA },
  '004_667bf2112a95e142.txt': { published: '2021-12-17T05:09:33.000Z', categories: SINA },
  'o001-oschina.md': { published: '2021-08-19T09:48:00.000Z', categories: ['编程', '开源中国', '资讯'] },
  'o002-36kr.md': { published: '2022-02-11T11:36:29.000Z', categories: ['新媒体', '36kr', '资讯'] },
  's001.md': { published: '2021-12-28T03:54:01.000Z', categories: SINA },
  's002.md': { published: '2022-07-09T23:54:27.000Z', categories: SINA },
  's003.md': { published: '2022-07-17T01:07:57.000Z', categories: SINA },
  's004.md': { published: '2021-12-27T01:51:04.000Z', categories: SINA },
  's005.md': { published: '2022-07-31T06:13:25.000Z', categories: SINA },
  's006.md': { published: '2022-01-20T01:18:51.000Z', categories: SINA },
  's007.md': { published: '2022-03-23T01:20:39.000Z', categories: SINA },
  's008-oldlayout.md': { published: '2021-03-22T03:53:17.000Z', categories: ['金融', '新浪财经 - 新浪财经－国內'] },
  's009.md': { published: '2022-06-17T03:49:08.000Z', categories: SINA },
  's010.md': { published: '2022-06-17T03:39:35.000Z', categories: SINA },
  's011.md': { published: '2022-05-16T02:23:34.000Z', categories: SINA },
};

/** The body exactly as it stands after the closing `---` line. */
async function bodyOf(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const close = text.indexOf('\n---\n', text.indexOf('---') + 3);
  return text.slice(close + '\n---\n'.length).trim();
}

describe.skipIf(lacks(needs.shared, 'readFolder on the shared seeds and rsshub-page corpus'))('readFolder on the seeds and the rsshub-page corpus', () => {
  it('reads every post with its title, exact date, categories and untouched HTML body', async () => {
    const options = readOptions();
    const seeds = await readFolder(folder(SEEDS, 'seeds'), options);
    const corpus = await readFolder(folder(RSSHUB_PAGE, 'rsshub-page'), options);

    expect(seeds.problems).toEqual([]);
    expect(corpus.problems).toEqual([]); // MANIFEST.tsv is not a post and is ignored silently
    const articles = [...seeds.articles, ...corpus.articles];
    expect(articles.map((article) => article.path)).toEqual(Object.keys(EXPECTED));

    for (const article of articles) {
      const expected = EXPECTED[article.path ?? ''];
      const path = join(article.source === 'seeds' ? SEEDS : RSSHUB_PAGE, article.path ?? '');
      expect(article.title, path).not.toBe('');
      expect(article.published.toISOString(), path).toBe(expected?.published);
      expect(article.dateGuessed, path).toBe(false);
      expect(article.categories, path).toEqual(expected?.categories);
      // Indented HTML must not go through Markdown (it would turn into code blocks).
      expect(article.html, path).toBe(await bodyOf(path));
      expect(article.html, path).not.toContain('<pre><code>');
    }
    // Only s008's damaged title line is worth a warning.
    expect(options.log.lines).toEqual([
      `warning: ${join(RSSHUB_PAGE, 's008-oldlayout.md')}: the title line was damaged (stray quotes); quoted it again to read it`,
    ]);
  });

  it('reads seed 000 field by field', async () => {
    const { articles } = await readFolder(folder(SEEDS, 'seeds'), readOptions());
    expect(articles[0]).toEqual({
      id: `tag:${ID_AUTHORITY}:seeds/000_eacf37cdd6e333c5.txt`,
      source: 'seeds',
      path: '000_eacf37cdd6e333c5.txt',
      title: '工信部：将做好_1+4+1_帮扶中小企业系列工作',
      published: new Date('2022-05-18T08:02:55Z'),
      dateGuessed: false,
      author: '新浪财经',
      categories: SINA,
      image: 'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png',
      html: await bodyOf(join(SEEDS, '000_eacf37cdd6e333c5.txt')),
    });
  });

  it('makes the damaged s008 title line parse and keeps its quote runs for the title repairer', async () => {
    const { articles } = await readFolder(folder(RSSHUB_PAGE, 'rsshub-page'), readOptions());
    const s008 = articles.find((article) => article.path === 's008-oldlayout.md');
    expect(s008?.title).toBe(`"""""""""'LPR连续11个月不变 业内人士：年内加息降息概率都不大'"""""""""`);
    expect(s008?.author).toBe('新浪财经 - 新浪财经－国內');
    // No headimg key in the old layout: the thumbnail stands in.
    expect(s008?.image).toBe('https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png');
  });

  it('keeps titles that begin with a double quote inside single quotes (s001, s003)', async () => {
    const { articles } = await readFolder(folder(RSSHUB_PAGE, 'rsshub-page'), readOptions());
    const titles = Object.fromEntries(articles.map((article) => [article.path, article.title]));
    expect(titles['s001.md']).toBe('"100种方法刑事你"的女书记登门道歉，当事人：没诚意');
    expect(titles['s003.md']).toBe('"券茅"业绩一枝独秀！东方财富证券净利逆市大增37%，经纪、两融、自营超预期');
    expect(titles['s004.md']).toBe('1-11月份全国规模以上工业企业利润同比增长38.0% 两年平均增长18.9%');
  });

  it('gives the same ids and articles on a second read', async () => {
    const first = await readFolder(folder(RSSHUB_PAGE, 'rsshub-page'), readOptions());
    const second = await readFolder(folder(RSSHUB_PAGE, 'rsshub-page'), readOptions({ concurrency: 1 }));
    expect(second.articles.map((article) => article.id)).toEqual(first.articles.map((article) => article.id));
    expect(second).toEqual(first);
    expect(new Set(first.articles.map((article) => article.id)).size).toBe(13);
  });
});
