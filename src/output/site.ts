import type { Article } from '../model.js';
import { escapeHtml, stripInvalidXmlChars } from '../util/text.js';
import { formatInZone } from '../util/time.js';
import { joinUrl } from '../util/url.js';
import { FEED_FILES, pageUrl } from './feeds.js';
import { zh } from './zh.js';

// Static pages: one readable page per article, and the shared stylesheet.

export const STYLESHEET_FILE = 'assets/site.css';

export interface PageSite {
  url: string;
  title: string;
  timeZone: string;
}

/** The page of one article, `articles/<slug>.html`. Links are relative so the folder can move. */
export function renderArticlePage(article: Article, site: PageSite): string {
  const title = escapeHtml(article.title);
  const published = formatInZone(article.published, site.timeZone, zh.dateTime);
  const leadImageInBody = article.leadImage && article.images.some((image) => image.src === article.leadImage?.src);
  const facts = [
    `<time datetime="${article.published.toISOString()}">${escapeHtml(published)}</time>${
      article.dateGuessed ? escapeHtml(zh.dateGuessed) : ''
    }`,
    article.meta.origin ? `${zh.source}：${escapeHtml(article.meta.origin)}` : undefined,
    article.author ? `${zh.author}：${escapeHtml(article.author)}` : undefined,
    article.meta.editor ? `${zh.editor}：${escapeHtml(article.meta.editor)}` : undefined,
  ].filter(Boolean);
  const categories = article.categories.length
    ? `<p class="tags">${article.categories.map((name) => `<span>${escapeHtml(name)}</span>`).join('')}</p>`
    : '';
  const originalTitle =
    article.meta.originalTitle && article.meta.originalTitle !== article.title
      ? `<p class="original-title">${zh.originalTitle}：${escapeHtml(article.meta.originalTitle)}</p>`
      : '';
  const leadImage =
    article.leadImage && !leadImageInBody
      ? `<figure class="lead"><img src="${escapeHtml(article.leadImage.src)}" alt="${escapeHtml(
          article.leadImage.alt,
        )}" referrerpolicy="no-referrer" loading="lazy"></figure>`
      : '';
  const original = article.link
    ? `<p class="original"><a href="${escapeHtml(article.link)}" rel="noopener noreferrer">${zh.readOriginal} →</a></p>`
    : '';
  const canonical = pageUrl(article, site);
  const image = article.leadImage ? `\n<meta property="og:image" content="${escapeHtml(article.leadImage.src)}">` : '';

  return stripInvalidXmlChars(`<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · ${escapeHtml(site.title)}</title>
<meta name="description" content="${escapeHtml(article.summary)}">
<link rel="canonical" href="${escapeHtml(canonical)}">
<meta property="og:type" content="article">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${escapeHtml(article.summary)}">${image}
${feedLinks(site, '../')}
<link rel="stylesheet" href="../${STYLESHEET_FILE}">
</head>
<body>
<header class="site"><a href="../index.html">${escapeHtml(site.title)}</a></header>
<main>
<article>
<h1>${title}</h1>
<p class="facts">${facts.join('<span class="sep"> · </span>')}</p>
${originalTitle}${categories}${leadImage}
<div class="body">
${article.html}
</div>
${original}
</article>
</main>
<footer class="site">${subscribeLinks('../')}</footer>
</body>
</html>
`);
}

function feedLinks(site: PageSite, prefix: string): string {
  const title = escapeHtml(site.title);
  return [
    `<link rel="alternate" type="application/rss+xml" title="${title} (RSS)" href="${prefix}${FEED_FILES.rss}">`,
    `<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${prefix}${FEED_FILES.atom}">`,
    `<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${prefix}${FEED_FILES.json}">`,
  ].join('\n');
}

function subscribeLinks(prefix: string): string {
  return `${zh.subscribe}：<a href="${prefix}${FEED_FILES.rss}">${zh.feeds.rss}</a> · <a href="${prefix}${FEED_FILES.atom}">${zh.feeds.atom}</a> · <a href="${prefix}${FEED_FILES.json}">${zh.feeds.json}</a>`;
}

/** A short page with a message (and an optional form), e.g. for unsubscribing. Served from the site root. */
export function renderNoticePage(title: string, body: string, site: { url: string; title: string }, form = ''): string {
  return `<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${escapeHtml(site.title)}</title>
<link rel="stylesheet" href="${escapeHtml(joinUrl(site.url, STYLESHEET_FILE))}">
</head>
<body>
<header class="site"><a href="${escapeHtml(site.url)}">${escapeHtml(site.title)}</a></header>
<main class="notice">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(body)}</p>
${form}
</main>
</body>
</html>
`;
}

