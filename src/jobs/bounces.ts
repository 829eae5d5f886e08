import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, describeError } from '../errors.js';
import { MAX_BOUNCE_BYTES, parseBounce, type BouncedRecipient } from '../output/mail/bounces.js';
import type { JobContext } from './context.js';

// `zhoukan bounces DIR`: delivery status notifications read from a Maildir. A hard bounce
// suppresses the address; a soft one is counted, and digest.softBounceLimit of them suppress it.
// Each message read is moved to cur/ with the Seen flag (Maildir's `:2,S`), so a rerun reads only
// what arrived since.

export interface BouncesSummary {
  /** Messages read in this run (bounce reports or not). */
  messages: number;
  hard: number;
  soft: number;
  /** Addresses suppressed by this run. */
  suppressed: number;
  /** Bounced addresses that are no subscriber of ours. */
  unknown: number;
  /** Messages that are no bounce report, or could not be read (each named in the log). */
  skipped: number;
}

export async function runBounces(context: JobContext, dir: string): Promise<BouncesSummary> {
  const summary: BouncesSummary = { messages: 0, hard: 0, soft: 0, suppressed: 0, unknown: 0, skipped: 0 };
  for (const message of await unreadMessages(dir)) {
    let bytes: Buffer;
    try {
      const info = await stat(message.path);
      if (!info.isFile()) continue;
      if (info.size > MAX_BOUNCE_BYTES) throw new Error(`${info.size} bytes: too large for a bounce report`);
      bytes = await readFile(message.path);
    } catch (error) {
      // Left where it is: the next run tries again.
      context.log.warn(`bounces: ${message.path}: cannot be read (${describeError(error)}); left for the next run`);
      summary.skipped += 1;
      continue;
    }
    summary.messages += 1;
    const report = await parseBounce(bytes, message.path);
    if ('reason' in report) {
      context.log.warn(`bounces: ${message.path}: skipped: ${report.reason}`);
      summary.skipped += 1;
    } else {
      for (const recipient of report.recipients) await record(recipient, context, summary);
    }
    await markSeen(dir, message);
  }
  return summary;
}

async function record(recipient: BouncedRecipient, context: JobContext, summary: BouncesSummary): Promise<void> {
  const { store, config, log, now } = context;
  const subscriber = await store.subscribers.get(recipient.address);
  const why = [recipient.status, recipient.diagnostic].filter(Boolean).join(' ') || recipient.action;
  if (recipient.kind === 'hard') summary.hard += 1;
  else summary.soft += 1;
  if (!subscriber) {
    summary.unknown += 1;
    log.info(`bounces: ${recipient.address} bounced (${recipient.kind}: ${why}) but is no subscriber`);
    return;
  }
  if (subscriber.suppressedAt) return;
  if (recipient.kind === 'hard') {
    await store.subscribers.suppress(recipient.address, `hard bounce: ${why}`, now);
    summary.suppressed += 1;
    log.info(`bounces: ${recipient.address}: hard bounce (${why}); suppressed`);
    return;
  }
  const count = await store.subscribers.countSoftBounce(recipient.address, now);
  if (count >= config.digest.softBounceLimit) {
    await store.subscribers.suppress(recipient.address, `${count} soft bounces, the last: ${why}`, now);
    summary.suppressed += 1;
    log.info(`bounces: ${recipient.address}: soft bounce ${count} of ${config.digest.softBounceLimit} (${why}); suppressed`);
  }
}

interface MaildirMessage {
  path: string;
  folder: 'new' | 'cur';
  name: string;
}

/** Messages of new/, and of cur/ without the Seen flag, by name. */
async function unreadMessages(dir: string): Promise<MaildirMessage[]> {
  const messages: MaildirMessage[] = [];
  let folders = 0;
  for (const folder of ['new', 'cur'] as const) {
    const names = await readdir(join(dir, folder)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new AppError('MAIL_BOUNCES', `bounces: cannot read ${join(dir, folder)}: ${describeError(error)}`, { cause: error });
    });
    if (!names) continue;
    folders += 1;
    for (const name of names.sort()) {
      if (name.startsWith('.') || (folder === 'cur' && flagsOf(name).includes('S'))) continue;
      messages.push({ path: join(dir, folder, name), folder, name });
    }
  }
  if (folders === 0) throw new AppError('MAIL_BOUNCES', `bounces: ${dir} is not a Maildir (it has no new/ or cur/ folder)`);
  return messages;
}

/** The flags of a Maildir name (`unique:2,FS` → `FS`). */
function flagsOf(name: string): string {
  return /:2,([A-Za-z]*)$/.exec(name)?.[1] ?? '';
}

/** cur/<unique>:2,<flags with S>, the flags kept in ASCII order as Maildir wants them. */
async function markSeen(dir: string, message: MaildirMessage): Promise<void> {
  const unique = message.name.replace(/:2,[A-Za-z]*$/, '');
  const flags = [...new Set([...flagsOf(message.name), 'S'])].sort().join('');
  await mkdir(join(dir, 'cur'), { recursive: true });
  await rename(message.path, join(dir, 'cur', `${unique}:2,${flags}`));
}
