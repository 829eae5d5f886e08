import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { RawArticle } from '../../src/model.js';
import { readFolder, readPostFile } from '../../src/sources/markdown.js';
import { BAD_POSTS_FIXTURES, copyOf, folder, readOptions } from './helpers.js';

// test/fixtures/bad-posts/README.md says what each file must produce; this is that list, checked.

const at = (name: string) => join(BAD_POSTS_FIXTURES, name);
const NO_FRONT_MATTER = 'no front matter (a post starts with a "---" block of YAML)';

const SKIPPED: [file: string, code: string, message: string][] = [
  ['README.md', 'SOURCE_PARSE', NO_FRONT_MATTER],
  ['binary.md', 'SOURCE_PARSE', 'binary file (NUL bytes), not a post'],
  ['broken-yaml.md', 'SOURCE_PARSE', 'broken front matter at line 5: bad indentation of a sequence entry'],
  ['empty.md', 'SOURCE_EMPTY', 'empty file'],
  ['javascript-front-matter.md', 'SOURCE_PARSE', 'broken front matter at line 1: front matter in "js" is not supported; use YAML'],
  ['no-front-matter.md', 'SOURCE_PARSE', NO_FRONT_MATTER],
  ['no-title-no-body.md', 'SOURCE_EMPTY', 'neither a title nor a body'],
  [
    'unclosed-front-matter.md',
    'SOURCE_PARSE',
    'broken front matter at line 1: the front matter opened here is never closed with a "---" line',
  ],
];

function byPath(articles: RawArticle[]): Record<string, RawArticle> {
  return Object.fromEntries(articles.map((article) => [article.path, article]));
}

describe('readFolder on test/fixtures/bad-posts', () => {
  it('skips the unusable files, each reported with its path and reason, and reads the rest', async () => {
    const options = readOptions();
    const { articles, problems } = await readFolder(folder(BAD_POSTS_FIXTURES, 'bad-posts'), options);
    expect(problems).toEqual(SKIPPED.map(([file, , message]) => ({ where: at(file), message })));
    expect(articles.map((article) => article.path)).toEqual([
      'bad-date.md',
      'cdata-end.md',
      'damaged-title-quotes.md',
      'invalid-xml-chars.md',
      'missing-title.md',
      'script-payload.md',
    ]);
    for (const [file, , message] of SKIPPED) {
      expect(options.log.lines).toContain(`warning: ${at(file)}: skipped: ${message}`);
    }
  });

  it('throws AppError with the code and a message naming the path from readPostFile', async () => {
    for (const [file, code, message] of SKIPPED) {
      const error = await readPostFile(folder(BAD_POSTS_FIXTURES), at(file), readOptions()).catch((caught: unknown) => caught);
      expect(error, file).toBeInstanceOf(AppError);
      expect(error, file).toMatchObject({ code, message: `${at(file)}: ${message}` });
    }
  });

  it('never evaluates JavaScript front matter', async () => {
    await readFolder(folder(BAD_POSTS_FIXTURES), readOptions());
    expect((globalThis as Record<string, unknown>).zhoukanFrontMatterEvaluated).toBeUndefined();
  });

  it('warns about the missing title and leaves it empty', async () => {
    const options = readOptions();
    const post = byPath((await readFolder(folder(BAD_POSTS_FIXTURES), options)).articles)['missing-title.md'];
    expect(post?.title).toBe('');
    expect(post?.html).toBe('<p>　　这篇帖子没有标题。标题应由正文的第一句代替。</p>');
    expect(options.log.lines).toContain(`warning: ${at('missing-title.md')}: no title; the first sentence will be used`);
  });

  it('falls back to the mtime for an unreadable date and drops an unreadable updated date', async () => {
    const options = readOptions();
    const post = byPath((await readFolder(folder(BAD_POSTS_FIXTURES), options)).articles)['bad-date.md'];
    const { mtime } = await stat(at('bad-date.md'));
    expect(post?.published).toEqual(mtime);
    expect(post?.dateGuessed).toBe(true);
    expect(post).not.toHaveProperty('updated');
    expect(options.log.lines).toContain(
      `warning: ${at('bad-date.md')}: unreadable date "上周三"; using the file's modification time ${mtime.toISOString()}`,
    );
    expect(options.log.lines).toContain(`warning: ${at('bad-date.md')}: unreadable updated date "不久之前"; ignored`);
  });

  it('keeps the hostile content for the cleaner: control characters, ]]>, scripts and handlers', async () => {
    const posts = byPath((await readFolder(folder(BAD_POSTS_FIXTURES), readOptions())).articles);
    expect(posts['invalid-xml-chars.md']?.html).toBe(
      '<p>　　控制字符\u0001在这里，垂直制表符\u000b在这里，退格\u0008在这里。</p>',
    );
    expect(posts['cdata-end.md']?.title).toBe('标题里有 ]]> 结束符');
    expect(posts['cdata-end.md']?.html).toContain('正文里也有 ]]> 这个 CDATA 结束符');

    const script = posts['script-payload.md'];
    expect(script?.title).toBe('<script>alert("title")</script>标题里的脚本');
    expect(script?.html).toContain('<script>alert("body")</script>');
    expect(script?.html).toContain(`<img src="x" onerror="alert('onerror')">`);
    // javascript: URLs in front matter are not links or images.
    expect(script).not.toHaveProperty('link');
    expect(script).not.toHaveProperty('image');
    expect(script?.id).toMatch(/^tag:.*:posts\/script-payload\.md$/);
  });

  it('repairs the damaged title line and warns', async () => {
    const options = readOptions();
    const post = byPath((await readFolder(folder(BAD_POSTS_FIXTURES), options)).articles)['damaged-title-quotes.md'];
    expect(post?.title).toBe(`"""""""""'LPR连续11个月不变 业内人士：年内加息降息概率都不大'"""""""""`);
    expect(post?.categories).toEqual(['金融', '新浪财经 - 新浪财经－国內']);
    expect(post?.published).toEqual(new Date('2021-03-22T03:53:17Z'));
    expect(options.log.lines).toContain(
      `warning: ${at('damaged-title-quotes.md')}: the title line was damaged (stray quotes); quoted it again to read it`,
    );
  });

  it('emits exactly the documented warnings, no more', async () => {
    const dir = await copyOf(BAD_POSTS_FIXTURES);
    const options = readOptions();
    await readFolder(folder(dir), options);
    const warned = options.log.lines.map((line) => line.slice(`warning: ${dir}/`.length).replace(/ \d{4}-.*Z$/, ' <mtime>'));
    expect(warned.sort()).toEqual(
      [
        ...SKIPPED.map(([file, , message]) => `${file}: skipped: ${message}`),
        'bad-date.md: unreadable date "上周三"; using the file\'s modification time <mtime>',
        'bad-date.md: unreadable updated date "不久之前"; ignored',
        'damaged-title-quotes.md: the title line was damaged (stray quotes); quoted it again to read it',
        'missing-title.md: no title; the first sentence will be used',
      ].sort(),
    );
  });
});
