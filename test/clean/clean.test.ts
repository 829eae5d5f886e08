// cleanBody behaviour on small, hand-made bodies: one rule or trap per test.
import { describe, expect, it } from 'vitest';
import { cleanBody } from '../../src/clean/index.js';
import { MAX_NESTING, parseHtml } from '../../src/clean/parse.js';
import { rulesForHost } from '../../src/clean/rules.js';
import { depthOf } from './depth.js';

function clean(html: string, extra: { baseUrl?: string; imageHint?: string } = {}) {
  return cleanBody({ html, title: '标题', ...extra });
}

describe('comments', () => {
  it('removes comments, including ones that hold HTML', () => {
    const result = clean('<p>甲。</p><!--article_adlist[<p cms-style="font-L">校对：丁晓</p>]article_adlist--><!-- news_keyword_pub,stock, --><p>乙。</p>');
    expect(result.html).toBe('<p>甲。</p>\n<p>乙。</p>');
    expect(result.text).toBe('甲。\n\n乙。');
  });

  it('unwraps a CDATA wrapper left over from a feed instead of losing it as a comment', () => {
    expect(clean('<![CDATA[<p>甲。</p>]]><![CDATA[<p>乙。</p>]]>').text).toBe('甲。\n\n乙。');
  });

  it('keeps the text after an unterminated <!--', () => {
    const result = clean('<p>甲。</p><!-- 文末 <p>乙是正文。</p><p>丙。</p>');
    expect(result.text).toBe('甲。\n\n文末\n\n乙是正文。\n\n丙。');
    expect(result.html).not.toContain('<!--');
  });
});

describe('Sina boilerplate', () => {
  it('drops the QR promo, the 开户 ad, video placeholders and empty quote spans', () => {
    const result = clean(
      '<div class="video-2017" id="videoList0" style></div><p>　　正文。</p>' +
        '<style>.appendQr_wrap&#123;border:1px&#125;</style><div class="clearfix appendQr_wrap"><div class="appendQr_normal"><img src="https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png"></div><div class="appendQr_normal_txt">海量资讯、精准解读，尽在新浪财经APP</div></div>' +
        '<div class="app-kaihu-qr"><span>股民福利来了！点击查看>></span><img src="https://n.sinaimg.cn/finance/200/w500h500/20220216/303e-b2864e7bf4f7e5ecede113b90b5a53c9.png"></div>',
    );
    expect(result.html).toBe('<p>正文。</p>');
    expect(result.images).toEqual([]);
  });

  it('keeps stock names as plain text', () => {
    const result = clean(
      '<p>中国<span id="stock_sh600016"><a href="https://finance.sina.com.cn/realstock/company/sh600016/nc.shtml" class="keyword" target="_blank" data-sudaclick="content_marketkeywords_p">民生银行</a></span><span id="quote_sh600016"></span>首席研究员。</p>',
    );
    expect(result.html).toBe('<p>中国民生银行首席研究员。</p>');
  });

  it('turns strong-Bold fonts into <strong> and unwraps other fonts', () => {
    const result = clean('<p>　　<font cms-style="font-L strong-Bold">东方财富</font><font cms-style="font-L strong-Bold">上半年？</font></p><p><font cms-style="font-L">普通。</font></p>');
    expect(result.html).toBe('<p><strong>东方财富上半年？</strong></p>\n<p>普通。</p>');
  });

  it('drops empty paragraphs and full-width indents, and the noise attributes', () => {
    const result = clean('<p cms-style="font-L">　　</p><p nodescore="4" extrascore="0" class="x" id="y" style="color:red" data-a="1">　　甲。 </p>');
    expect(result.html).toBe('<p>甲。</p>');
  });

  it('trims a lost link label "详情>>" at the end of a paragraph', () => {
    expect(clean('<p>　　救援工作正在进行。详情>></p>').text).toBe('救援工作正在进行。');
  });
});

describe('metadata', () => {
  it('lifts 责任编辑 (without the staff code), 原标题 and 来源 out of the body', () => {
    const result = clean(
      '<p class="ori_titlesource">　　原标题：原来的标题</p><p>　　正文。</p><p>　　<font cms-style="font-L">来源：工业和信息化部办公厅</font></p><p class="article-editor">责任编辑：刘万里 SF014</p>',
    );
    expect(result.meta).toEqual({ originalTitle: '原来的标题', origin: '工业和信息化部办公厅', editor: '刘万里' });
    expect(result.text).toBe('正文。');
  });

  it('reads 来源|a、b', () => {
    expect(clean('<p>正文。</p><p>　　来源|九派新闻、新华每日电讯</p>').meta.origin).toBe('九派新闻、新华每日电讯');
  });

  it('leaves a 来源 line in the middle of a long body where it is', () => {
    const paragraphs = Array.from({ length: 8 }, (_, index) => `<p>第${index}段。</p>`);
    paragraphs.splice(4, 0, '<p>来源：国家统计局</p>');
    const result = clean(paragraphs.join(''));
    expect(result.meta.origin).toBeUndefined();
    expect(result.text).toContain('来源：国家统计局');
  });
});

