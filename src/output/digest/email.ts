import type Juice from 'juice';
import { requireCommonJs } from '../../util/require-cjs.js';
import { escapeHtml, stripInvalidXmlChars } from '../../util/text.js';
import type { DigestView, EntryView, ThemeView, UnsubscribeView } from './view.js';
import { zh, zhDigest } from '../zh.js';

// The digest e-mail's HTML: a 600px table layout that shrinks to a phone's width. The CSS is
// written once below and inlined by juice, so clients that drop <style> still get every style;
// only the dark-mode and narrow-screen media queries stay in <style>, as enhancements.

export interface EmailHtmlOptions {
  subject: string;
  unsubscribe?: UnsubscribeView;
  /** The recipient's own preference page (themes, pause, unsubscribe). */
  preferencesUrl?: string;
}

/**
 * juice, and the full cheerio it brings, is loaded with the first e-mail rendered, not with this
 * module: a digest run with nothing new to send never pays its start-up (0.2–0.3 s).
 */
function inlineStyles(): typeof Juice {
  return requireCommonJs('juice') as typeof Juice; // require() keeps it after the first call
}

const FONT_STACK =
  "-apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Noto Sans CJK SC','Microsoft YaHei',sans-serif";

const LIGHT = { page: '#f1f0ec', card: '#ffffff', text: '#1f2328', body: '#3a3f45', muted: '#6a717a', accent: '#b4232a', rule: '#e6e4de', notice: '#fbf4e8' };
const DARK = { page: '#111214', card: '#1b1c20', text: '#e8e8e5', body: '#c9c9c4', muted: '#a3a39e', accent: '#f28b8f', rule: '#303239', notice: '#2b261d' };

const THUMB_WIDTH = 96;

/** Outlook for Windows does not inherit fonts into table cells; it reads <style>, so one rule there does. */
const OUTLOOK_CSS = `td, th, h1, h2, h3 { font-family: ${FONT_STACK}; }`;

const EMAIL_CSS = `
body { margin: 0; padding: 0; width: 100%; background-color: ${LIGHT.page}; font-family: ${FONT_STACK}; -webkit-text-size-adjust: 100%; }
.outer { width: 100%; background-color: ${LIGHT.page}; }
.outer-cell { padding: 24px 0; }
.card { width: 100%; max-width: 600px; background-color: ${LIGHT.card}; table-layout: fixed; font-family: ${FONT_STACK}; overflow-wrap: anywhere; word-wrap: break-word; }
a { color: ${LIGHT.accent}; }
.preheader { display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; line-height: 1px; color: ${LIGHT.page}; opacity: 0; }
.topbar { padding: 14px 24px 0; font-size: 12px; line-height: 1.5; text-align: right; color: ${LIGHT.muted}; }
.topbar a { color: ${LIGHT.muted}; }
.masthead { padding: 12px 24px 8px; }
.brand { font-size: 14px; font-weight: bold; letter-spacing: 0.12em; line-height: 1.5; }
.brand a { color: ${LIGHT.accent}; text-decoration: none; }
.title { margin: 4px 0 0; font-size: 26px; line-height: 1.4; font-weight: bold; color: ${LIGHT.text}; }
.meta { margin: 4px 0 0; font-size: 14px; line-height: 1.6; color: ${LIGHT.muted}; }
.notice { margin: 14px 0 0; padding: 10px 14px; font-size: 14px; line-height: 1.6; color: ${LIGHT.body}; background-color: ${LIGHT.notice}; }
.section { padding: 12px 24px 8px; }
.toc-title { padding: 12px 0 6px; font-size: 13px; font-weight: bold; letter-spacing: 0.12em; line-height: 1.5; color: ${LIGHT.muted}; border-bottom: 1px solid ${LIGHT.rule}; }
.toc { width: 100%; table-layout: fixed; }
.toc-name { padding: 7px 0; font-size: 15px; line-height: 1.5; border-bottom: 1px solid ${LIGHT.rule}; }
.toc-name a { color: ${LIGHT.text}; text-decoration: none; }
.toc-count { width: 64px; padding: 7px 0; font-size: 13px; line-height: 1.5; text-align: right; white-space: nowrap; color: ${LIGHT.muted}; border-bottom: 1px solid ${LIGHT.rule}; }
.theme-title { margin: 16px 0 0; padding: 14px 0 4px; font-size: 20px; line-height: 1.45; font-weight: bold; color: ${LIGHT.text}; border-top: 3px solid ${LIGHT.accent}; }
.theme-count { font-size: 14px; font-weight: normal; color: ${LIGHT.muted}; }
.entry { width: 100%; table-layout: fixed; }
.entry-body { padding: 14px 0; vertical-align: top; border-bottom: 1px solid ${LIGHT.rule}; }
.entry-title { margin: 0; font-size: 17px; line-height: 1.55; font-weight: bold; color: ${LIGHT.text}; text-wrap: pretty; }
.entry-title a { color: ${LIGHT.text}; text-decoration: none; }
.entry-meta { margin: 4px 0 0; font-size: 13px; line-height: 1.5; color: ${LIGHT.muted}; }
.summary { margin: 6px 0 0; font-size: 15px; line-height: 1.75; color: ${LIGHT.body}; text-wrap: pretty; }
.similar { margin: 4px 0 0; font-size: 13px; line-height: 1.5; color: ${LIGHT.muted}; }
.thumb-cell { width: ${THUMB_WIDTH + 14}px; padding: 18px 0 14px 14px; vertical-align: top; border-bottom: 1px solid ${LIGHT.rule}; }
.thumb-cell a { color: ${LIGHT.muted}; text-decoration: none; }
.thumb { display: block; width: ${THUMB_WIDTH}px; max-width: 100%; height: auto; border: 0; font-size: 12px; line-height: 1.4; color: ${LIGHT.muted}; }
.more { padding: 12px 0 8px; font-size: 14px; line-height: 1.5; font-weight: bold; }
.more a { color: ${LIGHT.accent}; text-decoration: none; }
.footer { padding: 28px 24px 32px; font-size: 12px; line-height: 1.8; color: ${LIGHT.muted}; }
.footer a { color: ${LIGHT.muted}; text-decoration: underline; }
.footer p { margin: 0 0 6px; }
.url { word-break: break-all; overflow-wrap: anywhere; }
`;

