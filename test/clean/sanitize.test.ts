// The allowlist sanitizer, alone and as the last step of cleanBody.
import render from 'dom-serializer';
import sanitizeHtml from 'sanitize-html';
import type SanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { cleanBody, sanitize } from '../../src/clean/index.js';
import { parseHtml } from '../../src/clean/parse.js';
import { CONTENT_DROPPING_TAGS } from '../../src/clean/dom.js';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS } from '../../src/clean/sanitize.js';
import { cleanPost, NO_CORPUS, readAllPosts } from './posts.js';

describe('sanitize', () => {
  it('removes scripts with their content and reports them', () => {
    const { html, removed } = sanitize('<p>正文<script>alert("x")</script></p>');
    expect(html).toBe('<p>正文</p>');
    expect(removed).toContain('<script>');
  });

  it('removes event handlers and reports them', () => {
    const { html, removed } = sanitize('<p><img src=x onerror=alert(1)>文字</p><p onclick="evil()">点</p>');
    expect(html).toBe('<p>文字</p><p>点</p>');
    expect(removed).toEqual(expect.arrayContaining(['onerror attribute', 'onclick attribute']));
  });

  it('turns javascript: links into text and reports them', () => {
    const { html, removed } = sanitize('<p><a href="javascript:alert(1)">点我</a> <a href=" JaVa\tscript:alert(2)">再点</a></p>');
    expect(html).toBe('<p>点我 再点</p>');
    expect(removed).toContain('javascript: URL');
  });

  it('removes iframes, objects, embeds and forms', () => {
    const { html, removed } = sanitize(
      '<p>前</p><iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="y"><form action="/post"><p>表单里的字</p><input name="q"></form>',
    );
    expect(html).toBe('<p>前</p><p>表单里的字</p>');
    expect(removed).toEqual(expect.arrayContaining(['<iframe>', '<object>', '<embed>', '<form>', '<input>']));
  });

  it('removes style attributes and reports them', () => {
    const { html, removed } = sanitize('<p style="color:red;background:url(javascript:x)">红</p>');
    expect(html).toBe('<p>红</p>');
    expect(removed).toContain('style attribute');
  });

  it('removes data: images and reports them', () => {
    const { html, removed } = sanitize('<p>图<img src="data:image/png;base64,iVBORw0KGgo=" alt="点"></p>');
    expect(html).toBe('<p>图</p>');
    expect(removed).toContain('data: URL');
  });

  it('keeps article markup, table spans and safe image attributes', () => {
    const input =
      '<h2>标题</h2><p><strong>粗</strong><em>斜</em>H<sub>2</sub>O x<sup>2</sup><br></p><blockquote><p>引</p></blockquote>' +
      '<ul><li>一</li></ul><ol><li>二</li></ol><table><thead><tr><th colspan="2">头</th></tr></thead><tbody><tr><td rowspan="2">格</td></tr></tbody></table>' +
      '<figure><img src="https://a.example/p.jpg" alt="" referrerpolicy="no-referrer" loading="lazy" width="10" height="20"><figcaption>说明</figcaption></figure><pre><code>x</code></pre><hr>';
    const { html, removed } = sanitize(input);
    expect(removed).toEqual([]);
    expect(html).toContain('<th colspan="2">头</th>');
    expect(html).toContain('<td rowspan="2">格</td>');
    expect(html).toContain('<img src="https://a.example/p.jpg" alt="" referrerpolicy="no-referrer" loading="lazy" width="10" height="20" />');
    expect(html).toContain('<figcaption>说明</figcaption>');
    expect(html).toContain('<h2>标题</h2>');
  });

  it('gives links rel and keeps only absolute http(s)/mailto hrefs', () => {
    const { html } = sanitize('<p><a href="https://a.example/x" title="t" target="_blank" class="k">外链</a><a href="/relative">相对</a></p>');
    expect(html).toBe('<p><a href="https://a.example/x" rel="nofollow noopener noreferrer" title="t">外链</a>相对</p>');
  });

  it('unwraps spans, fonts and divs but keeps their text', () => {
    expect(sanitize('<div><span>甲</span><font color="red">乙</font></div>').html).toBe('甲乙');
  });

  it('escapes text so that ]]> cannot end a CDATA section', () => {
    const { html } = sanitize('<p>a ]]&gt; b ]]> c &lt;script&gt;</p>');
    expect(html).toBe('<p>a ]]&gt; b ]]&gt; c &lt;script&gt;</p>');
  });
});

describe('cleanBody reports what the sanitizer removed', () => {
  it('warns about scripts, handlers, javascript: links and iframes, and drops data: images', () => {
    const result = cleanBody({
      html:
        '<div><p>正文一。<script>alert(1)</script></p><p><img src=x onerror=alert(1)>图</p>' +
        '<p><a href="javascript:alert(1)">链接</a></p><iframe src="https://evil.example/"></iframe>' +
        '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></p></div>',
      title: '测试',
      baseUrl: 'https://finance.sina.com.cn/a/b.shtml',
    });
    expect(result.html).not.toMatch(/script|onerror|javascript|iframe|data:/u);
    expect(result.text).toBe('正文一。\n\n图\n\n链接');
    const unsafe = result.warnings.find((warning) => warning.startsWith('removed unsafe markup:'));
    expect(unsafe).toBeDefined();
    for (const kind of ['<script>', 'onerror attribute', 'javascript: URL', '<iframe>']) expect(unsafe).toContain(kind);
    expect(result.warnings).toContain('dropped image with a data: URL');
    expect(result.images).toEqual([{ src: 'https://finance.sina.com.cn/a/x', alt: '' }]);
  });
});

