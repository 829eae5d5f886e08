import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedMail, simpleParser as SimpleParser } from 'mailparser';
import { AppError, describeError } from '../../errors.js';
import { requireCommonJs } from '../../util/require-cjs.js';

// Bounces: what the mail system says became of the digests sent. The only importer of mailparser.
//
// readBounceMaildir(dir) reads every message of a Maildir (new/ and cur/; tmp/ holds messages
// still being written) and returns one BounceReport per delivery status notification (RFC 3464):
// - `recipients`: each recipient the notification says failed or is delayed. `address` is the
//   address we sent to: the Original-Recipient (the ORCPT we gave, or the MTA's record of the
//   envelope recipient) when there is one, else the Final-Recipient (which a forward may have
//   changed). `kind` is 'hard' for a permanent failure (Status 5.x.x; Action: failed without a
//   Status) and 'soft' for a transient one (Status 4.x.x, or Action: delayed): a message that
//   expired in the queue after 4.x.x deferrals is failed but soft. Recipients reported delivered,
//   relayed or expanded are left out. `status` is the enhanced code as written (5.1.1), so a
//   caller can be stricter (5.7.x is often a policy or spam block rather than a dead address);
//   `diagnostic` is the remote server's reply (Diagnostic-Code) when given.
// - `reportId`: the notification's own Message-ID, so a caller that reads the folder again (this
//   module only reads; moving or deleting files is the caller's) counts no report twice.
// - `originalMessageId`: the Message-ID of the message that bounced, from the returned message
//   (message/rfc822) or its headers (text/rfc822-headers); `digestId` the digest it belonged to,
//   when the Message-ID is one digestMessageId (mail.ts) made.
// Anything else (an auto-reply, a DSN without a failed or delayed recipient, an unreadable or
// malformed file) is returned in `skipped` with the file and the reason; one bad message never
// stops the rest. Only a folder that is no Maildir throws.
//
// isHardSmtpFailure(error) says whether an error nodemailer gave at send time means the address
// itself is refused for good, e.g. `550 5.1.1 User unknown` at RCPT TO; the mailer (mail.ts) marks
// such a permanent SendOutcome `addressRefused`.

export type BounceKind = 'hard' | 'soft';

export interface BouncedRecipient {
  /** The address the message was sent to (Original-Recipient, else Final-Recipient). */
  address: string;
  /** Where the MTA last tried to deliver it (Final-Recipient). */
  finalRecipient: string;
  action: 'failed' | 'delayed';
  /** The enhanced status code (RFC 3463), e.g. 5.1.1; absent when the report gives none. */
  status?: string;
  kind: BounceKind;
  /** The reason as the remote server or the MTA gave it (Diagnostic-Code without its type). */
  diagnostic?: string;
  /** The server that answered (Remote-MTA without its type). */
  remoteMta?: string;
}

export interface BounceReport {
  /** The message's file: the Maildir's path joined with new/… or cur/…. */
  file: string;
  /** The notification's own Message-ID: what tells a report already counted from a new one. */
  reportId?: string;
  recipients: BouncedRecipient[];
  /** Message-ID of the message that bounced, with its angle brackets. */
  originalMessageId?: string;
  /** The digest the bounced message was, when it was one of ours. */
  digestId?: string;
  /** Original-Envelope-Id: the ENVID the sender gave (RFC 3461), if any. */
  envelopeId?: string;
  /** The MTA that wrote the report (Reporting-MTA without its type). */
  reportingMta?: string;
}

export interface SkippedMessage {
  file: string;
  reason: string;
}

export interface BounceScan {
  /** In file order: new/ then cur/, by name. */
  reports: BounceReport[];
  skipped: SkippedMessage[];
}

/** A bounce is a few KB; Postfix returns at most 50 KB of the message. Bigger files are no bounce. */
export const MAX_BOUNCE_BYTES = 10 * 1024 * 1024;