/** Narrow screens: less padding, smaller pictures. Its own <style>: a client that rejects one block keeps the other. */
const MOBILE_CSS = `
@media screen and (max-width: 480px) {
  .outer-cell { padding: 0 !important; }
  .topbar, .masthead, .section, .footer { padding-left: 16px !important; padding-right: 16px !important; }
  .title { font-size: 22px !important; }
  .thumb-cell { width: 86px !important; padding-left: 10px !important; }
  .thumb { width: 76px !important; }
}
`;

/** Dark mode for clients that honour prefers-color-scheme (Apple Mail, Outlook for Mac…). */
const DARK_CSS = `
@media (prefers-color-scheme: dark) {
  body, .outer { background-color: ${DARK.page} !important; }
  .card { background-color: ${DARK.card} !important; }
  .title, .entry-title, .entry-title a, .toc-name a, .theme-title { color: ${DARK.text} !important; }
  .summary, .notice { color: ${DARK.body} !important; }
  .topbar, .topbar a, .meta, .toc-title, .toc-count, .theme-count, .entry-meta, .similar, .footer, .footer a, .thumb, .thumb-cell a { color: ${DARK.muted} !important; }
  a, .brand a, .more a { color: ${DARK.accent} !important; }
  .theme-title { border-top-color: ${DARK.accent} !important; }
  .toc-title, .toc-name, .toc-count, .entry-body, .thumb-cell { border-color: ${DARK.rule} !important; }
  .notice { background-color: ${DARK.notice} !important; }
}
`;

export function renderEmailHtml(view: DigestView, options: EmailHtmlOptions): string {
  const html = `<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(options.subject)}</title>
<style>${EMAIL_CSS}</style>
<style>${MOBILE_CSS}</style>
<style>${DARK_CSS}</style>
<style data-embed>${OUTLOOK_CSS}</style>
</head>
<body>
<div class="preheader">${escapeHtml(zhDigest.preheader(view.total, view.themes.map((theme) => theme.name)))}</div>
<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td class="outer-cell" align="center">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" class="card" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td class="topbar"><a href="${escapeHtml(view.webCopyUrl)}">${zhDigest.viewInBrowser}</a></td></tr>
${masthead(view)}
${contents(view)}
${view.themes.map((theme) => themeSection(theme, view.webCopyUrl)).join('\n')}
${footer(view, options.unsubscribe, options.preferencesUrl)}
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr></table>
</body>
</html>
`;
  return stripInvalidXmlChars(
    inlineStyles()(html, { preserveMediaQueries: true, removeStyleTags: true, applyHeightAttributes: false, applyWidthAttributes: false }),
  );
}

