import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { changeSubscription, confirmSubscription, readConfirmation, signUp, type MailSender, type PreferenceAction, type SubscriptionContext } from '../jobs/subscription.js';
import { CONFIRM_PATH, PREFERENCES_PATH, SUBSCRIBE_PATH } from '../output/paths.js';
import { HONEYPOT_FIELD } from '../output/site/signup-form.js';
import { actionForm, describeThemes, linkParagraph, renderPreferencesPage, renderSubscriptionPage } from '../output/subscription/pages.js';
import { describeSchedule } from '../output/subscription/schedule.js';
import { zhSubscription } from '../output/zh.js';
import type { Store } from '../store/store.js';
import { checkAddress } from '../subscribers/address.js';
import { preferencesUrl, signPreferences, subscriptionSecret, verifyPreferences } from '../subscribers/links.js';
import { selectThemes, themeChoices } from '../subscribers/themes.js';
import type { Log } from '../util/log.js';
import { clientAddress, clientKey, RateLimiter } from './rate-limit.js';
import { readForm, sendPage, tokenOf } from './respond.js';
import type { RouteHandler } from './server.js';

// The routes of signing up and managing a subscription:
//   POST /subscribe           the site's form: the same answer whatever the address (no enumeration),
//                             limited per client, a honeypot; mail goes out after the answer
//   GET|POST /confirm?t=      the confirmation link: GET shows what one gets and a button (mail
//                             scanners follow links), POST subscribes
//   GET|POST /preferences?t=  themes, pause and resume, unsubscribe

/** A signup form is a few hundred bytes. */
const MAX_FORM = 8 * 1024;

export interface SubscriptionRoutesContext {
  config: Readonly<Config>;
  store: Store;
  log: Log;
  /** Sends the subscription mails (jobs/subscription.ts createSubscriptionMailer). */
  mail: MailSender;
  now?: () => Date;
}