/** Absolute URL of the stylesheet, for callers that need it. */
export function stylesheetUrl(site: Pick<PageSite, 'url'>): string {
  return joinUrl(site.url, STYLESHEET_FILE);
}

/** Typography for Chinese text: a CJK font stack, generous line height, light and dark schemes. */
export const SITE_CSS = `:root {
  color-scheme: light dark;
  --text: #1f2328;
  --muted: #656d76;
  --background: #fdfdfc;
  --accent: #b4232a;
  --rule: #e4e4e0;
  --quote: #f4f3ef;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6e6e3;
    --muted: #a3a39e;
    --background: #16171a;
    --accent: #f07178;
    --rule: #2e3036;
    --quote: #202227;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  padding: 0 1rem;
  background: var(--background);
  color: var(--text);
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  font-size: 1.0625rem;
  line-height: 1.85;
  letter-spacing: 0.02em;
  overflow-wrap: break-word;
  word-break: normal;
  line-break: strict;
}
header.site, main, footer.site { max-width: 42rem; margin: 0 auto; }
header.site { padding: 1rem 0; border-bottom: 1px solid var(--rule); font-weight: 600; }
header.site a { color: var(--text); text-decoration: none; }
footer.site { padding: 2rem 0; color: var(--muted); font-size: 0.875rem; border-top: 1px solid var(--rule); }
h1 { font-size: 1.6rem; line-height: 1.45; margin: 1.5rem 0 0.75rem; letter-spacing: 0.01em; }
h2, h3, h4 { line-height: 1.5; margin: 2rem 0 0.75rem; }
a { color: var(--accent); }
.facts, .original-title, .tags { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0; }
.tags span { display: inline-block; margin-right: 0.5rem; }
.tags span::before { content: "#"; }
.body p { margin: 0 0 1.1em; text-align: justify; }
.body strong { font-weight: 600; }
blockquote { margin: 1.25em 0; padding: 0.75em 1em; background: var(--quote); border-left: 3px solid var(--accent); }
blockquote p { margin: 0; }
figure { margin: 1.5em 0; }
img { max-width: 100%; height: auto; display: block; margin: 0 auto; border-radius: 2px; }
figcaption { color: var(--muted); font-size: 0.875rem; text-align: center; margin-top: 0.5em; }
table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; font-size: 0.875rem; margin: 1.5em 0; }
th, td { border: 1px solid var(--rule); padding: 0.3em 0.6em; white-space: nowrap; }
pre { max-width: 100%; overflow-x: auto; padding: 0.75em 1em; background: var(--quote); font-size: 0.875rem; line-height: 1.6; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
.original { margin: 2rem 0; }
ol.articles { list-style: none; padding: 0; margin: 1rem 0; }
ol.articles li { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
ol.articles li > a { font-size: 1.125rem; font-weight: 600; color: var(--text); text-decoration: none; }
ol.articles .summary { margin: 0.25rem 0 0; }
main.notice { padding: 2rem 0; }
main.notice button { font: inherit; padding: 0.5em 1.5em; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
`;

/** `index.html`: the latest articles, newest first, with links to the feeds. */
export function renderIndexPage(articles: Article[], site: PageSite): string {
  const items = articles
    .map((article) => {
      const date = formatInZone(article.published, site.timeZone, zh.date);
      return `<li><a href="articles/${article.slug}.html">${escapeHtml(article.title)}</a>
<p class="facts"><time datetime="${article.published.toISOString()}">${escapeHtml(date)}</time>${
        article.meta.origin || article.author ? ` · ${escapeHtml(article.meta.origin ?? article.author ?? '')}` : ''
      }</p>
<p class="summary">${escapeHtml(article.summary)}</p></li>`;
    })
    .join('\n');
  return stripInvalidXmlChars(`<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(site.title)}</title>
<link rel="canonical" href="${escapeHtml(site.url)}">
${feedLinks(site, '')}
<link rel="stylesheet" href="${STYLESHEET_FILE}">
</head>
<body>
<header class="site"><a href="index.html">${escapeHtml(site.title)}</a></header>
<main>
<ol class="articles">
${items}
</ol>
</main>
<footer class="site">${subscribeLinks('')}</footer>
</body>
</html>
`);
}
