// The allowlist sanitizer, alone and as the last step of cleanBody.
import { describe, expect, it } from 'vitest';
import { cleanBody, sanitize } from '../../src/clean/index.js';

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