export function subscriptionRoutes(context: SubscriptionRoutesContext): Record<string, RouteHandler> {
  const { config, log } = context;
  const now = context.now ?? (() => new Date());
  const limiter = new RateLimiter(config.signup);
  const choices = themeChoices(config);
  let secret: Promise<string> | undefined;
  const subscriptionContext = async (): Promise<SubscriptionContext> => ({
    config,
    store: context.store,
    log,
    mail: context.mail,
    secret: await (secret ??= subscriptionSecret(config, context.store)),
    now: now(),
  });
  const page = (title: string, paragraphs: string[], extra = '') => renderSubscriptionPage(config.site, title, paragraphs, extra);

  const subscribe: RouteHandler = async (request, response) => {
    // A reload or a bookmark of the answer page: back to the form.
    if (request.method === 'GET' || request.method === 'HEAD') return void response.writeHead(303, { Location: './#signup' }).end();
    if (request.method !== 'POST') return void response.writeHead(405, { Allow: 'GET, HEAD, POST' }).end();
    const client = clientKey(clientAddress(request, config.signup.trustProxy));
    const admission = limiter.take(client, now().getTime());
    if (!admission.allowed) {
      const minutes = Math.ceil(admission.retryAfterSeconds / 60);
      return sendPage(response, 429, page(zhSubscription.tooManyTitle, [zhSubscription.tooManyBody(minutes)]), {
        headers: { 'Retry-After': String(admission.retryAfterSeconds) },
      });
    }
    const form = await readForm(request, MAX_FORM);
    if (!form) return sendPage(response, 413, page(zhSubscription.badAddressTitle, [zhSubscription.badAddressBody]));
    const answer = config.digest.doubleOptIn
      ? page(zhSubscription.sentTitle, [zhSubscription.sentBody])
      : page(zhSubscription.instantTitle, [zhSubscription.instantBody]);
    // A bot filled the field people cannot see: the same answer, nothing stored, nothing sent.
    if ((form.get(HONEYPOT_FIELD) ?? '') !== '') {
      log.info(`signup with the honeypot filled from ${client}: ignored`);
      return sendPage(response, 200, answer);
    }
    const checked = checkAddress(form.get('address') ?? '');
    if ('problem' in checked) return sendPage(response, 400, page(zhSubscription.badAddressTitle, [zhSubscription.badAddressBody]));
    const selection = selectThemes(form.getAll('theme'), choices);
    if ('problem' in selection) return sendPage(response, 400, page(zhSubscription.noThemeTitle, [zhSubscription.noThemeBody]));

    const result = await signUp(await subscriptionContext(), checked.address, selection.themes);
    log.info(`signup of ${checked.address}: ${result.outcome}`);
    sendPage(response, 200, answer);
    // After the answer: how long a mail takes must not tell who is subscribed.
    if (result.mail) result.mail().catch((error: unknown) => log.error(`signup mail to ${checked.address}: ${describeError(error)}`));
  };

  const confirm: RouteHandler = async (request, response) => {
    if (!['GET', 'HEAD', 'POST'].includes(request.method ?? '')) return void response.writeHead(405, { Allow: 'GET, HEAD, POST' }).end();
    const token = tokenOf(request);
    const subscription = await subscriptionContext();
    const confirmation = readConfirmation(subscription, token);
    if (confirmation === undefined) return sendPage(response, 400, page(zhSubscription.invalidTitle, [zhSubscription.invalidBody]));
    if (confirmation === 'expired') return sendPage(response, 410, page(zhSubscription.expiredTitle, [zhSubscription.expiredBody]));
    const what = [
      zhSubscription.whatYouGet(describeThemes(confirmation.themes)),
      zhSubscription.whenYouGet(describeSchedule(config.schedule.digest, config.timeZone)),
    ];
    if (request.method !== 'POST') {
      const button = actionForm(`?t=${token}`, zhSubscription.confirmButton, {});
      return sendPage(response, 200, page(zhSubscription.confirmTitle, [zhSubscription.confirmBody(confirmation.address), ...what], button), {
        headOnly: request.method === 'HEAD',
      });
    }
    await readForm(request, MAX_FORM);
    const result = await confirmSubscription(subscription, token);
    if (!('subscriber' in result)) return sendPage(response, 400, page(zhSubscription.invalidTitle, [zhSubscription.invalidBody]));
    const manage = linkParagraph(zhSubscription.managePrompt, preferencesUrl(config.site.url, signPreferences(subscription.secret, result.subscriber.address)), zhSubscription.manageLink);
    if (result.status === 'already') return sendPage(response, 200, page(zhSubscription.alreadyTitle, [zhSubscription.alreadyBody(result.subscriber.address)], manage));
    sendPage(response, 200, page(zhSubscription.confirmedTitle, [zhSubscription.confirmedBody(result.subscriber.address), ...what], manage));
  };

  const preferences: RouteHandler = async (request, response) => {
    if (!['GET', 'HEAD', 'POST'].includes(request.method ?? '')) return void response.writeHead(405, { Allow: 'GET, HEAD, POST' }).end();
    const token = tokenOf(request);
    const subscription = await subscriptionContext();
    const address = verifyPreferences(subscription.secret, token);
    if (!address) return sendPage(response, 400, page(zhSubscription.invalidTitle, [zhSubscription.invalidBody]));
    const self = `?t=${token}`;
    if (request.method === 'POST') {
      const form = await readForm(request, MAX_FORM);
      const action = form && actionOf(form, choices);
      if (action === 'no theme') return sendPage(response, 400, page(zhSubscription.noThemeTitle, [zhSubscription.noThemeBody]));
      if (action) {
        const changed = await changeSubscription(subscription, address, action);
        const back = `<p><a href="${self}">${zhSubscription.backToPreferences}</a></p>`;
        return sendPage(response, 200, donePage(action, changed.address, changed.themes, page, back));
      }
    }
    const subscriber = await context.store.subscribers.get(address);
    const state = subscriber?.state ?? (config.digest.recipients.some((recipient) => recipient.toLowerCase() === address) ? 'active' : 'unsubscribed');
    const html = renderPreferencesPage(config.site, {
      address,
      state,
      suppressed: Boolean(subscriber?.suppressedAt),
      themes: subscriber?.themes,
      choices,
      action: self,
    });
    sendPage(response, request.method === 'POST' ? 400 : 200, html, { headOnly: request.method === 'HEAD' });
  };

  return { [`/${SUBSCRIBE_PATH}`]: subscribe, [`/${CONFIRM_PATH}`]: confirm, [`/${PREFERENCES_PATH}`]: preferences };
}

function actionOf(form: URLSearchParams, choices: readonly string[]): PreferenceAction | 'no theme' | undefined {
  const kind = form.get('action');
  if (kind === 'themes') {
    const selection = selectThemes(form.getAll('theme'), choices);
    return 'problem' in selection ? 'no theme' : { kind, themes: selection.themes };
  }
  if (kind === 'pause' || kind === 'resume' || kind === 'unsubscribe' || kind === 'resubscribe') return { kind };
  return undefined;
}

function donePage(
  action: PreferenceAction,
  address: string,
  themes: readonly string[] | undefined,
  page: (title: string, paragraphs: string[], extra?: string) => string,
  back: string,
): string {
  switch (action.kind) {
    case 'themes':
      return page(zhSubscription.savedTitle, [zhSubscription.savedBody(describeThemes(themes))], back);
    case 'pause':
      return page(zhSubscription.pausedTitle, [zhSubscription.pausedBody], back);
    case 'resume':
    case 'resubscribe':
      return page(zhSubscription.resumedTitle, [zhSubscription.resumedBody], back);
    case 'unsubscribe':
      return page(zhSubscription.unsubscribedTitle, [zhSubscription.unsubscribedBody(address)], back);
  }
}
