import { mkdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { RawArticle } from '../../src/model.js';
import { readFolder, readPostFile } from '../../src/sources/markdown.js';
import { ID_AUTHORITY, POSTS_FIXTURES, copyOf, folder, readOptions, tempDir } from './helpers.js';

function byPath(articles: RawArticle[]): Record<string, RawArticle> {
  return Object.fromEntries(articles.map((article) => [article.path, article]));
}

describe('readFolder on test/fixtures/posts', () => {
  it('finds the posts recursively, in sorted order, ignoring other extensions', async () => {
    const { articles, problems } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    expect(problems).toEqual([]);
    expect(articles.map((article) => article.path)).toEqual([
      'big5.md',
      'bom-crlf.txt',
      'chinese-date.md',
      'gbk.md',
      'hexo-markdown.md',
      'html-post.html',
      'nested/2022/same-name.md',
      'nested/2023/same-name.md',
    ]);
  });

  it('renders a Hexo Markdown post with GFM and reads all its metadata', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    const post = byPath(articles)['hexo-markdown.md'];
    expect(post).toMatchObject({
      id: `tag:${ID_AUTHORITY}:posts/hexo-markdown.md`,
      source: 'posts',
      title: '央行下调存款准备金率 0.25 个百分点',
      published: new Date('2022-04-15T11:00:00Z'), // 19:00 in Shanghai
      updated: new Date('2022-04-16T01:30:00Z'),
      dateGuessed: false,
      author: '周刊编辑部',
      // categories (nested list flattened) then tags, deduplicated
      categories: ['金融', '宏观', '货币政策', '降准', '央行'],
      description: '央行决定于 2022 年 4 月 25 日下调金融机构存款准备金率。',
      image: 'https://img.example.com/rrr.png', // protocol-relative cover, made https
    });
    // A relative Hexo permalink is no link.
    expect(post).not.toHaveProperty('link');
    expect(post?.html).toContain('<h2>要点</h2>');
    expect(post?.html).toContain('<li>释放长期资金约 <strong>5300 亿元</strong></li>');
    expect(post?.html).toContain('<td>下调幅度</td>'); // GFM table
    expect(post?.html).toContain('<pre><code>这一行缩进四格，是代码块');
  });

  it('keeps an .html file as HTML even when it reads like Markdown', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    const post = byPath(articles)['html-post.html'];
    const link = 'https://finance.sina.com.cn/china/2022-05-18/doc-imcwiwst8213563.shtml';
    expect(post).toMatchObject({
      id: link, // guid is an absolute URI: used as is
      link,
      baseUrl: link,
      published: new Date('2022-05-18T08:02:55Z'), // pubDate, RFC 822
      image: 'https://n.sinaimg.cn/finance/example/lead.jpg',
      description: '扩展名为 .html 的文件，正文不经 Markdown 渲染。',
    });
    expect(post?.html).toBe(
      '# 这一行在 Markdown 里会是标题，在 HTML 文件里只是文字\n    <p>　　缩进四格的 HTML 段落不是代码块。</p>',
    );
  });

  it('reads a Chinese date in the zone, tags as a comma string and an own id', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    const post = byPath(articles)['chinese-date.md'];
    expect(post?.published).toEqual(new Date('2022-05-20T01:15:00Z')); // 09:15 in Shanghai
    expect(post?.categories).toEqual(['金融', '利率', 'LPR', '房贷']);
    expect(post?.id).toBe(`tag:${ID_AUTHORITY}:posts/id:lpr-2022-05`);
    // Indented HTML inside a <div> stays HTML.
    expect(post?.html).toMatch(/^<div>\n {4}<p>　　5 年期以上 LPR 为 4.45%/);
  });

  it('reads the same wall-clock date differently in another zone', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions({ zone: 'Europe/Berlin' }));
    expect(byPath(articles)['chinese-date.md']?.published).toEqual(new Date('2022-05-20T07:15:00Z'));
    // RFC 822 with GMT does not depend on the zone.
    expect(byPath(articles)['html-post.html']?.published).toEqual(new Date('2022-05-18T08:02:55Z'));
  });

  it('reads ISO 8601 and Jekyll dates with offsets, and gives same-named files in other folders other ids', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    const first = byPath(articles)['nested/2022/same-name.md'];
    const second = byPath(articles)['nested/2023/same-name.md'];
    expect(first?.published).toEqual(new Date('2022-05-18T08:02:00Z'));
    expect(second?.published).toEqual(new Date('2023-01-02T02:00:00Z'));
    expect(first?.id).toBe(`tag:${ID_AUTHORITY}:posts/nested/2022/same-name.md`);
    expect(second?.id).toBe(`tag:${ID_AUTHORITY}:posts/nested/2023/same-name.md`);
  });

  it('strips a BOM and reads CRLF line endings', async () => {
    const { articles } = await readFolder(folder(POSTS_FIXTURES), readOptions());
    const post = byPath(articles)['bom-crlf.txt'];
    expect(post?.title).toBe('带 BOM 和 CRLF 的纯文本帖子');
    expect(post?.categories).toEqual(['金融']);
    expect(post?.html).toBe('<p>第一段文字。</p>\n<p>第二段文字。</p>');
  });

  it('decodes GBK and Big5 files and warns naming the file and the charset', async () => {
    const options = readOptions();
    const { articles } = await readFolder(folder(POSTS_FIXTURES), options);
    const gbk = byPath(articles)['gbk.md'];
    const big5 = byPath(articles)['big5.md'];
    expect(gbk?.title).toBe('国务院常务会议部署稳经济一揽子措施');
    expect(gbk?.categories).toEqual(['金融', '宏观']);
    expect(gbk?.html).toContain('努力推动经济回归正常轨道');
    expect(gbk?.published).toEqual(new Date('2022-05-23T12:30:00Z'));
    expect(big5?.title).toBe('臺灣央行宣布升息半碼');
    expect(big5?.categories).toEqual(['財經']);
    expect(big5?.html).toContain('重貼現率調升至百分之一點五');
    expect(options.log.lines).toEqual([
      `warning: ${join(POSTS_FIXTURES, 'big5.md')}: not UTF-8; read as big5`,
      `warning: ${join(POSTS_FIXTURES, 'gbk.md')}: not UTF-8; read as gb18030`,
    ]);
  });

  it('keeps the GBK and Big5 fixtures as bytes that are not UTF-8', async () => {
    for (const name of ['gbk.md', 'big5.md']) {
      const bytes = await readFile(join(POSTS_FIXTURES, name));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), name).toThrow();
    }
  });

});