describe('wrappers and text', () => {
  it('unwraps img_wrapper without losing the text inside it', () => {
    const result = clean('<div class="img_wrapper"><img src="https://n.sinaimg.cn/a.jpg" alt><span class="img_descr"></span>图下面的正文。</div>');
    expect(result.html).toBe('<p><img src="https://n.sinaimg.cn/a.jpg" alt="" referrerpolicy="no-referrer" loading="lazy" />图下面的正文。</p>');
    expect(result.text).toBe('图下面的正文。');
  });

  it('turns an image caption into figure, figcaption and alt', () => {
    const result = clean('<div class="img_wrapper"><img id="0" style="max-width: 640px;" src="http://n.sinaimg.cn/b.jpg" alt referrerpolicy="no-referrer"><span class="img_descr">新华社记者 梁舜 摄</span></div>');
    expect(result.html).toBe(
      '<figure><img src="https://n.sinaimg.cn/b.jpg" alt="新华社记者 梁舜 摄" referrerpolicy="no-referrer" loading="lazy" /><figcaption>新华社记者 梁舜 摄</figcaption></figure>',
    );
    expect(result.images).toEqual([{ src: 'https://n.sinaimg.cn/b.jpg', alt: '新华社记者 梁舜 摄', caption: '新华社记者 梁舜 摄' }]);
  });

  it('decodes the crawler\'s &#123;/&#125; everywhere, including <pre> code', () => {
    const result = clean('<pre style="text-align:left"><span style="color:#d73a49">function</span> () &#123;\n    return 1;\n&#125;</pre><p>&#123;x&#125;</p>');
    expect(result.html).toBe('<pre>function () {\n    return 1;\n}</pre>\n<p>{x}</p>');
    expect(result.text).toBe('function () {\n    return 1;\n}\n\n{x}');
  });

  it('writes tables as rows of cells in the text and keeps colspan/rowspan', () => {
    const result = clean('<table border="1"><caption>表1</caption><tbody><tr><td rowspan="2">分　组</td><td colspan="2">营业收入</td></tr><tr><td>　　　制造业</td><td>19.7</td></tr></tbody></table>');
    expect(result.text).toBe('表1\n\n分 组 | 营业收入\n制造业 | 19.7');
    expect(result.html).toContain('<td rowspan="2">分　组</td><td colspan="2">营业收入</td>');
  });

  it('separates paragraphs by a blank line and keeps <br> as a line break', () => {
    expect(clean('<p>甲<br>乙</p>\n\n<p>丙\n丁</p>').text).toBe('甲\n乙\n\n丙 丁');
  });

  it('counts length without whitespace', () => {
    expect(clean('<p>甲乙 丙。</p><p>ab</p>').length).toBe(6);
  });

  it('keeps the text of a body nested far too deep, in any thread, and drops what is dropped anyway', () => {
    const depth = 20_000;
    const deep = `${'<div><span>'.repeat(depth / 2)}<p>深处的正文。</p><script>alert(1)</script><svg><text>图里的字</text></svg>${'</span></div>'.repeat(depth / 2)}`;
    const result = clean(`<p>开头。</p>${deep}<p>结尾。</p>`);
    expect(result.text).toBe('开头。\n\n深处的正文。\n\n结尾。');
    expect(result.html).not.toMatch(/alert|图里的字/u);
    expect(result.warnings.join()).toMatch(/<script>.*<svg>/u);
    expect(result.warnings.join()).toMatch(new RegExp(`markup nested more than ${MAX_NESTING} levels deep: \\d+ elements below that gave way`, 'u'));
    expect(depthOf(parseHtml(deep))).toBe(MAX_NESTING + 1);
  });

  it('reads unclosed inline tags thousands deep through the capped parse, losing no text', () => {
    // 650,000 of these (1.95 MB) took four minutes to parse when the parser saw them all.
    const depth = 20_000;
    const result = clean(`<p>开头。</p>${'<i>'.repeat(depth)}深处的正文。<img src="https://example.com/a.jpg"><p>结尾。`);
    expect(result.text).toBe('开头。\n\n深处的正文。\n\n结尾。');
    expect(result.images.map((image) => image.src)).toEqual(['https://example.com/a.jpg']);
    expect(result.warnings).toEqual([`markup nested more than ${MAX_NESTING} levels deep: ${depth - MAX_NESTING} elements below that gave way to their content`]);
  });

  it('leaves a body within the nesting limit as it is', () => {
    const nested = `${'<blockquote>'.repeat(MAX_NESTING - 1)}<p>引</p>${'</blockquote>'.repeat(MAX_NESTING - 1)}`;
    expect(depthOf(parseHtml(nested))).toBe(MAX_NESTING);
  });
});


