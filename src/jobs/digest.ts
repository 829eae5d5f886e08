import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pageMainContent } from '../clean/index.js';
import { AppError } from '../errors.js';
import type { Article, Digest } from '../model.js';
import { buildDigest } from '../output/digest/model.js';
import { renderDigestPage, renderEmailTemplate, themesFor, type DigestRenderOptions, type EmailTemplate } from '../output/digest/render.js';
import { addressOf, composeMessage, createMailer, digestMessageId, sendWithRetry, type DigestMessage, type Mailer } from '../output/mail/mail.js';
import { digestWebCopyPath } from '../output/paths.js';
import { writeDigestArchive, writeDigestWebCopy } from '../output/write.js';
import type { SmtpConfig } from '../config/smtp.js';
import { normalizeAddress } from '../store/address.js';
import type { Delivery, DigestKind, NewDigest } from '../store/store.js';
import { mapWithLimit } from '../util/pool.js';
import { createRateLimit } from '../util/rate.js';
import { groupInThisThread } from '../themes/grouper.js';
import { loadThemeModel } from '../themes/model-file.js';
import { writeFileAtomic } from '../util/fs.js';
import { isoWeekId, isoWeekRange } from '../util/time.js';
import { joinUrl } from '../util/url.js';
import { signRecipient } from '../util/token.js';
import { preferencesUrlFor } from '../subscribers/links.js';
import { themeChoices } from '../subscribers/themes.js';
import type { JobContext } from './context.js';

export interface DigestOptions {
  /** Render and write to the outbox, send nothing, record nothing. */
  dryRun?: boolean;
  /** A window of publication times instead of "what arrived since the last digest". */
  week?: string;
  since?: Date;
  until?: Date;
  /** Send to these instead of the configured recipients: a preview that holds no articles. */
  to?: string[];
  /** Finish the deliveries earlier runs left (default true); false when the instances are sending them. */
  resume?: boolean;
}

export interface DigestRunSummary {
  /** Undefined when there was nothing new to send. */
  digestId?: string;
  articles: number;
  themes: number;
  omitted: number;
  /** Where the e-mail was written when it was not sent (no SMTP, or --dry-run). */
  outbox?: string;
  webCopy?: string;
  delivered: number;
  deferred: number;
  failed: number;
  unsubscribed: number;
  /** Active subscribers skipped because their address bounced. */
  suppressed: number;
  /** Readers none of whose themes the digest holds: nothing was sent to them. */
  nothingFor: number;
  /** Addresses refused outright at send time in this run, and so suppressed. */
  bounced: number;
  /** E-mails rendered: one per set of themes, however many readers share it. */
  renders: number;
  /** Deliveries of earlier digests finished in this run. */
  resumed: number;
}

const OUTBOX_FOLDER = 'outbox';

function createSender(smtp: SmtpConfig, limits: { attempts?: number; timeoutMs?: number; deferRestWhenUnreachable?: boolean } = {}): Sender {
  return {
    deferRestWhenUnreachable: limits.deferRestWhenUnreachable ?? true,
    mailer: createMailer(smtp, { connections: smtp.connections, ...(limits.timeoutMs ? { timeoutMs: limits.timeoutMs } : {}) }),
    attempts: limits.attempts ?? smtp.attempts,
    backoffMs: smtp.retryDelaySeconds * 1000,
    connections: smtp.connections,
    rate: createRateLimit(smtp.ratePerSecond),
  };
}

export function emptyDigestSummary(): DigestRunSummary {
  return { articles: 0, themes: 0, omitted: 0, delivered: 0, deferred: 0, failed: 0, unsubscribed: 0, suppressed: 0, nothingFor: 0, bounced: 0, renders: 0, resumed: 0 };
}

/** Builds the digest of what is new (or of a window), writes its web copy, and sends or stores it. */
export async function runDigest(context: JobContext, options: DigestOptions = {}): Promise<DigestRunSummary> {
  const summary = emptyDigestSummary();
  const sender: Sender | undefined = context.config.smtp && !options.dryRun ? createSender(context.config.smtp) : undefined;
  try {
    // Finish what an earlier run left (a crash, a deferral) before anything new is chosen.
    if (sender && options.resume !== false) summary.resumed = await resumeDeliveries(sender, context, summary);
    const digestId = await recordDigest(context, { ...options, send: sender !== undefined }, summary);
    if (sender && digestId) await deliverAll(sender, await context.store.digests.deliveries(digestId), context, summary, { recheck: false });
    return summary;
  } finally {
    sender?.mailer.close();
  }
}