// sanitize-html, configured with the same allowlist, is the reference the tree sanitizer is held to.
const REFERENCE: SanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([tag, names]) => [tag, [...names]])),
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: [...CONTENT_DROPPING_TAGS],
  transformTags: {
    h1: 'h2',
    a: (_name, attribs) => {
      const href = attribs.href?.trim() ?? '';
      if (!/^(?:https?|mailto):/i.test(href) || !URL.canParse(href)) return { tagName: 'span', attribs: {} };
      return { tagName: 'a', attribs: { href, rel: 'nofollow noopener noreferrer', ...(attribs.title ? { title: attribs.title } : {}) } };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^https?:/i.test(frame.attribs.src?.trim() ?? ''),
};

/** One spelling for equal trees: both outputs parsed and written again by the same serializer. */
function canonical(html: string): string {
  return render(parseHtml(html).children, { encodeEntities: 'utf8', selfClosingTags: true, emptyAttrs: true });
}

const HOSTILE_MARKUP = [
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT><p>正文</p>',
  '<scr<script>ipt>alert(1)</script>',
  '<p>前<script>document.write("<p>x</p>")</script>后</p>',
  '<img src=x onerror=alert(1)><img src="https://a.example/p.jpg" onload="alert(2)" alt="图">',
  '<img """><script>alert(1)</script>">',
  '<a href="javascript:alert(1)">一</a><a href="&#106;avascript:alert(2)">二</a><a href="jav&#x09;ascript:alert(3)">三</a>',
  '<a href="  JAVASCRIPT:alert(1)">四</a><a href="vbscript:msgbox(1)">五</a><a href="data:text/html;base64,PHNjcmlwdD4=">六</a>',
  '<a href="//evil.example/">协议相对</a><a href="/relative">相对</a><a href="#top">锚</a><a>无</a>',
  '<a href="https://ok.example/a?b=1&amp;c=2" onclick="steal()" target="_blank" title="标题">好链接</a>',
  '<a href="mailto:editor@example.com">来信</a><a href="ftp://files.example/">文件</a>',
  '<img src="//evil.example/p.png"><img src="data:image/png;base64,iVBORw0KGgo="><img src="javascript:alert(1)">',
  '<img src="https://a.example/p.jpg" srcset="javascript:alert(1) 1x" width="10" height="20" style="x" class="c">',
  '<svg onload=alert(1)><circle r="1"/></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math><p>后</p>',
  '<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="x.swf"><param name="a" value="b"></object><embed src="y.swf"><applet code="z"></applet>',
  '<form action="https://evil.example/"><input name="q" onfocus="alert(1)" autofocus><button>发</button><p>表单字</p></form>',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/"><link rel="stylesheet" href="x.css">',
  '<style>@import "https://evil.example/x.css"; p { color: red }</style><p style="background:url(javascript:alert(1))">红</p>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">字</p></noscript><p>后</p>',
  '<textarea><script>alert(1)</script></textarea><title><img src=x onerror=alert(1)></title><xmp><b>x</b></xmp>',
  '<template><img src=x onerror=alert(1)></template><select><option>选</option></select>',
  '<video poster="javascript:alert(1)"><source onerror="alert(1)"></video><audio src="x"></audio><canvas>画</canvas>',
  '<details open ontoggle="alert(1)"><summary>概要</summary>细节</details>',
  '<table background="javascript:alert(1)"><tr><td colspan="2" rowspan="3" style="x" onclick="y">格</td><th abbr="z">头</th></tr></table>',
  '<ol start="3" reversed onclick="x"><li value="9">项</li></ol><ul type="disc"><li>项</li></ul>',
  '<h1 onclick="x">大标题</h1><h2 id="y">标题</h2><h7>不是标题</h7>',
  '<p>a ]]> b &lt;script&gt; c &amp;amp; d &nbsp; e</p>',
  '<div><span>甲</span><font color="red">乙</font><center>丙</center><u>丁</u><s>戊</s></div>',
  '<p>未闭合<b>粗<i>斜</p>尾</b>',
  '<!--<img src=x onerror=alert(1)>--><p>评论外</p><?xml version="1.0"?><!DOCTYPE html>',
  '<p>a<br>b<br/>c<hr>d<wbr>e</p><pre><code>if (a < b) {}</code></pre><figure><img src="https://a.example/p.jpg" alt=""><figcaption>说明</figcaption></figure>',
  '<p title="a > b" lang="zh"><em>强调</em><strong>重</strong><sub>下</sub><sup>上</sup></p><blockquote cite="javascript:x">引</blockquote>',
  '<constructor onclick="x">构</constructor><toString title="t">串</toString><p __proto__="x" hasOwnProperty="y">原</p>',
];

describe('sanitize agrees with sanitize-html on the same allowlist', () => {
  it.each(HOSTILE_MARKUP)('%s', (markup) => {
    expect(canonical(sanitize(markup).html)).toBe(canonical(sanitizeHtml(markup, REFERENCE)));
  });

  it('leaves sanitize-html nothing to remove in the cleaned seeds and corpus posts', () => {
    const posts = readAllPosts();
    expect(posts.length).toBeGreaterThanOrEqual(NO_CORPUS ? 5 : 15);
    for (const post of posts) {
      const { html } = cleanPost(post);
      expect(canonical(sanitizeHtml(html, REFERENCE)), post.name).toBe(canonical(html));
    }
  });
});
