import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { addressOf, composeMessage, createMailer, sendWithRetry, type DigestMessage, type Mailer } from '../output/mail/mail.js';
import { renderConfirmationMail, renderManageMail, type SubscriptionMail } from '../output/subscription/email.js';
import { describeThemes } from '../output/subscription/pages.js';
import { describeSchedule } from '../output/subscription/schedule.js';
import type { Store, Subscriber } from '../store/store.js';
import { confirmationUrl, preferencesUrl, signConfirmation, signPreferences, verifyConfirmation, type Confirmation } from '../subscribers/links.js';
import { writeFileAtomic } from '../util/fs.js';
import { shortHash } from '../util/hash.js';
import type { Log } from '../util/log.js';
import { signRecipient } from '../util/token.js';
import { joinUrl } from '../util/url.js';
import { UNSUBSCRIBE_PATH } from '../output/paths.js';

// Signing up, confirming and changing a subscription: what the server's routes do once a request
// is read and checked. Nothing here changes a subscription without a click on a link that only
// the address's owner received, except what the operator allows (digest.doubleOptIn false).

export interface SubscriptionContext {
  config: Readonly<Config>;
  store: Store;
  log: Log;
  /** The key of the signed links (subscribers/links.ts subscriptionSecret). */
  secret: string;
  now: Date;
  /** Sends (or writes to the outbox) one mail; never throws. */
  mail: MailSender;
}

export type MailSender = (to: string, mail: SubscriptionMail, options?: { oneClickUnsubscribe?: boolean }) => Promise<void>;

/** What a signup did, for the log and the tests; the reader is told the same whatever it is. */
export type SignupOutcome = 'confirmation sent' | 'manage mail sent' | 'subscribed' | 'throttled' | 'suppressed';

/**
 * A signup from the form. A new, pending or departed address gets a confirmation link (at most one
 * mail per signup.resendMinutes); an active or paused one keeps its themes and gets at most a mail
 * with its preference link. `mail` is what is left to send: the caller answers first, so the
 * answer takes as long whatever the address.
 */
export async function signUp(context: SubscriptionContext, address: string, themes: string[] | undefined): Promise<{ outcome: SignupOutcome; mail?: () => Promise<void> }> {
  const { config, store, now } = context;
  await expirePendingSignups(context);
  const existing = await store.subscribers.get(address);
  if (existing?.suppressedAt) return { outcome: 'suppressed' };
  const resendMs = config.signup.resendMinutes * 60_000;

  if (existing && (existing.state === 'active' || existing.state === 'paused')) {
    if (!(await store.subscribers.claimConfirmation(address, now, resendMs))) return { outcome: 'throttled' };
    const url = preferencesUrl(config.site.url, signPreferences(context.secret, address));
    return { outcome: 'manage mail sent', mail: () => context.mail(address, renderManageMail({ site: config.site, url })) };
  }
  // Without double opt-in an unknown (or never confirmed) address is subscribed at once; one that
  // left is asked again, so nobody else can undo someone's leaving.
  if (!config.digest.doubleOptIn && existing?.state !== 'unsubscribed') {
    await store.subscribers.put(subscribed(address, themes, existing, now));
    return { outcome: 'subscribed' };
  }
  if (!existing || existing.state === 'pending') {
    await store.subscribers.put({
      address,
      state: 'pending',
      ...(themes ? { themes } : {}),
      origin: 'form',
      // A new signup restarts the time a pending one is kept: as long as its newest link.
      createdAt: now,
      updatedAt: now,
      ...(existing?.confirmationSentAt ? { confirmationSentAt: existing.confirmationSentAt } : {}),
      softBounces: existing?.softBounces ?? 0,
    });
  }
  if (!(await store.subscribers.claimConfirmation(address, now, resendMs))) return { outcome: 'throttled' };
  const expires = new Date(now.getTime() + config.signup.pendingDays * 24 * 3600_000);
  const url = confirmationUrl(config.site.url, signConfirmation(context.secret, { address, themes, expires }));
  const mail = renderConfirmationMail({
    site: config.site,
    url,
    themes: describeThemes(themes),
    schedule: describeSchedule(config.schedule.digest, config.timeZone),
    days: config.signup.pendingDays,
  });
  return { outcome: 'confirmation sent', mail: () => context.mail(address, mail) };
}

/** Forgets signups never confirmed within signup.pendingDays. */
export async function expirePendingSignups(context: Pick<SubscriptionContext, 'config' | 'store' | 'log' | 'now'>): Promise<number> {
  const before = new Date(context.now.getTime() - context.config.signup.pendingDays * 24 * 3600_000);
  const expired = await context.store.subscribers.expirePending(before);
  if (expired > 0) context.log.info(`forgot ${expired} signups never confirmed within ${context.config.signup.pendingDays} days`);
  return expired;
}

export type ConfirmResult = { status: 'invalid' | 'expired' } | { status: 'confirmed' | 'already'; subscriber: Subscriber };

/** Reads a confirmation link; changes nothing. */
export function readConfirmation(context: Pick<SubscriptionContext, 'secret' | 'now'>, token: string): Confirmation | 'expired' | undefined {
  return verifyConfirmation(context.secret, token, context.now);
}

