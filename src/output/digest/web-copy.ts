import { escapeHtml } from '../../util/text.js';
import { digestArchiveMeta } from './archive.js';
import type { DigestView, EntryView, ThemeView } from './view.js';
import { digestFeeds, renderPage, siteFeeds } from '../site/page-layout.js';
import { zhDigest, zhSite } from '../zh.js';
import { INDEX_FILE } from '../paths.js';

// The digest's public web copy, `digests/<id>.html`: every entry, no recipient data. It links the
// site's stylesheet (the server's Content-Security-Policy refuses inline styles), and carries a
// <meta> with what the digest archive lists of it.

export function renderPageHtml(view: DigestView, options: { title: string }): string {
  const omitted = view.omitted > 0 ? `\n<p class="notice">${escapeHtml(zhDigest.omitted(view.omitted))}</p>` : '';
  const themes = view.themes.map((theme) => theme.name);
  return renderPage(view.site, {
    root: '../',
    title: `${options.title} · ${view.site.title}`,
    description: zhDigest.preheader(view.total, themes),
    canonical: view.webCopyUrl,
    head: digestArchiveMeta({ week: view.week, period: view.period, total: view.total, themes, date: view.createdAt.toISOString() }),
    feeds: [...digestFeeds(view.site), ...siteFeeds(view.site)],
    mainClass: 'digest',
    main: `<h1>${escapeHtml(view.week)}</h1>
<p class="facts">${escapeHtml(view.period)}${zhDigest.separator}${escapeHtml(zhDigest.total(view.total))}</p>${omitted}
${contents(view.themes)}
${view.themes.map(themeSection).join('\n')}
<p class="more"><a href="${INDEX_FILE}">${zhSite.allDigests} →</a></p>`,
    footerNote: escapeHtml(zhDigest.webCopyNote(view.site.title)),
  });
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