describe('images and links', () => {
  it('makes image URLs absolute (https for protocol-relative) and drops placeholders and data: URIs', () => {
    const result = clean(
      '<p><img src="//n.sinaimg.cn/c.jpg"><img src="/d.jpg"><img src="https://picsum.photos/400/300?random=81"><img src="data:image/png;base64,AAAA"></p>',
      { baseUrl: 'http://example.com/news/1.html' },
    );
    expect(result.images.map((image) => image.src)).toEqual(['https://n.sinaimg.cn/c.jpg', 'http://example.com/d.jpg']);
    expect(result.warnings).toEqual(['dropped image with a data: URL']);
  });

  it('drops a relative image when there is no base URL, with a warning', () => {
    const result = clean('<p>字<img src="a.jpg"><img></p>');
    expect(result.html).toBe('<p>字</p>');
    expect(result.warnings).toEqual(['dropped image with unusable URL "a.jpg"', 'dropped image without a src']);
  });

  it('uses a lazy-loading source over a placeholder src', () => {
    expect(clean('<p><img src="data:image/gif;base64,R0l" data-src="https://img.example/real.jpg"></p>').images).toEqual([
      { src: 'https://img.example/real.jpg', alt: '' },
    ]);
  });

  it('resolves relative links against the base URL and unwraps links that cannot be absolute', () => {
    const withBase = clean('<p><a href="/x.html">相对</a><a href="#top">锚</a></p>', { baseUrl: 'https://example.com/a/b.html' });
    expect(withBase.html).toBe('<p><a href="https://example.com/x.html" rel="nofollow noopener noreferrer">相对</a>锚</p>');
    expect(clean('<p><a href="/x.html">相对</a></p>').html).toBe('<p>相对</p>');
  });
});

describe('site rules by host', () => {
  const body = '<p>作为早<a class="project-link" data-id="495069" href="https://36kr.com/projectDetails/495069" target="_blank">稻田</a>的大学生。</p>';

  it('applies a site set by host and the crawler sets when the host is unknown', () => {
    expect(clean(body, { baseUrl: 'https://36kr.com/p/1' }).html).toBe('<p>作为早稻田的大学生。</p>');
    expect(clean(body).html).toBe('<p>作为早稻田的大学生。</p>');
  });

  it('does not apply a site set to another known host', () => {
    expect(clean(body, { baseUrl: 'https://www.example.com/a' }).html).toContain('<a href="https://36kr.com/projectDetails/495069"');
    expect(rulesForHost('www.example.com').name).toBe('generic');
    expect(rulesForHost('finance.sina.com.cn').name).toBe('generic+sina-finance');
    expect(rulesForHost(undefined).name).toBe('generic+sina-finance+36kr');
  });
});

describe('XML safety', () => {
  it('escapes ]]> and strips characters XML forbids', () => {
    const result = clean('<p>a ]]> b\u0001 c &#1; d\ufffe</p>');
    expect(result.html).toBe('<p>a ]]&gt; b c  d</p>');
    expect(result.text).toBe('a ]]> b c d');
  });

  it('keeps one block per line around an empty element it removes between blocks', () => {
    for (const empty of ['<div></div>', '<span></span>', '<font> </font>', '<div><span></span></div>']) {
      const result = clean(`<p>甲。</p>${empty}<p>乙。</p><div><p>丙。</p>${empty}<p>丁。</p></div>`);
      expect(result.html).toBe('<p>甲。</p>\n<p>乙。</p>\n<p>丙。</p>\n<p>丁。</p>');
      expect(result.text).toBe('甲。\n\n乙。\n\n丙。\n\n丁。');
    }
  });

  it('never throws on empty or garbage input', () => {
    expect(clean('').text).toBe('');
    expect(clean('<<<>>></p></div>&&&').html).not.toContain('<<');
  });
});
