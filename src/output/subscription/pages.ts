import { escapeHtml } from '../../util/text.js';
import { STYLESHEET_FILE } from '../paths.js';
import { renderThemeChoices } from '../site/signup-form.js';
import { zh, zhSubscription } from '../zh.js';

// The server's pages for signing up and managing a subscription: short notices, the confirmation
// button, the preference page. No script: each action is a form that posts back with its token.

export interface NoticeSite {
  url: string;
  title: string;
}

/**
 * A short page: a title, paragraphs (plain text, escaped here) and optional HTML below them. Served
 * at the site's root, so the stylesheet is linked relatively: from the origin the page came from,
 * as the CSP's style-src 'self' wants, whatever site.url says.
 */
export function renderSubscriptionPage(site: NoticeSite, title: string, paragraphs: readonly string[], extra = ''): string {
  return `<!doctype html>
<html lang="${zh.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${escapeHtml(site.title)}</title>
<link rel="stylesheet" href="${STYLESHEET_FILE}">
</head>
<body>
<header class="site"><a class="brand" href="${escapeHtml(site.url)}">${escapeHtml(site.title)}</a></header>
<main class="notice">
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
${extra}
</main>
</body>
</html>
`;
}

/** One action: a form posting to `action` with a button (and hidden fields). */
export function actionForm(action: string, button: string, fields: Record<string, string>, options: { secondary?: boolean; inner?: string } = {}): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const buttonClass = options.secondary ? ' class="secondary"' : '';
  return `<form method="post" action="${escapeHtml(action)}">${hidden}${options.inner ?? ''}<button type="submit"${buttonClass}>${escapeHtml(button)}</button></form>`;
}

export function linkParagraph(prompt: string, url: string, label: string): string {
  return `<p>${escapeHtml(prompt)}<a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`;
}

export interface PreferencesView {
  address: string;
  state: string;
  suppressed: boolean;
  /** Undefined: all. */
  themes: readonly string[] | undefined;
  choices: readonly string[];
  /** Where each form posts (the page's own URL, token included). */
  action: string;
}

export function renderPreferencesPage(site: NoticeSite, view: PreferencesView): string {
  const lines = [zhSubscription.preferencesIntro(view.address), zhSubscription.stateLine(zhSubscription.state[view.state] ?? view.state)];
  if (view.suppressed) lines.push(zhSubscription.suppressedLine);
  const forms: string[] = [];
  if (view.choices.length > 0 && view.state !== 'unsubscribed') {
    forms.push(actionForm(view.action, zhSubscription.saveThemes, { action: 'themes' }, { inner: renderThemeChoices(view.choices, view.themes) }));
  }
  const buttons: string[] = [];
  if (view.state === 'active') buttons.push(actionForm(view.action, zhSubscription.pause, { action: 'pause' }, { secondary: true }));
  if (view.state === 'paused') buttons.push(actionForm(view.action, zhSubscription.resume, { action: 'resume' }));
  if (view.state === 'unsubscribed') buttons.push(actionForm(view.action, zhSubscription.resubscribe, { action: 'resubscribe' }));
  else buttons.push(actionForm(view.action, zhSubscription.unsubscribe, { action: 'unsubscribe' }, { secondary: true }));
  forms.push(`<div class="actions">${buttons.join('\n')}</div>`);
  return renderSubscriptionPage(site, zhSubscription.preferencesTitle, lines, forms.join('\n'));
}

/** The themes in words: 全部主题, or 宏观经济、货币政策. */
export function describeThemes(themes: readonly string[] | undefined): string {
  return themes ? themes.join(zh.listSeparator) : zhSubscription.allThemes;
}
