import { describe, expect, test } from 'vitest';
import type { Digest } from '../../../src/model.js';
import {
  digestOfThemes,
  digestSubject,
  EMAIL_HTML_MAX_BYTES,
  renderDigestEmail,
  renderDigestPage,
  renderEmailTemplate,
  themesFor,
} from '../../../src/output/digest/render.js';
import { SITE_CSS } from '../../../src/output/site/site-css.js';
import { width } from '../../../src/output/digest/text.js';
import {
  bigDigest,
  HTTPS_UNSUBSCRIBE,
  MAILTO_UNSUBSCRIBE,
  RENDER_OPTIONS,
  sampleDigest,
  TIME_ZONE,
  WEB_COPY_URL,
} from '../../support/digest-sample.js';

const GMAIL_CLIP = 102 * 1024;
const SCRIPT_TITLE = '<script>alert("周刊")</script> 民营企业家谈信心：订单回来了';

const allEntries = (digest: Digest) => digest.themes.flatMap((theme) => theme.entries);
const attributes = (html: string, name: string) => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((match) => match[1] ?? '');
const unescape = (text: string) => text.replace(/&amp;/g, '&');

describe('digestSubject', () => {
  test('names the ISO week of the period in the zone, the biggest theme and the count', () => {
    expect(digestSubject(sampleDigest(), TIME_ZONE)).toBe('【周刊】2022年第20周 · 中小企业与民营经济等 12 篇');
  });

  test('reads an inclusive period end the same as an exclusive one', () => {
    const digest = { ...sampleDigest(), periodEnd: new Date('2022-05-22T23:59:59.999+08:00') };
    expect(digestSubject(digest, TIME_ZONE)).toContain('2022年第20周');
  });

  test('uses the ISO week-year at a year boundary and the zone, not UTC', () => {
    const digest = {
      ...sampleDigest(),
      periodStart: new Date('2020-12-28T00:00:00+08:00'),
      periodEnd: new Date('2021-01-04T00:00:00+08:00'),
    };
    expect(digestSubject(digest, TIME_ZONE)).toContain('2020年第53周');
    expect(renderDigestEmail(digest, RENDER_OPTIONS).text).toContain('2020年12月28日—2021年1月3日');
  });

  test('names 其他要闻 only when it is the only theme, however big', () => {
    const digest = sampleDigest();
    const other = digest.themes[2]!;
    other.entries = [...other.entries, ...other.entries, ...other.entries];
    expect(digestSubject(digest, TIME_ZONE)).toContain(' · 中小企业与民营经济等 ');
    expect(digestSubject({ ...digest, themes: [other] }, TIME_ZONE)).toContain(' · 其他要闻 ');
  });

  test('has no "等" with one theme and no theme name with none', () => {
    const digest = sampleDigest();
    expect(digestSubject({ ...digest, themes: digest.themes.slice(1, 2), total: 4 }, TIME_ZONE)).toBe('【周刊】2022年第20周 · 科技创新 4 篇');
    expect(digestSubject({ ...digest, themes: [], total: 0 }, TIME_ZONE)).toBe('【周刊】2022年第20周 · 0 篇');
  });
});

