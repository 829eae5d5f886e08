import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/sources/decode.js';
import { charsetOfContentType, decodeFeed, normalizeCharset } from '../../src/sources/feed-charset.js';
import { lacks, needs } from '../support/requirements.js';

const GB2312_FEEDS = fileURLToPath(new URL('../../../shared/corpus/feeds/chardet-gb2312/', import.meta.url));
const RODEL_FEEDS = fileURLToPath(new URL('../../../shared/corpus/feeds/rodel-reader-zh/', import.meta.url));

/** UTF-8 read as Latin-1/windows-1252 (`ä¸­` for 中), the classic mojibake. */
const LATIN1_MOJIBAKE = /[ÃÂâäåæçèéï][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]|ä¸/;
const CJK = /[\u4e00-\u9fff]/;

const noCorpus = lacks(needs.shared, 'decodeFeed on the GB2312 and rodel-reader-zh corpora');

describe.skipIf(noCorpus)('decodeFeed on the GB2312-declared corpus', () => {
  const files = noCorpus ? [] : readdirSync(GB2312_FEEDS).filter((name) => name.endsWith('.xml'));

  it('has the 18 feeds', () => {
    expect(files).toHaveLength(18);
  });

  for (const name of files) {
    it(`decodes ${name} as GB18030 with no replacement characters or mojibake`, () => {
      const decoded = decodeFeed(readFileSync(join(GB2312_FEEDS, name)), 'application/xml');
      expect(decoded.charset).toBe('gb18030');
      expect(decoded.charsetFrom).toBe('xml-declaration');
      expect(decoded.text).not.toContain('\ufffd');
      expect(decoded.text).not.toMatch(LATIN1_MOJIBAKE);
      expect(decoded.text).toMatch(CJK);
      expect(decoded.text.startsWith('<?xml')).toBe(true);
    });
  }

  it('reads the text a person reads (checked by hand against the sites)', () => {
    const text = (name: string) => decodeFeed(readFileSync(join(GB2312_FEEDS, name))).text;
    expect(text('14.blog.westca.com.xml')).toContain('<title>想要飞 却怎么样也飞不高</title>');
    expect(text('softsea.net.xml')).toContain('<title>系统工具</title>');
    expect(text('w3cn.org.xml')).toContain('<title>网页设计师 -  文章教程</title>');
    expect(text('godthink.blogsome.com.xml')).toContain('<title>终于考完了</title>');
    expect(text('eighthday.blogspot.com.xml')).toContain('>又颠了</title>');
    // GB2312 A1AA is U+2014 in GBK/GB18030: the em dashes of Chinese prose come out as ——.
    expect(text('acnnewswire.net.xml')).toContain('污染——而相当比例的城市');
    expect(text('lily.blogsome.com.xml')).toContain('朱利亚诺·美第奇');
  });

  it('widens a GB2312 label in the HTTP header too', () => {
    const bytes = readFileSync(join(GB2312_FEEDS, 'softsea.net.xml'));
    const decoded = decodeFeed(bytes, 'application/rss+xml; charset="GB2312"');
    expect(decoded).toMatchObject({ charset: 'gb18030', charsetFrom: 'http' });
    expect(decoded.text).toContain('系统工具');
  });
});

