import { escapeHtml } from '../../util/text.js';
import { renderArticleList } from './article-list.js';
import { digestFeeds, renderPage, siteFeeds, type PageSite } from './page-layout.js';
import { themeSize, type SiteTheme } from './site-themes.js';
import { renderFeedLinks, themeFeeds } from './theme-page.js';
import { zhSite } from '../zh.js';
import { DIGEST_ARCHIVE_FILE, themePagePath } from '../paths.js';

// index.html: the newest articles grouped by theme, the way to the digest archive, and a subscribe
// link for every feed (each also announced for autodiscovery).

/** Entries a theme shows on the index; the rest are on its page. */
const ENTRIES_PER_THEME = 5;

export function renderIndexPage(themes: readonly SiteTheme[], site: PageSite): string {
  const intro = `<p class="lede">${escapeHtml(site.description)}</p>${themes.length ? '' : `\n<p>${zhSite.noArticles}</p>`}`;
  return renderPage(site, {
    root: '',
    title: site.title,
    description: site.description,
    canonical: site.url,
    feeds: [...siteFeeds(site), ...digestFeeds(site), ...themes.flatMap((theme) => themeFeeds(theme, site))],
    mainClass: 'home',
    main: [intro, themeNav(themes), ...themes.map((theme) => themeSection(theme, site)), digestsSection(site), subscribeSection(themes, site)]
      .filter(Boolean)
      .join('\n'),
  });
}

function themeNav(themes: readonly SiteTheme[]): string {
  if (themes.length === 0) return '';
  const articleCount = themes.reduce((sum, theme) => sum + themeSize(theme), 0);
  const items = themes
    .map((theme) => `<li><a href="#theme-${theme.slug}">${escapeHtml(theme.name)}<span class="count">${zhSite.count(themeSize(theme))}</span></a></li>`)
    .join('\n');
  return `<nav class="themes" aria-label="${zhSite.themes}">
<h2>${zhSite.themesOfLatest(articleCount)}</h2>
<ul>
${items}
</ul>
</nav>`;
}

function themeSection(theme: SiteTheme, site: PageSite): string {
  const page = themePagePath(theme);
  const hidden = theme.entries.length - ENTRIES_PER_THEME;
  const more = hidden > 0 ? `\n<p class="more"><a href="${page}">${zhSite.viewTheme(themeSize(theme))} →</a></p>` : '';
  return `<section class="theme" id="theme-${theme.slug}">
<h2><a href="${page}">${escapeHtml(theme.name)}</a><span class="count">${zhSite.count(themeSize(theme))}</span></h2>
${renderArticleList(theme.entries.slice(0, ENTRIES_PER_THEME), '', site.timeZone)}${more}
</section>`;
}

function digestsSection(site: PageSite): string {
  return `<section class="digests" id="digests">
<h2>${zhSite.digests}</h2>
<p>${zhSite.digestsIntro}</p>
<p class="subscribe-row">${zhSite.subscribeDigests}：${renderFeedLinks(digestFeeds(site), '')}</p>
<p class="more"><a href="${DIGEST_ARCHIVE_FILE}">${zhSite.nav.digests} →</a></p>
</section>`;
}

function subscribeSection(themes: readonly SiteTheme[], site: PageSite): string {
  const row = (name: string, links: string) => `<li><p class="subscribe-row"><span>${name}</span>${links}</p></li>`;
  return `<section class="subscribe" id="subscribe">
<h2>${zhSite.nav.subscribe}</h2>
<p>${zhSite.subscribeIntro}</p>
<ul class="feeds">
${[
  row(zhSite.allArticles, renderFeedLinks(siteFeeds(site), '')),
  row(`<a href="${DIGEST_ARCHIVE_FILE}">${zhSite.digests}</a>`, renderFeedLinks(digestFeeds(site), '')),
  ...themes.map((theme) => row(`<a href="${themePagePath(theme)}">${escapeHtml(theme.name)}</a>`, renderFeedLinks(themeFeeds(theme, site), ''))),
].join('\n')}
</ul>
</section>`;
}