describe('renderDigestEmail', () => {
  const digest = sampleDigest();
  const email = renderDigestEmail(digest, RENDER_OPTIONS);

  test('shows the period, the contents with counts, every theme and entry', () => {
    expect(email.subject).toBe(digestSubject(digest, TIME_ZONE));
    expect(email.html).toContain('<html lang="zh-CN"');
    expect(email.html).toContain('2022年5月16日—5月22日');
    expect(email.html).toContain('本期目录');
    digest.themes.forEach((theme, index) => {
      expect(email.html).toMatch(new RegExp(`href="${WEB_COPY_URL}#theme-${index + 1}"[^>]*>${theme.name}</a>`));
      expect(email.html).toContain(`${theme.name} <span`);
    });
    expect(email.html).toContain('其他要闻');
    for (const entry of allEntries(digest)) {
      if (entry.title !== SCRIPT_TITLE) expect(email.html).toContain(`>${entry.title}</a>`);
      expect(email.html).toContain(entry.summary);
      expect(email.html).toContain(`href="${entry.url.replace(/&/g, '&amp;')}"`);
    }
    expect(email.html).toContain('经济日报 &amp; 中国经济网 · 5月18日');
    expect(email.html).toContain('另有3篇相似报道');
    expect(email.html).toContain('另有5篇相似报道');
    expect(email.html).toContain('还有7篇较早的文章未收入');
  });

  test('links the web copy and, per recipient, the one-click unsubscribe URL', () => {
    expect(email.html).toMatch(new RegExp(`<a href="${WEB_COPY_URL}"[^>]*>在浏览器中查看</a>`));
    expect(email.html).toContain(`href="${HTTPS_UNSUBSCRIBE.url.replace(/&/g, '&amp;')}"`);
    expect(email.html).toContain('您订阅了「周刊」的每周摘要');
    expect(email.html).not.toContain('mailto:');
  });

  test('falls back to the mailto address when there is no https URL', () => {
    const html = renderDigestEmail(digest, { ...RENDER_OPTIONS, unsubscribe: MAILTO_UNSUBSCRIBE }).html;
    expect(html).toContain('href="mailto:unsubscribe@news.example.com"');
    expect(html).toContain('退订请发送邮件至');
    expect(html).not.toContain('unsubscribe?token');
    expect(html).not.toContain('List-Unsubscribe');
    expect(attributes(html, 'href').filter((href) => href.includes('unsubscribe') && href.startsWith('https:'))).toEqual([]);
  });

  test('escapes text: a <script> title is shown, never run', () => {
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;周刊&quot;)&lt;/script&gt;');
    expect(email.html).toContain('alt="&lt;script&gt;alert(&quot;周刊&quot;)&lt;/script&gt; 民营企业家谈信心：订单回来了"');
  });

  test('has absolute links, alt text on every image, fitted widths and inline styles', () => {
    for (const url of [...attributes(email.html, 'href'), ...attributes(email.html, 'src')]) {
      expect(url).toMatch(/^(https?|mailto):/);
    }
    const images = [...email.html.matchAll(/<img\b[^>]*>/g)].map((match) => match[0]);
    expect(images.length).toBe(4);
    for (const image of images) {
      expect(image).toMatch(/\salt="[^"]+"/);
      expect(Number(/\swidth="(\d+)"/.exec(image)?.[1])).toBeLessThanOrEqual(600);
      expect(image).toMatch(/max-width: 100%/);
      expect(image).toMatch(/height: auto/);
    }
    // juice inlined every class's rules: no classed element relies on <style> alone
    const body = email.html.slice(email.html.indexOf('<body'));
    const classedWithoutStyle = [...body.matchAll(/<[a-z0-9]+\b[^>]*\sclass="[^"]*"[^>]*>/g)].filter((match) => !/\sstyle="/.test(match[0]));
    expect(classedWithoutStyle.map((match) => match[0])).toEqual([]);
    expect(email.html).toMatch(/<table role="presentation"[^>]*class="card"[^>]*style="[^"]*max-width: 600px/);
    expect(email.html).toContain('word-break: break-all');
    expect(email.html).toContain('overflow-wrap: anywhere');
    expect(email.html).toContain('PingFang SC');
    expect(email.html).toContain('@media (prefers-color-scheme: dark)');
  });

  test('writes a plain-text part from the data: no tags, no entities, short lines, URLs alone', () => {
    const text = email.text;
    for (const entry of allEntries(digest)) {
      expect(text).toContain(entry.url);
      expect(text.split('\n').map((line) => line.trim())).toContain(entry.url);
    }
    for (const title of ['国务院常务会议部署进一步支持中小微企业和个体工商户纾困发展', '端午假期火车票5月20日起开售', SCRIPT_TITLE]) {
      expect(text.replace(/\n {3}/g, '')).toContain(title);
    }
    expect(text).toContain(WEB_COPY_URL);
    expect(text).toContain(HTTPS_UNSUBSCRIBE.url);
    expect(text).toContain('还有7篇较早的文章未收入');
    expect(text).toContain('另有3篇相似报道');
    const withoutTitle = text.replace(SCRIPT_TITLE, '');
    expect(withoutTitle).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(text).not.toMatch(/&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i);
    for (const line of text.split('\n')) {
      if (/^\s*(https?|mailto):\S+$/.test(line)) continue;
      expect(line.length, line).toBeLessThanOrEqual(78);
      expect(width(line), line).toBeLessThanOrEqual(78);
    }
  });

  test('plain text names the mailto address when there is no https URL', () => {
    const text = renderDigestEmail(digest, { ...RENDER_OPTIONS, unsubscribe: MAILTO_UNSUBSCRIBE }).text;
    expect(text).toContain('退订请发送邮件至 unsubscribe@news.example.com');
    expect(text).not.toContain('https://news.example.com/unsubscribe');
  });

  test('shows entriesPerTheme per theme and links the rest to the web copy', () => {
    const capped = renderDigestEmail(digest, { ...RENDER_OPTIONS, entriesPerTheme: 2 });
    const first = digest.themes[0]!;
    expect(capped.html).toContain(first.entries[1]!.summary);
    expect(capped.html).not.toContain(first.entries[2]!.summary);
    expect(capped.html).toMatch(new RegExp(`href="${WEB_COPY_URL}#theme-1"[^>]*>查看全部5篇`));
    expect(capped.text).toContain('查看全部5篇');
    expect(capped.text).toContain(`${WEB_COPY_URL}#theme-1`);
    expect(capped.text).not.toContain(first.entries[2]!.url);
  });

  test('makes relative entry links absolute and drops links that are not http(s)', () => {
    const odd = sampleDigest();
    odd.themes[0]!.entries[0]!.url = 'articles/abc.html';
    odd.themes[0]!.entries[1]!.url = 'javascript:alert(1)';
    const html = renderDigestEmail(odd, RENDER_OPTIONS).html;
    expect(html).toContain('href="https://news.example.com/articles/abc.html"');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('>多地出台减免房租措施：服务业小微企业和个体工商户可减免3至6个月租金</h3>');
  });

  test('keeps a 300-entry digest under the clip by showing fewer entries', () => {
    const big = bigDigest();
    const rendered = renderDigestEmail(big, RENDER_OPTIONS);
    const bytes = Buffer.byteLength(rendered.html);
    expect(bytes).toBeLessThanOrEqual(EMAIL_HTML_MAX_BYTES);
    // sent base64-encoded: 4/3 and a CRLF every 76 characters
    expect(Math.ceil(bytes / 3) * 4 * (78 / 76)).toBeLessThan(GMAIL_CLIP);
    big.themes.forEach((theme, index) => {
      expect(rendered.html).toContain(`>${theme.name}</a>`);
      expect(rendered.html).toMatch(new RegExp(`href="${WEB_COPY_URL}#theme-${index + 1}"[^>]*>查看全部25篇`));
    });
    const shown = (rendered.html.match(/class="entry-body"/g) ?? []).length;
    expect(shown).toBeGreaterThanOrEqual(big.themes.length);
    expect(rendered.text.match(/^\d+\. 第/gm)?.length).toBe(shown);
  });
});

