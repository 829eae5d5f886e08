import { escapeHtml } from '../../util/text.js';
import { joinUrl } from '../../util/url.js';
import { renderArticleList } from './article-list.js';
import { siteFeeds, renderPage, type FeedLink, type PageSite } from './page-layout.js';
import { themeSize, type SiteTheme } from './site-themes.js';
import { zh, zhSite } from '../zh.js';
import { renderSignupForm } from './signup-form.js';
import { feedPagePath, themeFeedPaths, themePagePath } from '../paths.js';

// A theme's page, themes/<slug>.html: its articles among the newest, and its feeds.

/** The theme's two feeds, for autodiscovery and subscribe links. */
export function themeFeeds(theme: SiteTheme, site: Pick<PageSite, 'title'>): FeedLink[] {
  const paths = themeFeedPaths(theme);
  const title = zhSite.themeFeedTitle(site.title, theme.name);
  return [
    { title: `${title} (${zh.feeds.rss})`, format: 'rss', path: paths.rss },
    { title: `${title} (${zh.feeds.json})`, format: 'json', path: paths.json },
  ];
}

/** Links to the pages of some feeds, by format: RSS · JSON Feed. `root` leads back to output/. */
export function renderFeedLinks(feeds: readonly FeedLink[], root: string): string {
  return `<span class="formats">${feeds.map((feed) => `<a href="${root}${feedPagePath(feed.path)}">${zh.feeds[feed.format]}</a>`).join('')}</span>`;
}

export function renderThemePage(theme: SiteTheme, site: PageSite): string {
  const root = '../';
  const feeds = themeFeeds(theme, site);
  const keywords = theme.keywords.length
    ? `<span class="sep"> · </span>${zhSite.keywords}：${escapeHtml(theme.keywords.join(zh.listSeparator))}`
    : '';
  return renderPage(site, {
    root,
    title: `${theme.name} · ${site.title}`,
    description: zhSite.themeFeedDescription(site.title, theme.name),
    canonical: joinUrl(site.url, themePagePath(theme)),
    feeds: [...feeds, ...siteFeeds(site)],
    mainClass: 'theme-page',
    main: `<h1>${escapeHtml(theme.name)}</h1>
<p class="facts">${escapeHtml(zhSite.themeNote(themeSize(theme)))}${keywords}</p>
<p class="subscribe-row">${zhSite.subscribeTheme}：${renderFeedLinks(feeds, root)}</p>
${renderArticleList(theme.entries, root, site.timeZone)}
${renderSignupForm(root, site.signupThemes ?? [])}`,
  });
}