describe('decodeFeed: where the charset comes from', () => {
  const feed = (encoding: string, title = '中文标题') =>
    `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

  it.skipIf(noCorpus)('strips the newline some servers send before <?xml (rodel-reader feeds)', () => {
    const bytes = readFileSync(join(RODEL_FEEDS, 'Atom_ruanyifeng.xml'));
    expect(bytes[0]).toBe(0x0a);
    const decoded = decodeFeed(bytes, 'application/atom+xml');
    expect(decoded.text.startsWith('<?xml')).toBe(true);
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.text).toContain('阮一峰的网络日志');
  });

  it('lets a byte order mark win over everything', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(feed('gb2312'))]);
    expect(decodeFeed(utf8, 'text/xml; charset=iso-8859-1')).toMatchObject({ charset: 'utf-8', charsetFrom: 'bom' });
    expect(decodeFeed(utf8).text).toMatch(/^<\?xml/);

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(feed('utf-16'), 'utf-16le')]);
    const decoded = decodeFeed(utf16);
    expect(decoded).toMatchObject({ charset: 'utf-16le', charsetFrom: 'bom' });
    expect(decoded.text).toContain('中文标题');
  });

  it('reads UTF-16 and UTF-32 by their first character when there is no byte order mark, and UTF-32 by its mark', () => {
    for (const charset of ['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be']) {
      const decoded = decodeFeed(iconv.encode(feed(charset), charset), 'application/xml');
      expect(decoded.charset, charset).toBe(charset);
      expect(decoded.text, charset).toMatch(/^<\?xml[^]*<title>中文标题<\/title>/);
    }
    const marked = Buffer.concat([Buffer.from([0x00, 0x00, 0xfe, 0xff]), iconv.encode(feed('utf-32'), 'utf-32be')]);
    expect(decodeFeed(marked)).toMatchObject({ charset: 'utf-32be', charsetFrom: 'bom' });
  });

  it('prefers the HTTP charset over the XML declaration', () => {
    const decoded = decodeFeed(Buffer.from(feed('gb2312')), 'application/xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetFrom: 'http' });
    expect(decoded.text).toContain('中文标题');
  });

  it('falls back to the declaration when an HTTP UTF-8 label is contradicted by the bytes', () => {
    const bytes = iconv.encode(feed('gbk'), 'gbk');
    const decoded = decodeFeed(bytes, 'text/xml; charset=UTF-8');
    expect(decoded).toMatchObject({ charset: 'gb18030', charsetFrom: 'xml-declaration' });
    expect(decoded.text).toContain('中文标题');
  });

  it.skipIf(noCorpus)('reads GBK bytes that the header and the declaration both call UTF-8 as GB18030, and says so', () => {
    const bytes = lyingGbkFeed();
    const decoded = decodeFeed(bytes, 'application/rss+xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'gb18030', charsetFrom: 'detected' });
    expect(decoded.warning).toBe('declared UTF-8 (HTTP header and XML declaration) but the bytes are not UTF-8; read as GB18030, the charset they look like');
    expect(decoded.text).toContain('<title>系统工具</title>');
    expect(decoded.text).not.toContain('\ufffd');
    // The declaration alone lies the same way.
    expect(decodeFeed(bytes)).toMatchObject({ charset: 'gb18030', charsetFrom: 'detected', warning: expect.stringContaining('(XML declaration)') as unknown });
  });

  it.skipIf(noCorpus)('keeps UTF-8 with a few broken bytes as UTF-8, and says how many', () => {
    const text = readFileSync(join(RODEL_FEEDS, 'Rss_meituan.xml'));
    const damaged = Buffer.concat([text.subarray(0, 5000), Buffer.from([0xe9]), text.subarray(5000)]);
    const decoded = decodeFeed(damaged, 'text/xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetFrom: 'http' });
    expect(decoded.warning).toBe('declared UTF-8 (HTTP header and XML declaration) but has 1 byte sequence that is not UTF-8; each reads as U+FFFD');
    expect(decoded.text.split('\ufffd')).toHaveLength(2);
  });

  it('gives no warning when UTF-8 is UTF-8', () => {
    expect(decodeFeed(Buffer.from(feed('utf-8')), 'text/xml; charset=utf-8').warning).toBeUndefined();
  });

  it('does not trust a server-default Latin-1 label over the document', () => {
    const bytes = iconv.encode(feed('gb2312'), 'gb18030');
    expect(decodeFeed(bytes, 'text/xml; charset=ISO-8859-1').text).toContain('中文标题');
  });

  it('decodes Big5 (as HKSCS, its superset)', () => {
    const bytes = iconv.encode(feed('big5', '繁體中文新聞'), 'big5');
    const decoded = decodeFeed(bytes);
    expect(decoded).toMatchObject({ charset: 'big5hkscs', charsetFrom: 'xml-declaration' });
    expect(decoded.text).toContain('繁體中文新聞');
  });

  it('decodes other charsets iconv-lite knows (windows-1251)', () => {
    const bytes = iconv.encode(feed('windows-1251', 'Новости'), 'windows-1251');
    expect(decodeFeed(bytes).text).toContain('Новости');
  });

  it('reads an HTML meta charset', () => {
    const page = '<!DOCTYPE html><html><head><meta charset="gbk"><title>新闻首页</title></head></html>';
    const decoded = decodeFeed(iconv.encode(page, 'gbk'), 'text/html');
    expect(decoded).toMatchObject({ charset: 'gb18030', charsetFrom: 'meta' });
    expect(decoded.text).toContain('新闻首页');

    const httpEquiv = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"><title>新聞</title>';
    expect(decodeFeed(iconv.encode(httpEquiv, 'big5')).text).toContain('新聞');
  });

  it('reads undeclared bytes as UTF-8, and else as GB18030 or Big5, by the rule posts follow', () => {
    const plain = '<rss version="2.0"><channel><title>没有声明</title></channel></rss>';
    expect(decodeFeed(Buffer.from(plain))).toMatchObject({ charset: 'utf-8', charsetFrom: 'default', text: plain });
    expect(decodeFeed(iconv.encode(plain, 'gbk'))).toMatchObject({ charset: 'gb18030', charsetFrom: 'detected', text: plain });
    const traditional = '<rss version="2.0"><channel><title>中央銀行理監事會今日決議升息半碼，重貼現率調升。</title></channel></rss>';
    expect(decodeFeed(iconv.encode(traditional, 'big5'))).toMatchObject({ charset: 'big5', charsetFrom: 'detected', text: traditional });
    // The same bytes as a post read the same way.
    for (const text of [plain, traditional]) {
      for (const charset of ['utf-8', 'gbk', 'big5']) {
        const bytes = iconv.encode(text, charset);
        if (iconv.decode(bytes, charset) === text) expect(decodeFeed(bytes).text, charset).toBe(decodeText(bytes).text);
      }
    }
  });

  it('skips a label iconv-lite does not know and uses the next source', () => {
    const bytes = iconv.encode(feed('gb2312'), 'gb18030');
    expect(decodeFeed(bytes, 'text/xml; charset=x-made-up')).toMatchObject({ charsetFrom: 'xml-declaration' });
  });
});

/** A real GB2312-declared feed of the corpus (GBK bytes), relabelled UTF-8 in its XML declaration. */
function lyingGbkFeed(): Buffer {
  const bytes = readFileSync(join(GB2312_FEEDS, 'softsea.net.xml'));
  const declaration = Buffer.from('encoding="gb2312"');
  const at = bytes.indexOf(declaration);
  expect(at).toBeGreaterThan(0);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from('encoding="UTF-8"'), bytes.subarray(at + declaration.length)]);
}

describe('charset helpers', () => {
  it('reads the charset parameter of a Content-Type', () => {
    expect(charsetOfContentType('application/rss+xml; charset=GB2312')).toBe('GB2312');
    expect(charsetOfContentType('text/xml;charset="utf-8"')).toBe('utf-8');
    expect(charsetOfContentType('application/xml')).toBeUndefined();
    expect(charsetOfContentType(undefined)).toBeUndefined();
  });

  it('widens legacy Chinese labels to GB18030 and Big5 to HKSCS', () => {
    for (const label of ['gb2312', 'GBK', 'x-gbk', 'cp936', 'EUC-CN', 'GB18030']) expect(normalizeCharset(label)).toBe('gb18030');
    expect(normalizeCharset('Big5')).toBe('big5hkscs');
    expect(normalizeCharset('UTF-8')).toBe('utf-8');
    expect(normalizeCharset('no-such-charset')).toBeUndefined();
  });
});