const MAILDIR_FOLDERS = ['new', 'cur'] as const;
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const RETURNED_MESSAGE_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);
/** An enhanced status code (RFC 3463) at the start of a Status field. */
const STATUS_CODE = /^\s*([245])\.(\d{1,3})\.(\d{1,3})\b/;
/** The enhanced status code after the basic reply code of an SMTP reply: `550 5.1.1 …`, `550-5.1.1 …`. */
const REPLY_STATUS_CODE = /^\s*\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** Reads every message in the Maildir `dir`. Throws only when `dir` has neither new/ nor cur/. */
export async function readBounceMaildir(dir: string): Promise<BounceScan> {
  const files: string[] = [];
  let folders = 0;
  for (const folder of MAILDIR_FOLDERS) {
    const names = await readdir(join(dir, folder)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new AppError('MAIL_BOUNCES', `bounces: cannot read ${join(dir, folder)}: ${describeError(error)}`, { cause: error });
    });
    if (!names) continue;
    folders += 1;
    // Names starting with a dot are no messages (Maildir++ folders, editors' files).
    for (const name of names.filter((entry) => !entry.startsWith('.')).sort()) files.push(join(dir, folder, name));
  }
  if (folders === 0) throw new AppError('MAIL_BOUNCES', `bounces: ${dir} is not a Maildir (it has no new/ or cur/ folder)`);

  const scan: BounceScan = { reports: [], skipped: [] };
  for (const file of files) {
    const result = await readBounceFile(file);
    if ('reason' in result) scan.skipped.push(result);
    else scan.reports.push(result);
  }
  return scan;
}

async function readBounceFile(file: string): Promise<BounceReport | SkippedMessage> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { file, reason: 'not a file' };
    if (info.size > MAX_BOUNCE_BYTES) return { file, reason: `${info.size} bytes: too large for a bounce (over ${MAX_BOUNCE_BYTES})` };
    return await parseBounce(await readFile(file), file);
  } catch (error) {
    return { file, reason: `unreadable: ${describeError(error)}` };
  }
}

