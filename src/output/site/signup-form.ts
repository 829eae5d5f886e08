import { escapeHtml } from '../../util/text.js';
import { SUBSCRIBE_PATH } from '../paths.js';
import { zhSubscription } from '../zh.js';

// The e-mail signup form on the index, the theme pages and the digest archive. Plain HTML: it
// posts to the server's /subscribe (zhoukan serve or start); no script, which the CSP forbids.

/** The form field a person leaves empty and a form-filling bot does not. */
export const HONEYPOT_FIELD = 'website';

/** `root` leads back to output/ (the form posts to the server at the site's root). */
export function renderSignupForm(root: string, themes: readonly string[]): string {
  return `<section class="signup" id="signup">
<h2>${zhSubscription.formTitle}</h2>
<p>${zhSubscription.formIntro}</p>
<form method="post" action="${root}${SUBSCRIBE_PATH}">
<p class="field"><label for="signup-address">${zhSubscription.address}</label>
<input id="signup-address" type="email" name="address" required maxlength="254" autocomplete="email" spellcheck="false"></p>
${renderThemeChoices(themes, undefined)}
<div class="hp" aria-hidden="true"><label for="signup-${HONEYPOT_FIELD}">${zhSubscription.honeypot}</label><input id="signup-${HONEYPOT_FIELD}" type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<p><button type="submit">${zhSubscription.submit}</button></p>
</form>
</section>`;
}

/** A checkbox per theme, checked when `chosen` holds it (undefined: all). Empty without choices. */
export function renderThemeChoices(themes: readonly string[], chosen: readonly string[] | undefined): string {
  if (themes.length === 0) return '';
  const boxes = themes
    .map((theme) => {
      const checked = !chosen || chosen.includes(theme) ? ' checked' : '';
      return `<li><label><input type="checkbox" name="theme" value="${escapeHtml(theme)}"${checked}> ${escapeHtml(theme)}</label></li>`;
    })
    .join('\n');
  return `<fieldset class="choose-themes"><legend>${zhSubscription.themes}</legend>
<ul>
${boxes}
</ul>
</fieldset>`;
}