/**
 * Chooses the digest of what is new (or of a window) and writes its web copy. With `send`, records
 * it with a pending delivery per reader and returns its id, for the caller to deliver; without,
 * writes the e-mail to the outbox. Undefined when there was nothing to send.
 */
export async function recordDigest(context: JobContext, options: DigestOptions & { send: boolean }, summary: DigestRunSummary): Promise<string | undefined> {
  const { config, store, log, now } = context;
  const window = windowOf(options, config.timeZone, now);
  const kind: DigestKind = options.to?.length ? 'preview' : window ? 'window' : 'regular';
  const throughRevision = await store.revision();
  const chosen = window
    ? await store.digests.publishedBetween(window.start, window.end, config.digest.maxArticles)
    : await store.digests.unsentArticles(await store.digests.lastRegularRevision(), config.digest.maxArticles);
  if (chosen.articles.length === 0) {
    log.info(window ? 'no article was published in that window' : 'nothing new since the last digest; nothing to send');
    return undefined;
  }

  const digest = await composeDigest(chosen.articles, chosen.total - chosen.articles.length, context, {
    id: await store.digests.freeId(window?.id ?? isoWeekId(now, config.timeZone)),
    periodStart: window?.start ?? earliest(chosen.articles),
    periodEnd: window?.end ?? now,
  });
  // The word segmenter's thread is done: its memory goes back before thousands of messages are made.
  context.themes?.standDown();
  Object.assign(summary, { digestId: digest.id, articles: digest.total, themes: digest.themes.length, omitted: digest.omitted });
  summary.webCopy = await writeWebCopy(digest, context);

  if (!options.send) {
    const first = options.to?.[0] ?? config.digest.recipients[0] ?? addressOf(config.digest.from);
    summary.outbox = await writeOutbox(digest, first, context);
    return undefined;
  }
  const readers: Reader[] = options.to?.length ? options.to.map((address) => ({ address })) : await digestReaders(context, summary);
  const deliveries: NewDigest['deliveries'] = [];
  for (const reader of readers) {
    const themes = themesFor(digest, reader.themes);
    if (themes.length === 0) {
      summary.nothingFor += 1;
      continue;
    }
    const messageId = digestMessageId(digest.id, reader.address, config.digest.from);
    deliveries.push({ recipient: reader.address, messageId, ...(reader.themes ? { themes } : {}) });
  }
  if (summary.nothingFor > 0) log.info(`${digest.id}: nothing for ${summary.nothingFor} of ${readers.length} readers among the themes they chose; none sent to them`);
  if (readers.length === 0) {
    throw new AppError('MAIL_SEND', 'the digest has no recipient left to send to (no active subscriber; see digest.recipients; unsubscribed and suppressed ones are skipped)');
  }
  await store.digests.create(
    { digest, kind, throughRevision, articleIds: kind === 'preview' ? [] : chosen.articles.map((article) => article.id), deliveries },
    now,
  );
  return digest.id;
}

/** A reader of the digest and the themes they chose (all when absent). */
interface Reader {
  address: string;
  themes?: string[];
}

/**
 * Who gets a regular digest: the active subscribers that are not suppressed, with digest.recipients
 * first made subscribers (origin config, every theme) unless the archive already knows them.
 * Someone unsubscribed through the digest's own link stays so; an address the operator removed
 * from digest.recipients no longer gets the digest through it.
 */
async function digestReaders(context: JobContext, summary: DigestRunSummary): Promise<Reader[]> {
  const { store, config, now } = context;
  const configured = new Set(config.digest.recipients.map(normalizeAddress));
  for (const address of configured) {
    if (await store.subscribers.get(address)) continue;
    // One who unsubscribed before there were subscribers (an archive of an older version) stays so.
    const state = (await store.digests.isUnsubscribed(address)) ? 'unsubscribed' : 'active';
    await store.subscribers.put({ address, state, origin: 'config', createdAt: now, updatedAt: now, confirmedAt: now, softBounces: 0 });
  }
  // The subscriber's state is the truth: one who unsubscribed and subscribed again gets the digest.
  const readers: Reader[] = [];
  for (const subscriber of await store.subscribers.list(['active', 'unsubscribed'])) {
    if (subscriber.origin === 'config' && !configured.has(subscriber.address)) continue;
    if (subscriber.state === 'unsubscribed') {
      if (configured.has(subscriber.address)) summary.unsubscribed += 1;
    } else if (subscriber.suppressedAt) summary.suppressed += 1;
    else readers.push({ address: subscriber.address, ...(subscriber.themes ? { themes: subscriber.themes } : {}) });
  }
  return readers;
}