describe('renderDigestPage', () => {
  const digest = sampleDigest();
  const page = renderDigestPage(digest, RENDER_OPTIONS);

  test('is a public page: no unsubscribe links, no addresses, no tokens', () => {
    expect(page).not.toContain('mailto:');
    expect(page).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    expect(page).not.toContain('unsubscribe');
    expect(page).not.toContain('token');
    expect(page).not.toContain('退订');
  });

  test('shows every entry, with anchors for the contents, in Chinese, light and dark', () => {
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    // Styles come from the site's stylesheet (the server's CSP refuses inline ones), light and dark.
    expect(page).toContain('<link rel="stylesheet" href="../assets/site.css">');
    expect(page).not.toContain('<style');
    expect(SITE_CSS).toContain('prefers-color-scheme: dark');
    expect(page).toContain(`<link rel="canonical" href="${WEB_COPY_URL}">`);
    digest.themes.forEach((theme, index) => {
      expect(page).toContain(`<a href="#theme-${index + 1}">${theme.name}</a>`);
      expect(page).toContain(`<section id="theme-${index + 1}">`);
    });
    for (const entry of allEntries(digest)) {
      expect(page).toContain(entry.summary);
      expect(page).toContain(`href="${entry.url.replace(/&/g, '&amp;')}"`);
      if (entry.thumbnail) expect(unescape(page)).toContain(`src="${entry.thumbnail}"`);
    }
    expect(page).toContain('还有7篇较早的文章未收入');
    expect(page).toContain('另有3篇相似报道');
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;');
  });

  test('shows all entries even past the e-mail cap', () => {
    const big = bigDigest();
    const bigPage = renderDigestPage(big, RENDER_OPTIONS);
    expect(bigPage.match(/<p class="summary">/g)?.length).toBe(300);
  });
});