describe('readFolder on temp folders', () => {
  const POST = '---\ntitle: 标题\ndate: 2022-05-18 16:02\n---\n<p>正文</p>\n';

  it('skips dotfiles, dot folders and node_modules, and reads .markdown and .MD', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'node_modules/pkg'), { recursive: true });
    await mkdir(join(dir, 'drafts'));
    await Promise.all([
      writeFile(join(dir, '.hidden.md'), POST),
      writeFile(join(dir, '.git/post.md'), POST),
      writeFile(join(dir, 'node_modules/pkg/readme.md'), POST),
      writeFile(join(dir, 'drafts/a.markdown'), POST),
      writeFile(join(dir, 'B.MD'), POST),
      writeFile(join(dir, 'notes.json'), '{}'),
      writeFile(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0])),
    ]);
    const options = readOptions();
    const { articles, problems } = await readFolder(folder(dir), options);
    expect(articles.map((article) => article.path)).toEqual(['B.MD', 'drafts/a.markdown']);
    expect(problems).toEqual([]);
    expect(options.log.lines).toEqual([]);
  });

  it('gives an own id, a link and a file in a folder named "id" three different ids', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'id'));
    await writeFile(join(dir, 'own.md'), '---\ntitle: a\nid: x/1 2\n---\nbody');
    await writeFile(join(dir, 'id/x.md'), '---\ntitle: b\n---\nbody');
    await writeFile(join(dir, 'linked.md'), '---\ntitle: c\nlink: https://example.com/a?b=1\n---\nbody');
    await writeFile(join(dir, 'urn.md'), '---\ntitle: d\nid: urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\n---\nbody');
    const ids = (await readFolder(folder(dir), readOptions())).articles.map((article) => article.id);
    expect(ids).toEqual([
      `tag:${ID_AUTHORITY}:posts/id/x.md`,
      'https://example.com/a?b=1',
      `tag:${ID_AUTHORITY}:posts/id:x%2F1%202`,
      'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
    ]);
  });

  it('percent-encodes each path segment and normalizes file names to NFC', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '新浪 财经'));
    // "é" as e + combining accent, as macOS writes file names.
    await writeFile(join(dir, '新浪 财经', 'cafe\u0301 #1.md'), POST);
    const [article] = (await readFolder(folder(dir), readOptions())).articles;
    expect(article?.path).toBe('新浪 财经/cafe\u0301 #1.md');
    expect(article?.id).toBe(
      `tag:${ID_AUTHORITY}:posts/${encodeURIComponent('新浪 财经')}/${encodeURIComponent('caf\u00e9 #1.md')}`,
    );
  });

  it('keeps ids when the folder moves, but not when the source is renamed', async () => {
    const first = await copyOf(POSTS_FIXTURES);
    const second = await copyOf(POSTS_FIXTURES);
    const ids = async (path: string, name: string) =>
      (await readFolder(folder(path, name), readOptions())).articles.map((article) => article.id);
    expect(await ids(second, 'posts')).toEqual(await ids(first, 'posts'));
    expect(await ids(second, 'other')).not.toContain(`tag:${ID_AUTHORITY}:posts/gbk.md`);
  });

  it('falls back to the file mtime, flagged, when the date is missing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'undated.md');
    await writeFile(path, '---\ntitle: 没有日期\n---\n<p>正文</p>');
    const mtime = new Date('2021-01-02T03:04:05Z');
    await utimes(path, mtime, mtime);
    const options = readOptions();
    const [article] = (await readFolder(folder(dir), options)).articles;
    expect(article?.published).toEqual(mtime);
    expect(article?.dateGuessed).toBe(true);
    expect(options.log.lines).toEqual([`warning: ${path}: no date; using the file's modification time 2021-01-02T03:04:05.000Z`]);
  });

  it('reads links to files in the folder and does not follow links to folders', async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await mkdir(join(dir, '.hidden'));
    await writeFile(join(dir, '.hidden', 'real.md'), POST);
    await symlink(join(dir, '.hidden', 'real.md'), join(dir, 'linked.md'));
    await symlink(elsewhere, join(dir, 'loop'));
    const options = readOptions();
    const { articles } = await readFolder(folder(dir), options);
    expect(articles.map((article) => article.path)).toEqual(['linked.md']);
    expect(options.log.lines).toEqual([`warning: ${join(dir, 'loop')}: symbolic link to a folder; not followed`]);
  });

  it('rejects a folder that does not exist with SOURCE_READ', async () => {
    const dir = join(await tempDir(), 'missing');
    await expect(readFolder(folder(dir), readOptions())).rejects.toMatchObject({
      code: 'SOURCE_READ',
      message: expect.stringContaining(`${dir}: cannot read the folder: ENOENT`),
    });
  });

  it('skips a 5 MB post over the 2 MiB limit, naming size and limit, and reads it under a larger limit', async () => {
    const dir = await tempDir();
    const path = join(dir, 'huge.md');
    const body = `<p>${'长'.repeat(1_750_000)}</p>\n`; // 3 bytes a character: 5.25 MB
    await writeFile(path, `---\ntitle: 五兆字节的正文\ndate: 2022-05-18 16:02\n---\n${body}`);
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(5_000_000);

    const options = readOptions();
    const result = await readFolder(folder(dir), options);
    const message = `file is ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), over the limit of 2.0 MiB`;
    expect(result).toEqual({ articles: [], problems: [{ where: path, message }] });
    expect(options.log.lines).toEqual([`warning: ${path}: skipped: ${message}`]);

    const article = await readPostFile(folder(dir), path, readOptions({ maxBytes: 8 * 1024 * 1024 }));
    expect(article.html).toBe(body.trim());
  });
});

describe('readPostFile', () => {
  it('reads one file', async () => {
    const article = await readPostFile(folder(POSTS_FIXTURES), join(POSTS_FIXTURES, 'nested/2022/same-name.md'), readOptions());
    expect(article.title).toBe('同名文件之一');
    expect(article.path).toBe('nested/2022/same-name.md');
  });

  it('throws SOURCE_READ for a missing file and for a file outside the folder', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'missing.md');
    const error = await readPostFile(folder(dir), missing, readOptions()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'SOURCE_READ', message: expect.stringContaining(`${missing}: cannot read: ENOENT`) });

    const outside = join(POSTS_FIXTURES, 'gbk.md');
    await expect(readPostFile(folder(dir), outside, readOptions())).rejects.toMatchObject({
      code: 'SOURCE_READ',
      message: `${outside}: not inside the source folder ${dir}`,
    });
  });
});