async function composeDigest(
  articles: Article[],
  omitted: number,
  context: JobContext,
  identity: { id: string; periodStart: Date; periodEnd: Date },
): Promise<Digest> {
  const model = loadThemeModel(context.config.themeModel, context.log);
  const themes = await (context.themes ?? groupInThisThread).group(
    articles.map((article) => ({ id: article.id, title: article.title, text: article.simplifiedText ?? article.text, published: article.published })),
    { ...(context.config.taxonomy ? { taxonomy: context.config.taxonomy } : {}), ...(model ? { model } : {}) },
  );
  return buildDigest({
    ...identity,
    createdAt: context.now,
    themes,
    articles: new Map(articles.map((article) => [article.id, article])),
    omitted,
    siteUrl: context.config.site.url,
  });
}

async function resumeDeliveries(sender: Sender, context: JobContext, summary: DigestRunSummary): Promise<number> {
  const open = await context.store.digests.openDeliveries();
  for (const delivery of open) context.log.info(`${delivery.digestId}: resuming the delivery to ${delivery.recipient} (${delivery.status})`);
  await deliverAll(sender, open, context, summary, { recheck: true });
  return open.length;
}

interface Sender {
  mailer: Mailer;
  attempts: number;
  backoffMs: number;
  connections: number;
  rate: { take(): Promise<void> };
  /** Whether, once the server could not be reached, the remaining recipients are deferred without trying. */
  deferRestWhenUnreachable: boolean;
  /** Set once the server could not be reached (when deferRestWhenUnreachable). */
  unreachable?: string;
}

/** E-mail templates kept at once; deliveries come sorted by their themes, so each is rendered once. */
const TEMPLATES_KEPT = 16;

/** The e-mail of each digest and set of themes, rendered once for all its readers (the newest few kept). */
class Templates {
  private readonly digests = new Map<string, Promise<Digest | undefined>>();
  private readonly templates = new Map<string, EmailTemplate>();

  constructor(
    private readonly context: JobContext,
    private readonly summary: DigestRunSummary,
  ) {}

  static keyOf(delivery: Delivery): string {
    return `${delivery.digestId}\n${delivery.themes ? delivery.themes.join('\n') : '*'}`;
  }

  async for(delivery: Delivery): Promise<{ digest: Digest; template: EmailTemplate } | undefined> {
    if (!this.digests.has(delivery.digestId)) this.digests.set(delivery.digestId, this.context.store.digests.get(delivery.digestId));
    const digest = await this.digests.get(delivery.digestId);
    if (!digest) return undefined;
    const key = Templates.keyOf(delivery);
    let template = this.templates.get(key);
    if (!template) {
      template = emailTemplate(digest, delivery.themes, this.context);
      this.summary.renders += 1;
      this.templates.set(key, template);
      if (this.templates.size > TEMPLATES_KEPT) this.templates.delete(this.templates.keys().next().value as string);
    }
    return { digest, template };
  }
}

/**
 * Sends deliveries over the sender's connections, as many at once as it has, each recorded as
 * sending just before SMTP sees it and with its outcome after. Deliveries are sorted by digest and
 * themes, so a template serves every reader of the same themes and only a few are kept: no more
 * than one message per connection is held, whatever the number of readers. `recheck`: an earlier
 * run chose them, so a reader who has since left or been suppressed is skipped.
 */
async function deliverAll(
  sender: Sender,
  deliveries: readonly Delivery[],
  context: JobContext,
  summary: DigestRunSummary,
  options: { recheck: boolean },
): Promise<void> {
  const keyOf = Templates.keyOf;
  const sorted = [...deliveries].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const templates = new Templates(context, summary);
  await mapWithLimit(sorted, sender.connections, (delivery) => deliverOnce(sender, templates, delivery, context, summary, options));
}

/** One delivery, unless its reader has left since it was chosen (`recheck`); how it ended. */
async function deliverOnce(
  sender: Sender,
  templates: Templates,
  delivery: Delivery,
  context: JobContext,
  summary: DigestRunSummary,
  options: { recheck: boolean },
): Promise<DeliveryOutcome | 'skipped'> {
  if (options.recheck) {
    const gone = await whyNotWanted(delivery.recipient, context);
    if (gone) {
      await context.store.digests.markOutcome(delivery.digestId, delivery.recipient, 'failed', gone, context.now);
      return 'skipped';
    }
  }
  const found = await templates.for(delivery);
  return found ? deliver(sender, found.digest, found.template, delivery, context, summary) : 'skipped';
}

