// The lead image is the story's first real picture, never a promo, whatever the front matter says.
import { describe, expect, it } from 'vitest';
import { cleanBody } from '../../src/clean/index.js';
import { cleanPost, NO_CORPUS, readCorpusPost, readSeed } from './posts.js';

const QR_PROMO = 'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png';
const KAIHU_AD = 'https://n.sinaimg.cn/finance/200/w500h500/20220216/303e-b2864e7bf4f7e5ecede113b90b5a53c9.png';

describe('lead image', () => {
  it.each(['000_eacf37cdd6e333c5', '003_d84a31722ec7ef10', '004_667bf2112a95e142'])(
    'seed %s has the QR promo as headimg and no picture: no lead image',
    (name) => {
      const post = readSeed(name);
      expect(post.imageHint).toBe(QR_PROMO);
      const result = cleanPost(post);
      expect(result.leadImage).toBeUndefined();
      expect(result.images).toEqual([]);
    },
  );

  it('seed 001: the first picture of the body', () => {
    expect(cleanPost(readSeed('001_dfe2e70512514d13')).leadImage).toEqual({
      src: 'https://n.sinaimg.cn/finance/crawl/51/w550h301/20220607/8502-e565c9b2b8ed2f0de45aca6c5d51810e.png',
      alt: '',
    });
  });

  it('seed 002: the captioned picture, caption as alt', () => {
    const caption = '工业和信息化部党组书记、部长肖亚庆（徐想 摄）';
    expect(cleanPost(readSeed('002_d098253af40e3e8d')).leadImage).toEqual({
      src: 'https://n.sinaimg.cn/sinakd20210913s/220/w600h420/20210913/54dd-46f1cc88d4b1825685bdae7cb99401f7.jpg',
      alt: caption,
      caption,
    });
  });

  it.skipIf(NO_CORPUS)('s003: the story picture, not the 开户 ad that follows it', () => {
    const result = cleanPost(readCorpusPost('s003'));
    expect(result.leadImage?.src).toBe('https://n.sinaimg.cn/sinakd20220717s/423/w570h653/20220717/fadd-7209d942db13f5faa4d557715fb1c974.jpg');
    expect(result.images.map((image) => image.src)).not.toContain(KAIHU_AD);
  });

  it.skipIf(NO_CORPUS)('s009: the headimg is the 开户 ad and the body has no picture: no lead image', () => {
    const post = readCorpusPost('s009');
    expect(post.imageHint).toBe(KAIHU_AD);
    expect(cleanPost(post).leadImage).toBeUndefined();
  });

  it.skipIf(NO_CORPUS)('o001: a picsum.photos placeholder hint is not a lead image', () => {
    expect(cleanPost(readCorpusPost('o001-oschina')).leadImage).toBeUndefined();
  });

  it('falls back to a real hint when the body has no picture', () => {
    const result = cleanBody({ html: '<p>正文。</p>', title: '标题', imageHint: '//n.sinaimg.cn/news/a.jpg' });
    expect(result.leadImage).toEqual({ src: 'https://n.sinaimg.cn/news/a.jpg', alt: '' });
    expect(result.images).toEqual([]);
  });

  it('prefers the body picture over the hint', () => {
    const result = cleanBody({
      html: '<p>正文。</p><p><img src="https://img.example/body.jpg"></p>',
      title: '标题',
      imageHint: 'https://img.example/hint.jpg',
    });
    expect(result.leadImage?.src).toBe('https://img.example/body.jpg');
  });
});
