// Site knowledge as data. The cleaner reads these rules; it never tests for a site by name.
import type { ArticleMeta } from '../model.js';

/** Lifts one piece of metadata out of a paragraph whose whole text matches `pattern` (group 1 = value). */
export interface MetaRule {
  field: keyof ArticleMeta;
  pattern: RegExp;
  /** `edges`: only among the first or last paragraphs (a 来源 line under a chart is not the article's). */
  where: 'anywhere' | 'edges';
}

export interface SiteRules {
  /** For humans reading a rule set; never tested in code. */
  name: string;
  /** Host names the set applies to (subdomains included). */
  hosts: string[];
  /** Also applies when the post's host is unknown (folder posts from the crawler). */
  appliesWithoutHost: boolean;
  /** Elements removed with everything inside them: boilerplate, ads, placeholders. */
  drop: string[];
  /** Caption elements next to an image; their text becomes figcaption and alt. */
  captions: string[];
  /** Elements that mean bold text and become `<strong>`. */
  strong: string[];
  /** Inline elements replaced by their content (text is kept). */
  unwrapInline: string[];
  /** Block wrappers replaced by their content; loose text inside them becomes a paragraph. */
  unwrapBlock: string[];
  /** Attributes removed from every element; a trailing `*` matches a prefix. */
  dropAttributes: string[];
  /** Paragraphs lifted into `meta` and removed from the body. */
  meta: MetaRule[];
  /** Paragraphs that are boilerplate, by their whole text. */
  boilerplateText: RegExp[];
  /** Link-label debris left at the end of a paragraph when the link was lost. */
  trailingNoise: RegExp[];
  /** Ads, promos and placeholders, matched against the absolute image URL. */
  promoImages: RegExp[];
  /** Attributes that hold the real picture of a lazy-loaded image. */
  lazyImageSources: string[];
  /** Image hosts that serve https: http URLs on them are upgraded. */
  httpsImageHosts: string[];
}

/** Applies to every post, whatever its site. */
const GENERIC: SiteRules = {
  name: 'generic',
  hosts: [],
  appliesWithoutHost: true,
  drop: ['style', 'link', 'meta', 'title', 'noscript'],
  captions: [],
  strong: [],
  unwrapInline: ['font', 'span', 'ins', 'big', 'small'],
  unwrapBlock: ['div', 'section', 'article', 'main', 'center', 'header', 'footer', 'aside'],
  dropAttributes: [
    'class', 'id', 'style', 'align', 'border', 'cellspacing', 'cellpadding', 'bgcolor', 'valign',
    'target', 'name', 'lang', 'dir', 'data-*',
  ],
  meta: [
    // 责任编辑：刘万里 SF014 — the trailing staff code is not part of the name.
    { field: 'editor', pattern: /^(?:责任编辑|责编)\s*[:：]\s*(.+?)(?:\s+[A-Z]{1,4}\d{2,})?$/u, where: 'anywhere' },
    { field: 'originalTitle', pattern: /^原标题\s*[:：]\s*(.+)$/u, where: 'edges' },
    { field: 'origin', pattern: /^(?:来源|稿件来源|文章来源)\s*[:：|｜]\s*(.+)$/u, where: 'edges' },
  ],
  boilerplateText: [],
  trailingNoise: [],
  promoImages: [/^https?:\/\/(?:[a-z0-9-]+\.)*picsum\.photos\//i],
  lazyImageSources: ['data-src', 'data-original', 'data-lazy-src', 'data-actualsrc'],
  httpsImageHosts: [],
};

/** The crawler's Sina Finance posts (also the default for folder posts with no link). */
const SINA: SiteRules = {
  name: 'sina-finance',
  hosts: ['sina.com.cn', 'sina.cn', 'sina.com'],
  appliesWithoutHost: true,
  drop: [
    '[class*="appendQr"]', // end-of-article app QR promo
    '.app-kaihu-qr', // 开户二维码 brokerage-account ad
    '.video-2017', // empty video player placeholder
    '[id^="videoList"]',
    'span[id^="quote_"]', // empty live stock quote slot
  ],
  captions: ['.img_descr'],
  strong: ['font[cms-style*="strong-Bold"]'],
  unwrapInline: [
    'span[id^="stock_"] a', // keyword links to stock quote pages
    'a.keyword',
    'a[href*="/realstock/company/"]',
    'a[href*="tousu.sina.com.cn"]', // auto-linked complaint-platform promo
  ],
  unwrapBlock: ['.img_wrapper'],
  dropAttributes: ['cms-style', 'nodescore', 'extrascore'],
  meta: [],
  boilerplateText: [/^海量资讯、精准解读，尽在新浪财经APP$/u, /^股民福利来了/u],
  trailingNoise: [/\s*(?:详情|点击查看|查看原文)\s*(?:>>|》》)$/u],
  promoImages: [
    /\/\/n\.sinaimg\.cn\/finance\/cece9e13\/20200514\/343233024\.png$/i, // 新浪财经APP QR code
    /\/20220216\/303e-b2864e7bf4f7e5ecede113b90b5a53c9\.png$/i, // 开户 ad
  ],
  lazyImageSources: [],
  httpsImageHosts: ['sinaimg.cn'],
};

/** 36kr posts (the crawler's folder also carries them, so the set applies without a host too). */
const KR36: SiteRules = {
  name: '36kr',
  hosts: ['36kr.com'],
  appliesWithoutHost: true,
  drop: [],
  captions: [],
  strong: [],
  unwrapInline: ['a.project-link'], // auto-links from company names to 36kr project pages
  unwrapBlock: [],
  dropAttributes: [],
  meta: [],
  boilerplateText: [],
  trailingNoise: [],
  promoImages: [],
  lazyImageSources: [],
  httpsImageHosts: ['36krcdn.com'],
};

export const RULES: readonly SiteRules[] = [GENERIC, SINA, KR36];

/**
 * Patterns of Chinese news prose (not tied to a site) that the summary must not quote.
 * Each is tested against one paragraph's normalized text.
 */
export const NEWS_TEXT = {
  /** A leading "XX讯（记者 …）" / "新华社北京3月1日电（记者 …）" in front of the first sentence. */
  bylinePrefixes: [
    /^【[^】]{1,30}】\s*/u,
    /^[\p{Script=Han}A-Za-z]{2,20}讯(?:\s*[（(][^）)]{0,40}[）)]\s*|[ \u3000]+)/u,
    /^[\p{Script=Han}]{2,12}\d{1,2}月\d{1,2}日电(?:\s*[（(][^）)]{0,40}[）)])?\s*/u,
    /^[（(](?:记者|通讯员|实习生)[^）)]{0,40}[）)]\s*/u,
  ],
  /** Paragraphs that are only a byline, a credit line, a photo credit or a dateline. */
  creditParagraphs: [
    /^[（(]?[\p{Script=Han}A-Za-z·\s]{0,20}(?:记者|通讯员|编辑|校对|作者)[\p{Script=Han}A-Za-z·\s|｜、]{1,60}[）)]?$/u,
    /^[（(]?[^。！？]{0,40}(?:摄|供图|图源|图片来源[:：][^。]{0,30})[）)]?$/u,
    /^(?:编辑|校对|审核|责编|作者|撰文|文|图|制图|监制)\s*[:：|｜]\s*[^。！？]{0,40}$/u,
    /^\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}[:：]\d{2})?$/u,
  ],
} as const;