/** Delivers one recorded delivery at a time, for a job queue: each call says how it ended. */
export interface Deliverer {
  /** 'done' when sent, refused for good, or no longer wanted; 'deferred' when the server said later. */
  deliver(digestId: string, recipient: string): Promise<'done' | 'deferred'>;
  close(): void;
}

/**
 * A deliverer over pooled SMTP connections that lives as long as the instance: a delivery already
 * sent (a job taken again after its instance died after sending) is not sent again; one recorded
 * as sending, whose instance died mid-send, is sent again under the same Message-ID. One attempt
 * per call, none longer than `timeoutMs` a step: the queue retries, and takes a job from an
 * instance only after it has had time to finish it.
 */
export function createDeliverer(context: () => JobContext, smtp: SmtpConfig, limits: { timeoutMs: number }): Deliverer {
  // Every job tries the server itself: the queue spaces out the retries of a deferred one.
  const sender = createSender(smtp, { attempts: 1, timeoutMs: limits.timeoutMs, deferRestWhenUnreachable: false });
  const summary = emptyDigestSummary();
  const templates = new Templates(context(), summary);
  return {
    async deliver(digestId, recipient) {
      const job = context();
      const delivery = await job.store.digests.delivery(digestId, recipient);
      if (!delivery || delivery.status === 'sent' || delivery.status === 'failed') return 'done';
      if (delivery.status === 'sending') job.log.warn(`${digestId}: ${recipient}: its sending was interrupted; sending again (it may arrive twice)`);
      return (await deliverOnce(sender, templates, delivery, job, summary, { recheck: true })) === 'deferred' ? 'deferred' : 'done';
    },
    close() {
      sender.mailer.close();
    },
  };
}

/** Why a delivery chosen earlier should no longer be made, if it should not. */
async function whyNotWanted(recipient: string, context: JobContext): Promise<string | undefined> {
  const subscriber = await context.store.subscribers.get(recipient);
  if (!subscriber) return (await context.store.digests.isUnsubscribed(recipient)) ? 'unsubscribed before delivery' : undefined;
  if (subscriber.suppressedAt) return `suppressed before delivery (${subscriber.suppressedReason ?? 'bounced'})`;
  if (subscriber.state !== 'active') return `${subscriber.state} before delivery`;
  return undefined;
}

type DeliveryOutcome = 'sent' | 'deferred' | 'failed';

/** One recipient: recorded as sending just before SMTP sees it (after composing), and with its outcome after. */
async function deliver(
  sender: Sender,
  digest: Digest,
  template: EmailTemplate,
  delivery: Delivery,
  context: JobContext,
  summary: DigestRunSummary,
): Promise<DeliveryOutcome> {
  const { store, log, now } = context;
  const { recipient } = delivery;
  if (sender.unreachable) {
    await store.digests.markOutcome(digest.id, recipient, 'deferred', sender.unreachable, now);
    summary.deferred += 1;
    log.warn(`${digest.id}: ${recipient}: deferred (${sender.unreachable}); the next run tries again`);
    return 'deferred';
  }
  const message = messageFor(template, recipient, delivery.messageId, context);
  const outcome = await sendWithRetry(sender.mailer, message, {
    attempts: sender.attempts,
    backoffMs: sender.backoffMs,
    // Once composed and its turn under the rate has come: the moment before SMTP sees it.
    beforeSend: async () => {
      await sender.rate.take();
      await store.digests.markSending(digest.id, recipient, now);
    },
  });
  if (outcome.status === 'sent') {
    await store.digests.markOutcome(digest.id, recipient, 'sent', undefined, now);
    summary.delivered += 1;
    return 'sent';
  }
  if (outcome.status === 'temporary') {
    await store.digests.markOutcome(digest.id, recipient, 'deferred', outcome.error, now);
    summary.deferred += 1;
    // No SMTP reply code: the server itself could not be reached, so the next recipient would not fare better.
    if (outcome.code === undefined && sender.deferRestWhenUnreachable) sender.unreachable = outcome.error;
    log.warn(`${digest.id}: ${recipient}: deferred after ${outcome.attempts} attempts (${outcome.error}); the next run tries again`);
    return 'deferred';
  }
  await store.digests.markOutcome(digest.id, recipient, 'failed', outcome.error, now);
  summary.failed += 1;
  if (outcome.addressRefused) {
    // A hard bounce: the address itself was refused; nothing is sent to it again.
    await store.subscribers.suppress(recipient, `hard bounce at send time: ${outcome.error}`, now);
    summary.bounced += 1;
    log.warn(`${digest.id}: ${recipient}: refused (${outcome.error}); suppressed, no digest goes to it again`);
  } else {
    log.warn(`${digest.id}: ${recipient}: refused (${outcome.error}); not retried`);
  }
  return 'failed';
}

