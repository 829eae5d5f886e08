import { describe, expect, it } from 'vitest';
import { countChars, stripInvalidXmlChars } from '../../src/util/text.js';

describe('countChars', () => {
  it('counts characters, not UTF-16 units, and skips whitespace of every kind', () => {
    expect(countChars('央行 今日\u3000开展\n逆回购。')).toBe(10);
    expect(countChars('股价😀上涨')).toBe(5);
    expect(countChars(' \t\n\u3000')).toBe(0);
  });

  it('counts a lone surrogate as one character, even next to another across a space', () => {
    expect(countChars('\ud83d \ude00')).toBe(2);
    expect(countChars('a\ud83d')).toBe(2);
  });
});

describe('stripInvalidXmlChars', () => {
  it('returns the same text when there is nothing to strip', () => {
    const text = '正文\t保持不变\n';
    expect(stripInvalidXmlChars(text)).toBe(text);
  });

  it('removes C0 controls, U+FFFE/U+FFFF and lone surrogates, and keeps pairs', () => {
    expect(stripInvalidXmlChars('a\u0001b\ufffec\ud83dd😀e\ude00')).toBe('abcd😀e');
  });
});