function masthead(view: DigestView): string {
  const notice = view.omitted > 0 ? `\n<div class="notice">${escapeHtml(zhDigest.omitted(view.omitted))}</div>` : '';
  return `<tr><td class="masthead">
<div class="brand"><a href="${escapeHtml(view.site.url)}">${escapeHtml(view.site.title)}</a></div>
<h1 class="title">${escapeHtml(view.week)}</h1>
<div class="meta">${escapeHtml(view.period)}${zhDigest.separator}${escapeHtml(zhDigest.total(view.total))}</div>${notice}
</td></tr>`;
}

/** The themes with their counts. Links go to the web copy's anchors: in-mail anchors fail in many clients. */
function contents(view: DigestView): string {
  if (view.themes.length === 0) return '';
  const rows = view.themes
    .map(
      (theme) =>
        `<tr><td class="toc-name"><a href="${escapeHtml(`${view.webCopyUrl}#${theme.anchor}`)}">${escapeHtml(theme.name)}</a></td><td class="toc-count">${escapeHtml(zhDigest.themeCount(theme.count))}</td></tr>`,
    )
    .join('\n');
  return `<tr><td class="section">
<div class="toc-title">${zhDigest.contents}</div>
<table role="presentation" class="toc" width="100%" cellpadding="0" cellspacing="0" border="0">
${rows}
</table>
</td></tr>`;
}

function themeSection(theme: ThemeView, webCopyUrl: string): string {
  const hidden = theme.count - theme.entries.length;
  const more =
    hidden > 0
      ? `\n<div class="more"><a href="${escapeHtml(`${webCopyUrl}#${theme.anchor}`)}">${escapeHtml(zhDigest.viewAll(theme.count))} →</a></div>`
      : '';
  return `<tr><td class="section">
<h2 class="theme-title">${escapeHtml(theme.name)} <span class="theme-count">${escapeHtml(zhDigest.themeCount(theme.count))}</span></h2>
${theme.entries.map(entryBlock).join('\n')}${more}
</td></tr>`;
}

function entryBlock(entry: EntryView): string {
  const title = escapeHtml(entry.title);
  const link = (content: string) => (entry.url ? `<a href="${escapeHtml(entry.url)}">${content}</a>` : content);
  const similar = entry.similarCount > 0 ? `\n<div class="similar">${escapeHtml(zhDigest.similar(entry.similarCount))}</div>` : '';
  const thumbnail = entry.thumbnail
    ? `<td class="thumb-cell">${link(`<img class="thumb" src="${escapeHtml(entry.thumbnail)}" alt="${title}" width="${THUMB_WIDTH}">`)}</td>`
    : '';
  return `<table role="presentation" class="entry" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td class="entry-body">
<h3 class="entry-title">${link(title)}</h3>
<div class="entry-meta">${escapeHtml(entry.source)}${zhDigest.separator}${escapeHtml(entry.date)}</div>
<div class="summary">${escapeHtml(entry.summary)}</div>${similar}
</td>${thumbnail}</tr></table>`;
}

function footer(view: DigestView, unsubscribe: EmailHtmlOptions['unsubscribe'], preferencesUrl: string | undefined): string {
  const links = [
    ...(preferencesUrl ? [`<a href="${escapeHtml(preferencesUrl)}">${zhDigest.preferencesLink}</a>`] : []),
    ...(unsubscribe ? [unsubscribeLine(unsubscribe)] : []),
  ];
  return `<tr><td class="footer">
<p>${escapeHtml(zhDigest.why(view.site.title))}</p>
${links.length ? `<p>${links.join(zhDigest.separator)}</p>` : ''}
<p><a class="url" href="${escapeHtml(view.site.url)}">${escapeHtml(view.site.url)}</a></p>
</td></tr>`;
}

/** The one-click https link when there is one, else the address to write to. */
function unsubscribeLine(unsubscribe: UnsubscribeView): string {
  if (unsubscribe.url) return `<a href="${escapeHtml(unsubscribe.url)}">${zhDigest.unsubscribeLink}</a>`;
  const subject = unsubscribe.mailtoSubject ? escapeHtml(zhDigest.mailSubject(unsubscribe.mailtoSubject)) : '';
  return `${zhDigest.unsubscribeByMail} <a class="url" href="${escapeHtml(unsubscribe.mailtoUrl)}">${escapeHtml(unsubscribe.mailtoAddress)}</a>${subject}`;
}