/** The e-mail of the digest, or of the themes a delivery holds, rendered once for all who get it. */
function emailTemplate(digest: Digest, themes: readonly string[] | undefined, context: JobContext): EmailTemplate {
  const { config } = context;
  return renderEmailTemplate(
    digest,
    {
      ...renderOptions(digest, context),
      oneClick: unsubscribeFor('', context).url !== undefined,
      preferences: preferencesUrlFor('', config) !== undefined,
      unsubscribeMailto: config.digest.unsubscribeMailto,
    },
    themes,
  );
}

function messageFor(template: EmailTemplate, recipient: string, messageId: string, context: JobContext): DigestMessage {
  const { config } = context;
  const unsubscribe = unsubscribeFor(recipient, context);
  return {
    from: config.digest.from,
    to: recipient,
    subject: template.subject,
    ...template.fill(unsubscribe, preferencesUrlFor(recipient, config)),
    messageId,
    date: context.now,
    unsubscribe,
  };
}

/** The one-click https link only when the site is https and tokens can be signed; the mailto always. */
export function unsubscribeFor(recipient: string, context: Pick<JobContext, 'config'>): { url?: string; mailto: string } {
  const { config } = context;
  const mailto = `mailto:${config.digest.unsubscribeMailto}?subject=${encodeURIComponent(`unsubscribe ${recipient}`)}`;
  if (!config.site.url.startsWith('https:') || !config.unsubscribeSecret) return { mailto };
  const url = `${joinUrl(config.site.url, 'unsubscribe')}?t=${signRecipient(config.unsubscribeSecret, recipient)}`;
  return { url, mailto };
}

function renderOptions(digest: Digest, context: JobContext): DigestRenderOptions {
  const { config } = context;
  return {
    site: { url: config.site.url, title: config.site.title },
    timeZone: config.timeZone,
    webCopyUrl: joinUrl(config.site.url, digestWebCopyPath(digest.id)),
    entriesPerTheme: config.digest.entriesPerTheme,
  };
}

/** The web copy, then the digest archive that lists it. */
async function writeWebCopy(digest: Digest, context: JobContext): Promise<string> {
  const { config } = context;
  const path = join(config.output, digestWebCopyPath(digest.id));
  await writeDigestWebCopy(path, renderDigestPage(digest, renderOptions(digest, context)));
  await writeDigestArchive({ dir: config.output, site: { ...config.site, signupThemes: themeChoices(config) }, pageContent: pageMainContent });
  return path;
}

/** Without SMTP (or with --dry-run) the e-mail is written out as .html, .txt and a complete .eml. */
async function writeOutbox(digest: Digest, recipient: string, context: JobContext): Promise<string> {
  const folder = join(context.config.data, OUTBOX_FOLDER, digest.id);
  await mkdir(folder, { recursive: true });
  const message = messageFor(emailTemplate(digest, undefined, context), recipient, digestMessageId(digest.id, recipient, context.config.digest.from), context);
  await writeFileAtomic(join(folder, 'digest.html'), message.html);
  await writeFileAtomic(join(folder, 'digest.txt'), message.text);
  await writeFileAtomic(join(folder, 'digest.eml'), await composeMessage(message));
  return folder;
}

function windowOf(options: DigestOptions, zone: string, now: Date): { id: string; start: Date; end: Date } | undefined {
  if (options.week) {
    const range = isoWeekRange(options.week, zone);
    if (!range) throw new AppError('USAGE', `--week: "${options.week}" is not an ISO week like 2022-W20`);
    return { id: options.week, ...range };
  }
  if (!options.since && !options.until) return undefined;
  const start = options.since ?? new Date(0);
  const end = options.until ?? now;
  if (start >= end) throw new AppError('USAGE', '--since must be before --until');
  return { id: isoWeekId(end, zone), start, end };
}

function earliest(articles: Article[]): Date {
  return new Date(Math.min(...articles.map((article) => article.published.getTime())));
}