/** One message, as readBounceMaildir reads it; `file` names it in the result. */
export async function parseBounce(source: Buffer | string, file: string): Promise<BounceReport | SkippedMessage> {
  if (source.length === 0) return { file, reason: 'an empty file' };
  let mail: ParsedMail;
  try {
    mail = await simpleParser()(source, {
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch (error) {
    return { file, reason: `not a readable e-mail message: ${describeError(error)}` };
  }
  const statusPart = mail.attachments.find((part) => DELIVERY_STATUS_TYPES.has(part.contentType.toLowerCase()));
  if (!statusPart) {
    const type = mail.headers.get('content-type');
    const typeName = typeof type === 'object' && type !== null && 'value' in type ? String(type.value) : 'text/plain';
    return { file, reason: `not a delivery status notification (${typeName}${mail.subject ? `, subject "${mail.subject}"` : ''}): no message/delivery-status part` };
  }
  const [perMessage = new Map<string, string>(), ...perRecipient] = fieldGroups(statusPart.content.toString('utf8'));
  const recipients = perRecipient.map(bouncedRecipient).filter((recipient): recipient is BouncedRecipient => recipient !== undefined);
  if (recipients.length === 0) {
    const actions = perRecipient.map((fields) => fields.get('action') ?? 'no action').join(', ');
    return { file, reason: `a delivery status notification with no failed or delayed recipient (${actions || 'no recipient fields'})` };
  }
  const returned = mail.attachments.find((part) => RETURNED_MESSAGE_TYPES.has(part.contentType.toLowerCase()));
  const originalMessageId = returned ? messageIdOf(returned.content.toString('utf8')) : undefined;
  const digestId = originalMessageId ? digestIdOfMessageId(originalMessageId) : undefined;
  const envelopeId = perMessage.get('original-envelope-id');
  const reportingMta = typedValue(perMessage.get('reporting-mta'));
  return {
    file,
    ...(mail.messageId ? { reportId: mail.messageId } : {}),
    recipients,
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(digestId ? { digestId } : {}),
    ...(envelopeId ? { envelopeId } : {}),
    ...(reportingMta ? { reportingMta } : {}),
  };
}

/** A per-recipient group as a failed or delayed recipient; undefined for any other action. */
function bouncedRecipient(fields: Map<string, string>): BouncedRecipient | undefined {
  const action = fields.get('action')?.toLowerCase().split(/[\s(]/)[0];
  if (action !== 'failed' && action !== 'delayed') return undefined;
  const finalRecipient = addressValue(fields.get('final-recipient'));
  const originalRecipient = addressValue(fields.get('original-recipient'));
  const address = originalRecipient ?? finalRecipient;
  if (!address || !finalRecipient) return undefined;
  const status = STATUS_CODE.exec(fields.get('status') ?? '')?.[0].trim();
  const kind: BounceKind = action === 'delayed' ? 'soft' : status ? (status.startsWith('5') ? 'hard' : 'soft') : 'hard';
  const diagnostic = typedValue(fields.get('diagnostic-code'));
  const remoteMta = typedValue(fields.get('remote-mta'));
  return {
    address,
    finalRecipient,
    action,
    ...(status ? { status } : {}),
    kind,
    ...(diagnostic ? { diagnostic } : {}),
    ...(remoteMta ? { remoteMta } : {}),
  };
}

/**
 * The groups of header-style fields of a message/delivery-status body (RFC 3464 2.1): the
 * per-message fields, then one group per recipient, separated by blank lines. Names lower-cased,
 * folded lines unfolded; the first of a repeated field wins.
 */
function fieldGroups(body: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  for (const block of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = headerFields(block);
    if (fields.size > 0) groups.push(fields);
  }
  return groups;
}

/** Header fields of a block (a header section or a DSN group): unfolded, names lower-cased. */
function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n')) {
    const match = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const name = match[1].toLowerCase();
    if (!fields.has(name)) fields.set(name, (match[2] ?? '').trim());
  }
  return fields;
}

/** `rfc822; alice@example.org` → `alice@example.org`; `smtp; 550 …` → `550 …`. */
function typedValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const separator = value.indexOf(';');
  const text = (separator >= 0 ? value.slice(separator + 1) : value).trim();
  return text || undefined;
}

/** A recipient field's address: `rfc822; <alice@example.org>` → `alice@example.org`. */
function addressValue(value: string | undefined): string | undefined {
  return typedValue(value)?.replace(/^<(.*)>$/, '$1').trim() || undefined;
}

/** The Message-ID in the header section of a returned message (or of its headers alone). */
function messageIdOf(message: string): string | undefined {
  const normalized = message.replace(/\r\n?/g, '\n');
  const end = normalized.indexOf('\n\n');
  const value = headerFields(end >= 0 ? normalized.slice(0, end) : normalized).get('message-id');
  return /<[^<>\s]+>/.exec(value ?? '')?.[0];
}

/** The digest id in a Message-ID that digestMessageId (mail.ts) made: `<digest-2022-W20.<hash>@host>`. */
export function digestIdOfMessageId(messageId: string): string | undefined {
  return /^<digest-(.+)\.[0-9a-f]{16}@[^<>@\s]+>$/.exec(messageId.trim())?.[1];
}

/** What nodemailer puts on an SMTP error (a refused recipient: code EENVELOPE, command RCPT TO). */
export interface SmtpFailure {
  responseCode?: number;
  response?: string;
  command?: string;
  code?: string;
}

/** Replies about the session, not the recipient: authentication, TLS. */
const SESSION_REPLY_CODES = new Set([530, 534, 535, 538]);
const SESSION_COMMANDS = /^(?:CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM)\b/i;
/** Enhanced status classes that speak of the address itself: 5.0 unknown, 5.1 address, 5.2 mailbox, 5.4 routing. */
const ADDRESS_SUBJECTS = new Set(['0', '1', '2', '4']);

/**
 * True when an SMTP error at send time refuses the address for good: a 5xx reply to the
 * recipient or the message (RCPT TO, DATA), whose enhanced status code, if any, is about the
 * address, its mailbox or its routing (5.0.x, 5.1.x, 5.2.x, 5.4.x). False for 4xx, for no reply
 * (a connection failure), for refusals of the session (authentication, TLS, the sender) and for
 * 5.3.x/5.5.x/5.6.x/5.7.x (the system, the protocol, the content, policy): those are no proof that
 * the address is dead, and suppressing it would lose a reader.
 */
export function isHardSmtpFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const failure = error as SmtpFailure;
  const code = failure.responseCode;
  if (typeof code !== 'number' || code < 500 || code > 599) return false;
  if (SESSION_REPLY_CODES.has(code) || (failure.command !== undefined && SESSION_COMMANDS.test(failure.command))) return false;
  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH' || failure.code === 'ETLS') return false;
  const enhanced = REPLY_STATUS_CODE.exec(failure.response ?? '');
  if (!enhanced) return true;
  return enhanced[1] === '5' && ADDRESS_SUBJECTS.has(enhanced[2] ?? '');
}

/** mailparser, loaded on first use (a run that reads no bounces never pays for it). */
function simpleParser(): typeof SimpleParser {
  return (requireCommonJs('mailparser') as { simpleParser: typeof SimpleParser }).simpleParser;
}
