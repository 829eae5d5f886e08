import type { Article } from '../../model.js';
import { escapeHtml } from '../../util/text.js';
import { formatInZone } from '../../util/time.js';
import { isHttpUrl } from '../../util/url.js';
import { pageUrl } from '../feeds/feeds.js';
import { joinFacts, renderPage, siteFeeds, type PageSite } from './page-layout.js';
import { zh } from '../zh.js';

// One readable page per article, and the short notice pages the server answers with.

/** The page of one article, `articles/<slug>.html`. Links are relative so the folder can move. */
export function renderArticlePage(article: Article, site: PageSite): string {
  const title = escapeHtml(article.title);
  const published = formatInZone(article.published, site.timeZone, zh.dateTime);
  const leadImageInBody = article.leadImage && article.images.some((image) => image.src === article.leadImage?.src);
  const facts = joinFacts([
    `<time datetime="${article.published.toISOString()}">${escapeHtml(published)}</time>${
      article.dateGuessed ? escapeHtml(zh.dateGuessed) : ''
    }`,
    article.meta.origin ? `${zh.source}：${escapeHtml(article.meta.origin)}` : undefined,
    article.author ? `${zh.author}：${escapeHtml(article.author)}` : undefined,
    article.meta.editor ? `${zh.editor}：${escapeHtml(article.meta.editor)}` : undefined,
  ]);
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
  const original =
    article.link && isHttpUrl(article.link)
      ? `<p class="original"><a href="${escapeHtml(article.link)}" rel="noopener noreferrer">${zh.readOriginal} →</a></p>`
      : '';
  const image = article.leadImage ? `\n<meta property="og:image" content="${escapeHtml(article.leadImage.src)}">` : '';

  return renderPage(site, {
    root: '../',
    title: `${article.title} · ${site.title}`,
    description: article.summary,
    canonical: pageUrl(article, site),
    head: `<meta property="og:type" content="article">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${escapeHtml(article.summary)}">${image}`,
    feeds: siteFeeds(site),
    main: `<article>
<h1>${title}</h1>
<p class="facts">${facts}</p>
${originalTitle}${categories}${leadImage}
<div class="body">
${article.html}
</div>
${original}
</article>`,
  });
}

