import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { isHtmlBody, parsePost, type PostContext } from '../../src/sources/markdown.js';
import { createMemoryLog } from '../../src/util/log.js';
import { ID_AUTHORITY, ZONE } from './helpers.js';

// parsePost is pure (but for warnings): these tests hand it bytes directly.

const MTIME = new Date('2020-01-01T00:00:00Z');
const SOURCE = { name: 'posts', path: '/data/posts' };

function context(relPath = 'post.md', zone = ZONE): PostContext & { log: ReturnType<typeof createMemoryLog> } {
  return { source: SOURCE, relPath, mtime: MTIME, zone, idAuthority: ID_AUTHORITY, log: createMemoryLog() };
}

function parse(text: string, relPath?: string) {
  const ctx = context(relPath);
  const article = parsePost(Buffer.from(text), ctx);
  return { article, warnings: ctx.log.lines };
}

function post(frontMatter: string, body = '<p>正文。</p>'): string {
  return `---\n${frontMatter}\n---\n${body}\n`;
}

function parseError(text: string): AppError {
  try {
    parsePost(Buffer.from(text), context());
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('parsePost did not throw');
}

describe('parsePost dates', () => {
  it.each([
    ['Wed, 18 May 2022 08:02:55 GMT', '2022-05-18T08:02:55.000Z'],
    ['2022-05-18T16:02:55+08:00', '2022-05-18T08:02:55.000Z'],
    ['2022-05-18T08:02:55Z', '2022-05-18T08:02:55.000Z'],
    ['2022-05-18 16:02:55', '2022-05-18T08:02:55.000Z'],
    ["'2022-05-18 16:02'", '2022-05-18T08:02:00.000Z'],
    ['2022-05-18', '2022-05-17T16:00:00.000Z'],
    ['2022/05/18 16:02', '2022-05-18T08:02:00.000Z'],
    ['2022年5月18日 16:02', '2022-05-18T08:02:00.000Z'],
    ['2022年05月18日16时02分', '2022-05-18T08:02:00.000Z'],
    ['2022-05-18 16:02:55 +0800', '2022-05-18T08:02:55.000Z'], // Jekyll
    ['May 18, 2022 16:02', '2022-05-18T08:02:00.000Z'], // no zone: wall clock in Shanghai, whatever the machine's zone
    ['1652860975', '2022-05-18T08:02:55.000Z'], // Unix seconds
  ])('reads date: %s', (date, iso) => {
    const { article, warnings } = parse(post(`title: t\ndate: ${date}`));
    expect(article.published.toISOString()).toBe(iso);
    expect(article.dateGuessed).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('takes published or pubDate when there is no date, and date first', () => {
    expect(parse(post('title: t\npublished: 2022-05-18 16:02')).article.published).toEqual(new Date('2022-05-18T08:02:00Z'));
    expect(parse(post('title: t\npubDate: 2022-05-18 16:02')).article.published).toEqual(new Date('2022-05-18T08:02:00Z'));
    expect(parse(post('title: t\npubDate: 2021-01-01\ndate: 2022-05-18 16:02')).article.published).toEqual(
      new Date('2022-05-18T08:02:00Z'),
    );
  });

  it('reads updated or modified', () => {
    expect(parse(post('title: t\ndate: 2022-05-18\nupdated: 2022-05-19 08:00')).article.updated).toEqual(
      new Date('2022-05-19T00:00:00Z'),
    );
    expect(parse(post('title: t\ndate: 2022-05-18\nmodified: 2022-05-20')).article.updated).toEqual(new Date('2022-05-19T16:00:00Z'));
  });

  it('falls back to the mtime with a warning naming the file and the bad value', () => {
    const { article, warnings } = parse(post('title: t\ndate: 2022-02-30 10:00'), 'sub/bad.md');
    expect(article.published).toEqual(MTIME);
    expect(article.dateGuessed).toBe(true);
    expect(warnings).toEqual([
      `warning: /data/posts/sub/bad.md: unreadable date "2022-02-30 10:00"; using the file's modification time 2020-01-01T00:00:00.000Z`,
    ]);
  });
});

describe('parsePost metadata', () => {
  it('keeps scalars as written: no numbers, booleans or dates made by YAML', () => {
    const { article } = parse(post('title: 2.0\nid: 0012\nauthor: null\ncategories: [2022, yes, 1_000]'));
    expect(article.title).toBe('2.0');
    expect(article.id).toBe(`tag:${ID_AUTHORITY}:posts/id:0012`);
    expect(article).not.toHaveProperty('author');
    expect(article.categories).toEqual(['2022', 'yes', '1_000']);
  });

  it('merges categories and tags: lists, nested lists, comma strings; trimmed and deduplicated', () => {
    const { article } = parse(post('categories: [[金融, 宏观], " 金融 "]\ntags: 利率， LPR,,房贷 ,金融\ntitle: t'));
    expect(article.categories).toEqual(['金融', '宏观', '利率', 'LPR', '房贷']);
  });

  it('reads a YAML alias bomb in the categories quickly, with at most 200 terms', () => {
    const items = (name: string, alias: string) => `${name}: &${name} [${Array.from({ length: 300 }, () => alias).join(', ')}]`;
    const leaves = `l: &l [${Array.from({ length: 300 }, (_, index) => `t${index}`).join(', ')}]`;
    const frontMatter = ['title: t', leaves, items('a', '*l'), items('b', '*a'), 'categories: *b'].join('\n');
    const started = performance.now();
    const { article } = parse(post(frontMatter));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(article.categories).toHaveLength(200);
    expect(article.categories.slice(0, 2)).toEqual(['t0', 't1']);
  });

  it('reads author as a string, a {name} or a list', () => {
    expect(parse(post('title: t\nauthor: 新浪财经')).article.author).toBe('新浪财经');
    expect(parse(post('title: t\nauthor:\n  name: 张三\n  email: z@example.com')).article.author).toBe('张三');
    expect(parse(post('title: t\nauthor: [张三, {name: 李四}]')).article.author).toBe('张三, 李四');
  });

  it('takes the first image key with an absolute http(s) URL', () => {
    const { article } = parse(post('title: t\nheadimg: /images/local.png\nthumbnail: https://img.example.com/t.jpg\ncover: https://img.example.com/c.jpg'));
    expect(article.image).toBe('https://img.example.com/t.jpg');
  });

  it('takes link, url or permalink when absolute, and uses it as id and base URL', () => {
    const { article } = parse(post('title: t\nlink: /relative/\nurl: https://example.com/post/1'));
    expect(article).toMatchObject({ link: 'https://example.com/post/1', id: 'https://example.com/post/1', baseUrl: 'https://example.com/post/1' });
  });

  it('reads description, else excerpt', () => {
    expect(parse(post('title: t\nexcerpt: 摘要')).article.description).toBe('摘要');
    expect(parse(post('title: t\ndescription: 描述\nexcerpt: 摘要')).article.description).toBe('描述');
  });

  it('reads a post with a title and no body', () => {
    const { article, warnings } = parse(post('title: 只有标题\ndate: 2022-05-18', ''));
    expect(article.title).toBe('只有标题');
    expect(article.html).toBe('');
    expect(warnings).toEqual([]);
  });

  it('reads empty front matter with warnings for title and date', () => {
    const { article, warnings } = parse('---\n---\n正文。\n');
    expect(article.title).toBe('');
    expect(article.html).toBe('<p>正文。</p>');
    expect(warnings).toEqual([
      'warning: /data/posts/post.md: no title; the first sentence will be used',
      "warning: /data/posts/post.md: no date; using the file's modification time 2020-01-01T00:00:00.000Z",
    ]);
  });

  it('accepts a ---yaml opening line', () => {
    expect(parse('---yaml\ntitle: t\ndate: 2022-05-18\n---\nbody').article.title).toBe('t');
  });
});

describe('parsePost broken front matter', () => {
  it('counts error lines in the file as given, leading blank lines included', () => {
    const error = parseError('\n\n---\ntitle: t\ntitle: again\n---\nbody');
    expect(error.code).toBe('SOURCE_PARSE');
    expect(error.message).toBe('/data/posts/post.md: broken front matter at line 5: duplicated mapping key');
  });

  it('rejects front matter that is not a mapping', () => {
    expect(parseError('---\n- a\n- b\n---\nbody').message).toBe(
      '/data/posts/post.md: broken front matter at line 1: not a set of "key: value" lines',
    );
  });

  it('repairs an unescaped quote in a single-quoted title (the crawler’s damage)', () => {
    const { article, warnings } = parse(post("title: 'It's 央行's move'\ndate: 2022-05-18"));
    expect(article.title).toBe("It's 央行's move");
    expect(warnings).toEqual([
      'warning: /data/posts/post.md: the title line was damaged (stray quotes); quoted it again to read it',
    ]);
  });

  it('reports the first error when the title was not the only damage', () => {
    // Quoting the title again would leave the bad indentation on line 5; the first error stands.
    const error = parseError(post("title: 'It's'\ncategories:\n - a\n  b: c"));
    expect(error.message).toBe(
      '/data/posts/post.md: broken front matter at line 3: can not read a block mapping entry; a multiline key may not be an implicit key',
    );
  });

  it('does not guess at a broken title that is not the crawler’s quote damage', () => {
    expect(parseError(post('title: [unclosed\ndate: 2022-05-18')).message).toMatch(
      /^\/data\/posts\/post\.md: broken front matter at line \d: /,
    );
  });

  it('rejects YAML that only looks repairable on another line', () => {
    const error = parseError(post('title: fine\nauthor: "unclosed\ndate: 2022-05-18'));
    expect(error.message).toMatch(/^\/data\/posts\/post\.md: broken front matter at line \d: unexpected end of the stream within a double quoted scalar$/);
  });

  it('reports whitespace-only files as empty', () => {
    expect(parseError(' \n\t\n').code).toBe('SOURCE_EMPTY');
  });
});

describe('isHtmlBody', () => {
  it('takes seed-style HTML, indented and with loose text lines, as HTML', () => {
    const body = '<div>   \n<p>　　一段。</p>\n\n            <style>\n            .a&#123;color:red&#125;\n            </style>\n</div>';
    expect(isHtmlBody(body)).toBe(true);
  });

  it('takes a body starting with a block tag and no Markdown syntax as HTML', () => {
    expect(isHtmlBody('<div>\n第一行文字\n第二行文字\n第三行文字\n</div>')).toBe(true);
    expect(isHtmlBody('<!-- comment -->\n第一行文字\n第二行文字\n第三行文字')).toBe(true);
  });

  it('takes Markdown as Markdown, also with inline HTML or an HTML banner on top', () => {
    expect(isHtmlBody('# 标题\n\n一段 **粗体** 文字。\n\n- 列表')).toBe(false);
    expect(isHtmlBody('一段有 <strong>内联</strong> HTML 的文字。\n\n另一段。')).toBe(false);
    expect(isHtmlBody('<p align="center"><img src="banner.png"></p>\n\n## 介绍\n\n一段文字。\n\n- 列表一\n- 列表二')).toBe(false);
  });

  it('takes a body whose lines are mostly tags as HTML, even when it does not start with one', () => {
    expect(isHtmlBody('导语\n<p>一</p>\n<p>二</p>\n<p>三</p>')).toBe(true);
  });

  it('counts only lines with something on them, whatever ends them', () => {
    // Two tag lines of four non-blank ones: half is enough; blank, CR-only and U+3000-only lines do not count.
    expect(isHtmlBody('导语\r\n\r\n<p>一</p>\r\n \u3000\n\r\n<p>二</p>\n结语\n')).toBe(true);
    expect(isHtmlBody('导语\n\n<p>一</p>\n结语一\n结语二\n')).toBe(false);
    expect(isHtmlBody(' \n\r\n\u3000')).toBe(false);
    expect(isHtmlBody('')).toBe(false);
  });

  it('renders Markdown and keeps HTML in parsePost', () => {
    expect(parse(post('title: t', '# 标题\n\n- 一\n- 二')).article.html).toBe('<h1>标题</h1>\n<ul>\n<li>一</li>\n<li>二</li>\n</ul>');
    expect(parse(post('title: t', '<div>\n    <p>缩进</p>\n</div>')).article.html).toBe('<div>\n    <p>缩进</p>\n</div>');
  });
});
