import { escapeHtml, stripInvalidXmlChars } from '../util/text.js';
import type { DigestView, EntryView, ThemeView } from './digest.js';
import { SITE_CSS } from './site.js';
import { zh, zhDigest } from './zh.js';

// The digest's public web copy, `digests/<id>.html`: every entry, no recipient data. It carries its
// own styles (the site's plus a few) so it reads right wherever it is saved or forwarded.

const DIGEST_PAGE_CSS = `
main.digest { padding-bottom: 1rem; }
.digest .notice { padding: 0.6rem 0.9rem; background: var(--quote); font-size: 0.9375rem; }
.digest nav h2, .digest section h2 { font-size: 1.25rem; }
.digest nav h2 { color: var(--muted); font-size: 0.875rem; letter-spacing: 0.12em; margin-bottom: 0.25rem; }
.digest nav ol { list-style: none; padding: 0; margin: 0; }
.digest nav li { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; padding: 0.4rem 0; border-bottom: 1px solid var(--rule); }
.digest nav li a { color: var(--text); text-decoration: none; min-width: 0; }
.digest .count { color: var(--muted); font-size: 0.875rem; font-weight: normal; white-space: nowrap; }
.digest section h2 { padding-top: 0.9rem; border-top: 3px solid var(--accent); }
.digest ol.articles li > a { text-wrap: pretty; }
.digest ol.articles li::after { content: ""; display: block; clear: both; }
.digest ol.articles .facts, .digest ol.articles .similar { color: var(--muted); font-size: 0.8125rem; margin: 0.2rem 0 0; }
.digest img.thumb { float: right; width: 96px; max-width: 30%; height: auto; margin: 0.3rem 0 0.5rem 1rem; }
`;

export function renderPageHtml(view: DigestView, options: { title: string }): string {
  const omitted = view.omitted > 0 ? `\n<p class="notice">${escapeHtml(zhDigest.omitted(view.omitted))}</p>` : '';
  const description = zhDigest.preheader(view.total, view.themes.map((theme) => theme.name));
  return stripInvalidXmlChars(`<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(options.title)} · ${escapeHtml(view.site.title)}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="canonical" href="${escapeHtml(view.webCopyUrl)}">
<style>${SITE_CSS}${DIGEST_PAGE_CSS}</style>
</head>
<body>
<header class="site"><a href="../index.html">${escapeHtml(view.site.title)}</a></header>
<main class="digest">
<h1>${escapeHtml(view.week)}</h1>
<p class="facts">${escapeHtml(view.period)}${zhDigest.separator}${escapeHtml(zhDigest.total(view.total))}</p>${omitted}
${contents(view.themes)}
${view.themes.map(themeSection).join('\n')}
</main>
<footer class="site">${escapeHtml(zhDigest.webCopyNote(view.site.title))} <a href="../index.html">${zh.home}</a></footer>
</body>
</html>
`);
}

function contents(themes: ThemeView[]): string {
  if (themes.length === 0) return '';
  const items = themes
    .map((theme) => `<li><a href="#${theme.anchor}">${escapeHtml(theme.name)}</a><span class="count">${escapeHtml(zhDigest.themeCount(theme.count))}</span></li>`)
    .join('\n');
  return `<nav aria-label="${zhDigest.contents}">
<h2>${zhDigest.contents}</h2>
<ol>
${items}
</ol>
</nav>`;
}

function themeSection(theme: ThemeView): string {
  return `<section id="${theme.anchor}">
<h2>${escapeHtml(theme.name)} <span class="count">${escapeHtml(zhDigest.themeCount(theme.count))}</span></h2>
<ol class="articles">
${theme.entries.map(entryItem).join('\n')}
</ol>
</section>`;
}

function entryItem(entry: EntryView): string {
  const title = escapeHtml(entry.title);
  const link = (content: string) => (entry.url ? `<a href="${escapeHtml(entry.url)}" rel="noopener noreferrer">${content}</a>` : content);
  const thumbnail = entry.thumbnail
    ? `<img class="thumb" src="${escapeHtml(entry.thumbnail)}" alt="${title}" width="96" loading="lazy" referrerpolicy="no-referrer">`
    : '';
  const similar = entry.similarCount > 0 ? `\n<p class="similar">${escapeHtml(zhDigest.similar(entry.similarCount))}</p>` : '';
  return `<li>${thumbnail}${link(title)}
<p class="facts">${escapeHtml(entry.source)}${zhDigest.separator}<time datetime="${entry.published.toISOString()}">${escapeHtml(entry.date)}</time></p>
<p class="summary">${escapeHtml(entry.summary)}</p>${similar}
</li>`;
}