/** The click on a confirmation link: the address becomes active with the themes it chose, once. */
export async function confirmSubscription(context: SubscriptionContext, token: string): Promise<ConfirmResult> {
  const confirmation = readConfirmation(context, token);
  if (confirmation === undefined) return { status: 'invalid' };
  if (confirmation === 'expired') return { status: 'expired' };
  const existing = await context.store.subscribers.get(confirmation.address);
  // A link confirmed twice (or after a change on the preference page) changes nothing.
  if (existing && (existing.state === 'active' || existing.state === 'paused')) return { status: 'already', subscriber: existing };
  const subscriber = subscribed(confirmation.address, confirmation.themes, existing, context.now);
  await context.store.subscribers.put(subscriber);
  context.log.info(`subscribed ${confirmation.address} (confirmed)`);
  return { status: 'confirmed', subscriber };
}

export type PreferenceAction = { kind: 'themes'; themes: string[] | undefined } | { kind: 'pause' | 'resume' | 'unsubscribe' | 'resubscribe' };

/**
 * A change on the preference page (its link is signed for the address). An address that has no
 * record (a recipient of the config, or one the operator removed) gets one.
 */
export async function changeSubscription(context: Omit<SubscriptionContext, 'mail'>, address: string, action: PreferenceAction): Promise<Subscriber> {
  const { store, config, now } = context;
  const existing = (await store.subscribers.get(address)) ?? {
    address,
    state: 'active' as const,
    origin: config.digest.recipients.some((recipient) => recipient.toLowerCase() === address) ? ('config' as const) : ('form' as const),
    createdAt: now,
    updatedAt: now,
    confirmedAt: now,
    softBounces: 0,
  };
  const { themes: _themes, ...rest } = existing;
  let next: Subscriber = { ...existing, updatedAt: now };
  switch (action.kind) {
    case 'themes':
      next = { ...rest, ...(action.themes ? { themes: action.themes } : {}), updatedAt: now };
      break;
    case 'pause':
      if (existing.state === 'active') next.state = 'paused';
      break;
    case 'resume':
      if (existing.state === 'paused') next.state = 'active';
      break;
    case 'unsubscribe':
      next.state = 'unsubscribed';
      await store.digests.unsubscribe(address, 'preferences', now);
      break;
    case 'resubscribe':
      next = { ...next, state: 'active', confirmedAt: now };
      break;
  }
  await store.subscribers.put(next);
  context.log.info(`${address}: ${action.kind}${action.kind === 'themes' ? ` ${describeThemes(action.themes)}` : ''}`);
  return next;
}

/** The record of an address that has just subscribed, keeping what the archive knew of it. */
function subscribed(address: string, themes: string[] | undefined, existing: Subscriber | undefined, now: Date): Subscriber {
  const { themes: _themes, ...kept } = existing ?? { softBounces: 0, origin: 'form' as const, createdAt: now };
  return { ...kept, address, state: 'active', ...(themes ? { themes } : {}), updatedAt: now, confirmedAt: now };
}

/**
 * Sends subscription mails through the configured SMTP server, or without one writes each to
 * data/outbox/subscriptions/ as a complete .eml (as the digest is), and says where.
 */
export function createSubscriptionMailer(config: Readonly<Config>, log: Log): { send: MailSender; close(): void } {
  let mailer: Mailer | undefined;
  const send: MailSender = async (to, mail) => {
    const message: DigestMessage = {
      from: config.digest.from,
      to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: `<signup-${shortHash(`${to}\n${Date.now()}\n${Math.random()}`, 16)}@${addressOf(config.digest.from).split('@')[1] || 'localhost'}>`,
      date: new Date(),
      unsubscribe: unsubscribeLinks(config, to),
    };
    try {
      if (!config.smtp) {
        const folder = join(config.data, 'outbox', 'subscriptions');
        await mkdir(folder, { recursive: true });
        const file = join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${shortHash(to, 8)}.eml`);
        await writeFileAtomic(file, await composeMessage(message));
        log.info(`no SMTP server configured: the mail to ${to} ("${mail.subject}") was written to ${file}`);
        return;
      }
      mailer ??= createMailer(config.smtp);
      const outcome = await sendWithRetry(mailer, message, { attempts: config.smtp.attempts, backoffMs: config.smtp.retryDelaySeconds * 1000 });
      if (outcome.status !== 'sent') log.warn(`the mail to ${to} ("${mail.subject}") was not sent: ${outcome.error}`);
    } catch (error) {
      log.error(`the mail to ${to} ("${mail.subject}") could not be sent or written: ${describeError(error)}`);
    }
  };
  return { send, close: () => mailer?.close() };
}

/** Leaving from the mail itself: one-click https when the site is https and the secret configured. */
function unsubscribeLinks(config: Readonly<Config>, to: string): DigestMessage['unsubscribe'] {
  const mailto = `mailto:${config.digest.unsubscribeMailto}?subject=${encodeURIComponent(`unsubscribe ${to}`)}`;
  if (!config.site.url.startsWith('https:') || !config.unsubscribeSecret) return { mailto };
  return { url: `${joinUrl(config.site.url, UNSUBSCRIBE_PATH)}?t=${signRecipient(config.unsubscribeSecret, to)}`, mailto };
}