describe('personal digests', () => {
  const TEMPLATE_OPTIONS = { ...RENDER_OPTIONS, oneClick: true, preferences: false, unsubscribeMailto: 'unsubscribe@news.example.com' };
  const forReader = (reader: string) => ({
    url: `https://news.example.com/unsubscribe?t=${encodeURIComponent(reader)}&x="1"`,
    mailto: `mailto:unsubscribe@news.example.com?subject=${encodeURIComponent(`unsubscribe ${reader}`)}`,
  });

  test('themesFor keeps the digest order, drops names it lacks, and gives none for no match', () => {
    const digest = sampleDigest();
    expect(themesFor(digest, undefined)).toEqual(['中小企业与民营经济', '科技创新', '其他要闻']);
    expect(themesFor(digest, ['其他要闻', '已删除的主题', '中小企业与民营经济'])).toEqual(['中小企业与民营经济', '其他要闻']);
    expect(themesFor(digest, ['已删除的主题'])).toEqual([]);
  });

  test('a cut digest holds only its themes, keeps the web copy anchors, counts again and names its themes in the subject', () => {
    const digest = sampleDigest();
    const template = renderEmailTemplate(digest, TEMPLATE_OPTIONS, ['科技创新', '其他要闻']);
    const { html, text } = template.fill(forReader('a@example.org'));
    const kept = digestOfThemes(digest, ['科技创新', '其他要闻']);
    expect(template.subject).toBe(`【周刊】2022年第20周 · 科技创新等 ${kept.total} 篇`);
    expect(html).not.toContain('中小企业与民营经济');
    expect(text).not.toContain('中小企业与民营经济');
    expect(html).toContain(`href="${WEB_COPY_URL}#theme-2"`);
    expect(html).toContain(`href="${WEB_COPY_URL}#theme-3"`);
    expect(html).not.toContain(`#theme-1"`);
    const counted = digest.themes.slice(1).flatMap((theme) => theme.entries).reduce((sum, entry) => sum + 1 + entry.similarCount, 0);
    expect(kept.total).toBe(counted);
    expect(text).toContain(`共${counted}篇`);
  });

  test('the template filled for a reader is the message rendered for that reader', () => {
    const digest = sampleDigest();
    for (const oneClick of [true, false]) {
      for (const preferences of [true, false]) {
        const template = renderEmailTemplate(digest, { ...TEMPLATE_OPTIONS, oneClick, preferences });
        for (const reader of ['a@example.org', "o'brien+x&y@example.org"]) {
          const unsubscribe = oneClick ? forReader(reader) : { mailto: forReader(reader).mailto };
          const preferencesUrl = preferences ? `https://example.org/preferences?t=${encodeURIComponent(reader)}&x=1` : undefined;
          const direct = renderDigestEmail(digest, { ...RENDER_OPTIONS, unsubscribe, ...(preferencesUrl ? { preferencesUrl } : {}) });
          expect(template.fill(unsubscribe, preferencesUrl)).toEqual({ html: direct.html, text: direct.text });
          expect(template.subject).toBe(direct.subject);
        }
      }
    }
  });

  test('content holding the placeholder text is shown as written, never taken for a reader part', () => {
    const digest = sampleDigest();
    const first = 'zk000000000000000000000001';
    const second = 'zk000000000000000000000002';
    const entry = digest.themes[0]!.entries[0]!;
    // The title carries the first token (and its variants), split by markup and case as content might be
    entry.title = `标题 ${first}u ${first}s`;
    entry.summary = `摘要 <b>${first.toUpperCase()}</b>U`;
    const drawn = [first, second];
    const template = renderEmailTemplate(digest, TEMPLATE_OPTIONS, undefined, () => drawn.shift() ?? 'exhausted');
    expect(drawn).toEqual([]);
    const { html, text } = template.fill(forReader('reader@example.org'));
    expect(html).toContain(`标题 ${first}u ${first}s`);
    expect(text).toContain(`标题 ${first}u ${first}s`);
    expect(html).toContain(`${first}s`);
    expect(html).toContain(`摘要 &lt;b&gt;${first.toUpperCase()}&lt;/b&gt;U`);
    expect(html).not.toContain(second);
    expect(text).not.toContain(second);
    expect(html).toContain(`href="${forReader('reader@example.org').url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
    expect(text).toContain(forReader('reader@example.org').url);
  });
});
