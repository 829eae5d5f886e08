import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, shortHash } from '../../src/util/hash.js';

// Stored content hashes must never change: archives compare them to tell an updated article.
describe('sha256', () => {
  it('gives the standard digests of strings (as UTF-8) and bytes', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(Buffer.from('新浪财经', 'utf8'))).toBe(sha256('新浪财经'));
  });

  it('hashes what a Hash object hashes, lone surrogates included', () => {
    for (const text of ['新浪财经\u3000要闻', 'a\ud800b', '\udc00', '😀', 'x'.repeat(70_000)]) {
      expect(sha256(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('shortens to the first hex digits', () => {
    expect(shortHash('abc')).toBe('ba7816bf8f01');
    expect(shortHash('abc', 32)).toBe('ba7816bf8f01cfea414140de5dae2223');
  });
});
