import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { binaryReason, decodeText, detectChineseCharset } from '../../src/sources/decode.js';
import { readFolder } from '../../src/sources/markdown.js';
import { folder, readOptions, tempDir } from './helpers.js';

const POST = '---\ntitle: 人民银行公告\ndate: 2022-05-18 16:02\ncategories: [金融]\n---\n<p>　　中国人民银行决定下调金融机构存款准备金率。</p>\n';

describe('decodeText', () => {
  it('reads UTF-8 as is', () => {
    expect(decodeText(Buffer.from(POST))).toEqual({ text: POST, charset: 'utf-8' });
  });

  it('reads GBK and GB2312 bytes as GB18030', () => {
    expect(decodeText(iconv.encode(POST, 'gbk'))).toEqual({ text: POST, charset: 'gb18030' });
    expect(decodeText(iconv.encode(POST, 'gb2312'))).toEqual({ text: POST, charset: 'gb18030' });
  });

  it('reads Big5 bytes as Big5', () => {
    const traditional = '---\ntitle: 中央銀行公告\n---\n<p>　　中央銀行理監事會今日決議升息半碼，重貼現率調升。</p>\n';
    expect(decodeText(iconv.encode(traditional, 'big5'))).toEqual({ text: traditional, charset: 'big5' });
  });

  it('reads UTF-16 with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POST, 'utf16le')]);
    expect(binaryReason(bytes)).toBeUndefined();
    expect(decodeText(bytes)).toEqual({ text: POST, charset: 'utf-16le' });
  });

  it('prefers GB18030 on a text too short for chardet, where its favourite is a Latin charset', () => {
    expect(detectChineseCharset(iconv.encode('---\ntitle: 短\n---\n短文', 'gbk'))).toBe('gb18030');
  });
});

describe('binaryReason', () => {
  it('finds NUL bytes and mostly-control bytes', () => {
    expect(binaryReason(Buffer.from('abc\0def'))).toBe('NUL bytes');
    expect(binaryReason(Buffer.from('\u0001\u0002\u0003\u0004abcdefgh'))).toBe('mostly control characters');
  });

  it('lets a few stray control characters pass (the cleaner strips them)', () => {
    expect(binaryReason(Buffer.from(`${POST}\u0001\u000b\u0008`))).toBeUndefined();
  });
});

describe('readFolder with legacy charsets made at run time', () => {
  it('reads a GBK and a Big5 file written to disk, warning for each', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-gbk.md'), iconv.encode(POST, 'gbk'));
    await writeFile(join(dir, 'b-big5.md'), iconv.encode(POST.replace('人民银行公告', '央行公告：升息半碼'), 'big5'));
    const options = readOptions();
    const { articles } = await readFolder(folder(dir), options);
    expect(articles.map((article) => article.title)).toEqual(['人民银行公告', '央行公告：升息半碼']);
    expect(articles[0]?.html).toBe('<p>　　中国人民银行决定下调金融机构存款准备金率。</p>');
    expect(options.log.lines).toEqual([
      `warning: ${join(dir, 'a-gbk.md')}: not UTF-8; read as gb18030`,
      `warning: ${join(dir, 'b-big5.md')}: not UTF-8; read as big5`,
    ]);
  });
});
