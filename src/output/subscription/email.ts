import { escapeHtml } from '../../util/text.js';
import { zh, zhSubscription } from '../zh.js';

// The mails of signing up: the confirmation (double opt-in) and, to an address already subscribed,
// the way to its preference page. HTML with inline styles (clients drop <style>) and plain text.

export interface SubscriptionMail {
  subject: string;
  html: string;
  text: string;
}

const BUTTON =
  'display:inline-block;padding:10px 24px;background:#b4232a;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;';
const BODY = 'margin:0;padding:24px;background:#ffffff;color:#1f2328;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:16px;line-height:1.8;';
const NOTE = 'color:#5f6670;font-size:13px;';

export function renderConfirmationMail(input: { site: { title: string; url: string }; url: string; themes: string; schedule: string; days: number }): SubscriptionMail {
  const { site } = input;
  const lines = [zhSubscription.confirmMailIntro(site.title), zhSubscription.whatYouGet(input.themes), zhSubscription.whenYouGet(input.schedule)];
  return render(zhSubscription.confirmSubject(site.title), site, lines, zhSubscription.confirmMailAction, input.url, zhSubscription.confirmButton, [
    zhSubscription.confirmMailExpiry(input.days),
    zhSubscription.confirmMailIgnore,
  ]);
}

export function renderManageMail(input: { site: { title: string; url: string }; url: string }): SubscriptionMail {
  const { site } = input;
  return render(zhSubscription.manageSubject(site.title), site, [zhSubscription.manageMailIntro(site.title)], zhSubscription.manageMailAction, input.url, zhSubscription.manageLink, [
    zhSubscription.manageMailIgnore,
  ]);
}

function render(
  subject: string,
  site: { title: string; url: string },
  lines: string[],
  action: string,
  url: string,
  button: string,
  notes: string[],
): SubscriptionMail {
  const html = `<!doctype html>
<html lang="${zh.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="${BODY}">
<div style="max-width:560px;margin:0 auto;">
<p style="margin:0 0 16px;font-size:18px;font-weight:bold;"><a href="${escapeHtml(site.url)}" style="color:#1f2328;text-decoration:none;">${escapeHtml(site.title)}</a></p>
${lines.map((line) => `<p style="margin:0 0 12px;">${escapeHtml(line)}</p>`).join('\n')}
<p style="margin:0 0 12px;">${escapeHtml(action)}</p>
<p style="margin:0 0 20px;"><a href="${escapeHtml(url)}" style="${BUTTON}">${escapeHtml(button)}</a></p>
<p style="margin:0 0 12px;${NOTE}word-break:break-all;"><a href="${escapeHtml(url)}" style="color:#5f6670;">${escapeHtml(url)}</a></p>
${notes.map((note) => `<p style="margin:0 0 8px;${NOTE}">${escapeHtml(note)}</p>`).join('\n')}
</div>
</body>
</html>
`;
  const text = `${site.title}\n\n${lines.join('\n')}\n\n${action}\n${url}\n\n${notes.join('\n')}\n\n-- \n${site.url}\n`;
  return { subject, html, text };
}
