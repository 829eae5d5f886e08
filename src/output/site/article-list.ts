import type { Article } from '../../model.js';
import { escapeHtml, truncateText } from '../../util/text.js';
import { formatInZone } from '../../util/time.js';
import { joinFacts } from './page-layout.js';
import type { SiteThemeEntry } from './site-themes.js';
import { zh, zhSite } from '../zh.js';
import { articlePagePath } from '../paths.js';

// A list of articles, as the index and the theme pages show it: title, date and source, summary,
// and the near-duplicates of each entry as small links.

/** Summaries are a sentence or two; a list shows this much of one (the article page has it whole). */
const LIST_SUMMARY_MAX_CHARS = 120;

/** `root` leads from the page's folder back to output/. */
export function renderArticleList(entries: readonly SiteThemeEntry[], root: string, timeZone: string): string {
  return `<ol class="articles">
${entries.map((entry) => renderEntry(entry, root, timeZone)).join('\n')}
</ol>`;
}

function renderEntry(entry: SiteThemeEntry, root: string, timeZone: string): string {
  const { article } = entry;
  const date = formatInZone(article.published, timeZone, zh.date);
  const source = article.meta.origin ?? article.author;
  const similar = entry.similar.length
    ? `\n<p class="similar">${zhSite.similar}：${entry.similar
        .map((other) => `<a href="${articleHref(other, root)}">${escapeHtml(other.title)}</a>`)
        .join(zh.listSeparator)}</p>`
    : '';
  return `<li><a href="${articleHref(article, root)}">${escapeHtml(article.title)}</a>
<p class="facts">${joinFacts([
    `<time datetime="${article.published.toISOString()}">${escapeHtml(date)}</time>`,
    source ? escapeHtml(source) : undefined,
  ])}</p>
<p class="summary">${escapeHtml(truncateText(article.summary, LIST_SUMMARY_MAX_CHARS))}</p>${similar}</li>`;
}

function articleHref(article: Pick<Article, 'slug'>, root: string): string {
  return `${root}${escapeHtml(articlePagePath(article))}`;
}
