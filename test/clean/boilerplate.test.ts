// No Sina boilerplate, ad or promo survives cleaning, in any output field.
import { describe, expect, it } from 'vitest';
import { cleanPost, readAllPosts } from './posts.js';

const MARKERS = [
  '海量资讯、精准解读',
  '责任编辑',
  '原标题',
  'appendQr',
  'app-kaihu-qr',
  '股民福利来了',
  'img_wrapper',
  'img_descr',
  'video-2017',
  'keyword',
  'sudaclick',
  'nodescore',
  '&#123;',
  '&#125;',
  '<style',
  '<script',
  '<!--',
  '-->',
  'cms-style',
  'class=',
  'style=',
  '<span',
  '<font',
  '<div',
];

const PROMO_IMAGES = [
  'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png',
  '303e-b2864e7bf4f7e5ecede113b90b5a53c9.png',
  'picsum.photos',
];

describe('no boilerplate in html, text or summary', () => {
  it.each(readAllPosts().map((post) => [post.name, post] as const))('%s', (_name, post) => {
    const result = cleanPost(post);
    for (const [field, value] of Object.entries({ html: result.html, text: result.text, summary: result.summary })) {
      for (const marker of [...MARKERS, ...PROMO_IMAGES]) expect(value, `${field} contains ${marker}`).not.toContain(marker);
    }
    const imageSources = [...result.images, ...(result.leadImage ? [result.leadImage] : [])].map((image) => image.src);
    for (const src of imageSources) for (const promo of PROMO_IMAGES) expect(src).not.toContain(promo);
    expect(result.text).not.toMatch(/[\u3000]/u);
    expect(result.text).not.toMatch(/&[a-z#0-9]+;/iu);
    expect(result.text).not.toMatch(/<\/?[a-z][^>]*>/iu);
    expect(result.html).not.toMatch(/<p>\s*<\/p>/u);
  });
});
