import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pageMainContent } from '../clean/index.js';
import { AppError } from '../errors.js';
import type { Article, Digest } from '../model.js';
import { buildDigest } from '../output/digest/model.js';
import { renderDigestEmail, renderDigestPage, type DigestRenderOptions } from '../output/digest/render.js';
import { addressOf, composeMessage, createMailer, digestMessageId, sendWithRetry, type DigestMessage, type Mailer } from '../output/mail/mail.js';
import { digestWebCopyPath } from '../output/paths.js';
import { writeDigestArchive, writeDigestWebCopy } from '../output/write.js';
import type { DigestKind } from '../store/store.js';
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
  /** Deliveries of earlier digests finished in this run. */
  resumed: number;
}

const OUTBOX_FOLDER = 'outbox';

/** Builds the digest of what is new (or of a window), writes its web copy, and sends or stores it. */
export async function runDigest(context: JobContext, options: DigestOptions = {}): Promise<DigestRunSummary> {
  const { config, store, log, now } = context;
  const summary: DigestRunSummary = { articles: 0, themes: 0, omitted: 0, delivered: 0, deferred: 0, failed: 0, unsubscribed: 0, resumed: 0 };
  const sending = Boolean(config.smtp) && !options.dryRun;
  const sender: Sender | undefined =
    sending && config.smtp
      ? { mailer: createMailer(config.smtp), attempts: config.smtp.attempts, backoffMs: config.smtp.retryDelaySeconds * 1000 }
      : undefined;
  try {
    // Finish what an earlier run left (a crash, a deferral) before anything new is chosen.
    if (sender) summary.resumed = await resumeDeliveries(sender, context, summary);

    const window = windowOf(options, config.timeZone, now);
    const kind: DigestKind = options.to?.length ? 'preview' : window ? 'window' : 'regular';
    const throughRevision = await store.revision();
    const chosen = window
      ? await store.digests.publishedBetween(window.start, window.end, config.digest.maxArticles)
      : await store.digests.unsentArticles(await store.digests.lastRegularRevision(), config.digest.maxArticles);
    if (chosen.articles.length === 0) {
      log.info(window ? 'no article was published in that window' : 'nothing new since the last digest; nothing to send');
      return summary;
    }

    const digest = await composeDigest(chosen.articles, chosen.total - chosen.articles.length, context, {
      id: await store.digests.freeId(window?.id ?? isoWeekId(now, config.timeZone)),
      periodStart: window?.start ?? earliest(chosen.articles),
      periodEnd: window?.end ?? now,
    });
    Object.assign(summary, { digestId: digest.id, articles: digest.total, themes: digest.themes.length, omitted: digest.omitted });
    summary.webCopy = await writeWebCopy(digest, context);

    const recipients = options.to?.length ? options.to : config.digest.recipients;
    if (!sender) {
      summary.outbox = await writeOutbox(digest, recipients[0] ?? addressOf(config.digest.from), context);
      return summary;
    }
    const active: string[] = [];
    for (const recipient of recipients) if (!(await store.digests.isUnsubscribed(recipient))) active.push(recipient);
    summary.unsubscribed = recipients.length - active.length;
    if (active.length === 0) throw new AppError('MAIL_SEND', 'the digest has no recipient left to send to (see digest.recipients; unsubscribed ones are skipped)');
    await store.digests.create(
      {
        digest,
        kind,
        throughRevision,
        articleIds: kind === 'preview' ? [] : chosen.articles.map((article) => article.id),
        deliveries: active.map((recipient) => ({ recipient, messageId: digestMessageId(digest.id, recipient, config.digest.from) })),
      },
      now,
    );
    for (const delivery of await store.digests.deliveries(digest.id)) {
      await deliver(sender, digest, delivery.recipient, delivery.messageId, context, summary);
    }
    return summary;
  } finally {
    sender?.mailer.close();
  }
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
  for (const delivery of open) {
    const digest = await context.store.digests.get(delivery.digestId);
    if (!digest) continue;
    if (await context.store.digests.isUnsubscribed(delivery.recipient)) {
      await context.store.digests.markOutcome(delivery.digestId, delivery.recipient, 'failed', 'unsubscribed before delivery', context.now);
      continue;
    }
    context.log.info(`${digest.id}: resuming the delivery to ${delivery.recipient} (${delivery.status})`);
    await deliver(sender, digest, delivery.recipient, delivery.messageId, context, summary);
  }
  return open.length;
}

interface Sender {
  mailer: Mailer;
  attempts: number;
  backoffMs: number;
  /** Set once the server could not be reached: the remaining recipients are deferred without waiting. */
  unreachable?: string;
}

/** One recipient: recorded as sending before SMTP sees it, and with its outcome after. */
async function deliver(
  sender: Sender,
  digest: Digest,
  recipient: string,
  messageId: string,
  context: JobContext,
  summary: DigestRunSummary,
): Promise<void> {
  const { store, log, now } = context;
  if (sender.unreachable) {
    await store.digests.markOutcome(digest.id, recipient, 'deferred', sender.unreachable, now);
    summary.deferred += 1;
    log.warn(`${digest.id}: ${recipient}: deferred (${sender.unreachable}); the next run tries again`);
    return;
  }
  const message = messageFor(digest, recipient, messageId, context);
  await store.digests.markSending(digest.id, recipient, now);
  const outcome = await sendWithRetry(sender.mailer, message, { attempts: sender.attempts, backoffMs: sender.backoffMs });
  if (outcome.status === 'sent') {
    await store.digests.markOutcome(digest.id, recipient, 'sent', undefined, now);
    summary.delivered += 1;
  } else if (outcome.status === 'temporary') {
    await store.digests.markOutcome(digest.id, recipient, 'deferred', outcome.error, now);
    summary.deferred += 1;
    // No SMTP reply code: the server itself could not be reached, so the next recipient would not fare better.
    if (outcome.code === undefined) sender.unreachable = outcome.error;
    log.warn(`${digest.id}: ${recipient}: deferred after ${outcome.attempts} attempts (${outcome.error}); the next run tries again`);
  } else {
    await store.digests.markOutcome(digest.id, recipient, 'failed', outcome.error, now);
    summary.failed += 1;
    log.warn(`${digest.id}: ${recipient}: refused (${outcome.error}); not retried`);
  }
}

function messageFor(digest: Digest, recipient: string, messageId: string, context: JobContext): DigestMessage {
  const { config } = context;
  const rendered = renderDigestEmail(digest, {
    ...renderOptions(digest, context),
    unsubscribe: unsubscribeFor(recipient, context),
    preferencesUrl: preferencesUrlFor(recipient, config),
  });
  return {
    from: config.digest.from,
    to: recipient,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId,
    date: context.now,
    unsubscribe: unsubscribeFor(recipient, context),
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
  const message = messageFor(digest, recipient, digestMessageId(digest.id, recipient, context.config.digest.from), context);
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
