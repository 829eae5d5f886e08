import { describe, expect, it } from 'vitest';
import { FrontMatterError, splitFrontMatter } from '../../src/sources/front-matter.js';

// The split follows gray-matter 4's rules, which the project used before splitting posts itself;
// the expectations below are what gray-matter gave for the same texts.
describe('splitFrontMatter', () => {
  it.each([
    ['a plain post', '---\ntitle: 标题\n---\n<p>正文</p>\n', { title: '标题' }, '<p>正文</p>\n'],
    ['a language after the opening dashes', '---yaml\ntitle: 标题\n---\n<p>正文</p>', { title: '标题' }, '<p>正文</p>'],
    ['CRLF line ends and an upper-case language', '---YML \r\ntitle: 标题\r\n---\r\n<p>正文</p>\r\n', { title: '标题' }, '<p>正文</p>\r\n'],
    ['a block of comments only', '---\n# only a comment\n---\nbody', {}, 'body'],
    ['an empty block', '---\n\n---\nbody', {}, 'body'],
    ['text after the closing dashes', '---\ntitle: x\n--- trailing\nbody', { title: 'x' }, ' trailing\nbody'],
    ['a closing line at the very end', '---\ntitle: x\n---', { title: 'x' }, ''],
    ['four closing dashes', '---\ntitle: x\n----\nbody', { title: 'x' }, '-\nbody'],
    ['one line break taken after the block, not two', '---\ntitle: x\n---\r\n\r\nbody', { title: 'x' }, '\r\nbody'],
    ['blank lines before the block', '  \n\n---\ntitle: x\n---\nbody', { title: 'x' }, 'body'],
    ['nested values kept as strings', '---\ntitle: "a: b"\ntags: [a, b]\nnested:\n  k: 1\n---\nbody', { title: 'a: b', tags: ['a', 'b'], nested: { k: '1' } }, 'body'],
  ])('reads %s', (_name, text, data, body) => {
    expect(splitFrontMatter(text)).toEqual({ data, body, hasFrontMatter: true, repairedTitle: false });
  });

  it('counts YAML error lines from the start of the text', () => {
    expect(() => splitFrontMatter('\n---\ntitle: 1\n  bad: indent\n---\nbody')).toThrow(FrontMatterError);
    try {
      splitFrontMatter('\n---\ntitle: 1\n  bad: indent\n---\nbody');
    } catch (error) {
      expect((error as FrontMatterError).line).toBe(4);
    }
  });

  it('refuses a list where a mapping belongs', () => {
    expect(() => splitFrontMatter('---\n- a\n- b\n---\nbody')).toThrow(/not a set of "key: value" lines/);
  });
});