const resolvedRules = new Map<string, SiteRules>();

/** The rule sets that apply to a host (or to a post with no known host), merged into one. */
export function rulesForHost(host: string | undefined): SiteRules {
  const key = host?.toLowerCase() ?? '';
  let rules = resolvedRules.get(key);
  if (!rules) {
    rules = mergeRules(RULES.filter((set) => appliesTo(set, key)));
    resolvedRules.set(key, rules);
  }
  return rules;
}

function appliesTo(set: SiteRules, host: string): boolean {
  if (set.hosts.length === 0) return true;
  if (!host) return set.appliesWithoutHost;
  return hostMatches(host, set.hosts);
}

/** True when `host` is one of `domains` or a subdomain of one. */
export function hostMatches(host: string, domains: readonly string[]): boolean {
  return domains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function mergeRules(sets: SiteRules[]): SiteRules {
  const merged: SiteRules = {
    name: sets.map((set) => set.name).join('+'),
    hosts: [],
    appliesWithoutHost: false,
    drop: [], captions: [], strong: [], unwrapInline: [], unwrapBlock: [], dropAttributes: [],
    meta: [], boilerplateText: [], trailingNoise: [], promoImages: [], lazyImageSources: [],
    httpsImageHosts: [],
  };
  for (const set of sets) {
    merged.drop.push(...set.drop);
    merged.captions.push(...set.captions);
    merged.strong.push(...set.strong);
    merged.unwrapInline.push(...set.unwrapInline);
    merged.unwrapBlock.push(...set.unwrapBlock);
    merged.dropAttributes.push(...set.dropAttributes);
    merged.meta.push(...set.meta);
    merged.boilerplateText.push(...set.boilerplateText);
    merged.trailingNoise.push(...set.trailingNoise);
    merged.promoImages.push(...set.promoImages);
    merged.lazyImageSources.push(...set.lazyImageSources);
    merged.httpsImageHosts.push(...set.httpsImageHosts);
  }
  return merged;
}
