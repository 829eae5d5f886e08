import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Nodemailer from 'nodemailer';
import type { SmtpSettings } from '../../config.js';
import { AppError, describeError } from '../../errors.js';
import { shortHash } from '../../util/hash.js';
import { requireCommonJs } from '../../util/require-cjs.js';
import { isHardSmtpFailure } from './bounces.js';
import { parseSkeleton, type MessageSkeleton, type ReaderParts } from './skeleton.js';

// Sending the digest: composing one RFC 5322 message per recipient and handing it to SMTP. The
// only importer of nodemailer. Sending never throws: it says whether a message was sent, may be
// sent on a later try (temporary), or never will be as things stand (permanent).

export interface DigestMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per digest and recipient, see digestMessageId. */
  messageId: string;
  date: Date;
  unsubscribe: { url?: string; mailto: string };
}

export type SendOutcome =
  | { status: 'sent'; response: string }
  | { status: 'temporary'; error: string; code?: number }
  /** `addressRefused`: the server refused the recipient's address itself, for good (isHardSmtpFailure). */
  | { status: 'permanent'; error: string; code?: number; addressRefused?: true };

/** A message composed for sending (composeMessage) with what its envelope needs. */
export interface ComposedMessage {
  from: string;
  to: string;
  raw: Buffer;
}

export interface Mailer {
  /** Composes a DigestMessage first; a ComposedMessage goes as it is. */
  send(message: DigestMessage | ComposedMessage): Promise<SendOutcome>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * nodemailer is loaded on first use, not with this module: a digest run that has nothing to send
 * or write never pays its start-up (0.1–0.3 s).
 */
function nodemailer(): typeof Nodemailer {
  return requireCommonJs('nodemailer') as typeof Nodemailer; // require() keeps it after the first call
}

/** Builds messages only (no network): nodemailer's stream transport, which also writes the List-* headers. */
let composer: ReturnType<typeof Nodemailer.createTransport> | undefined;
function messageComposer(): ReturnType<typeof Nodemailer.createTransport> {
  composer ??= nodemailer().createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer;
}

/**
 * The complete message: multipart/alternative with text/plain first, both UTF-8 in base64; 7-bit
 * headers; one List-Unsubscribe header naming the https URL (when given) and the mailto, and
 * List-Unsubscribe-Post only with an https URL (RFC 8058 one-click). Messages that share their
 * From, Subject and Date are filled into one skeleton composed for them all (skeleton.ts);
 * a reader's part that the skeleton cannot hold as it stands (an address that needs encoding) gets
 * the whole message composed for it.
 */
export async function composeMessage(message: DigestMessage): Promise<Buffer> {
  const parts = readerParts(message);
  if (!parts) return composeWhole(message);
  return (await skeletonFor(message)).fill(parts);
}

/** nodemailer's composition of the whole message: what a skeleton's fill must equal, the boundary aside. */
export async function composeWhole(message: DigestMessage): Promise<Buffer> {
  const info = await messageComposer().sendMail({
    from: message.from,
    to: message.to,
    subject: message.subject,
    date: message.date,
    messageId: message.messageId,
    // base64 keeps the size predictable (4/3): quoted-printable triples every CJK byte
    text: { content: message.text, contentTransferEncoding: 'base64' },
    html: { content: message.html, contentTransferEncoding: 'base64' },
    // nested: one header listing both URIs (a flat list would write one header per URI)
    list: { unsubscribe: [unsubscribeUris(message.unsubscribe)] },
    headers: isOneClick(message.unsubscribe) ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
  });
  if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer returned a stream where a buffer was asked for');
  return info.message;
}

function isOneClick(unsubscribe: DigestMessage['unsubscribe']): boolean {
  return unsubscribe.url !== undefined && unsubscribe.url.startsWith('https:');
}

function unsubscribeUris(unsubscribe: DigestMessage['unsubscribe']): string[] {
  return [...(isOneClick(unsubscribe) ? [unsubscribe.url as string] : []), mailtoUrl(unsubscribe.mailto)];
}

// What nodemailer writes as it is given: a dot-atom address with its domain in lower case (it
// lower-cases a domain), an id in angle brackets, and URIs of printable ASCII without the angle
// brackets that enclose them.
const PLAIN_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9.-]+$/;
const PLAIN_MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+>$/;
const PLAIN_URI = /^(?:https?|mailto):[\x21-\x3b\x3d\x3f-\x7e]+$/;

/** The reader's own parts of the message, when the skeleton can take them as they are. */
function readerParts(message: DigestMessage): ReaderParts | undefined {
  const uris = unsubscribeUris(message.unsubscribe);
  if (!PLAIN_ADDRESS.test(message.to) || !PLAIN_MESSAGE_ID.test(message.messageId) || !uris.every((uri) => PLAIN_URI.test(uri))) return undefined;
  return {
    fields: { To: message.to, 'Message-ID': message.messageId, 'List-Unsubscribe': uris.map((uri) => `<${uri}>`).join(', ') },
    text: message.text,
    html: message.html,
  };
}

/** Skeletons kept: a digest run uses one (the Date is the run's), the service a few at most. */
const SKELETONS_KEPT = 8;
const skeletons = new Map<string, Promise<MessageSkeleton>>();

/** The skeleton of the messages sharing this one's From, Subject, Date and kind of unsubscribing. */
function skeletonFor(message: DigestMessage): Promise<MessageSkeleton> {
  const oneClick = isOneClick(message.unsubscribe);
  const key = JSON.stringify([message.from, message.subject, message.date.getTime(), oneClick]);
  let skeleton = skeletons.get(key);
  if (!skeleton) {
    const token = (part: string) => `zk${part}${randomBytes(15).toString('hex')}`; // 33 characters: base64 without padding
    const tokens = { text: token('t'), html: token('h') };
    skeleton = composeWhole({
      ...message,
      to: 'reader@stand-in.invalid',
      messageId: '<stand-in@stand-in.invalid>',
      ...tokens,
      unsubscribe: { ...(oneClick ? { url: 'https://stand-in.invalid/' } : {}), mailto: 'mailto:stand-in@stand-in.invalid' },
    }).then((raw) => {
      const { foldLines } = mimeFuncs(); // resolved once: require() looks the path up on every call
      return parseSkeleton(raw, tokens, (line) => foldLines(line, 76));
    });
    // A failed composition is not kept: the next message tries again.
    skeleton.catch(() => skeletons.delete(key));
    skeletons.set(key, skeleton);
    if (skeletons.size > SKELETONS_KEPT) skeletons.delete(skeletons.keys().next().value as string);
  }
  return skeleton;
}

function mimeFuncs(): { foldLines(line: string, length?: number): string } {
  return requireCommonJs('nodemailer/lib/mime-funcs') as { foldLines(line: string, length?: number): string };
}

/** `<digest-2022-W20.<hash of recipient>@<domain of From>>`: the same for a resend, so no client shows it twice. */
export function digestMessageId(digestId: string, recipient: string, from: string): string {
  const domain = addressOf(from).split('@')[1] || 'localhost';
  return `<digest-${digestId.replace(/[^\w.-]/g, '-')}.${shortHash(recipient.trim().toLowerCase(), 16)}@${domain}>`;
}

/** Messages one pooled connection carries before it is closed and a fresh one opened. */
const MESSAGES_PER_CONNECTION = 100;

/**
 * A mailer that sends each message to its one recipient over a pool of `connections` SMTP
 * connections (one by default), each reused for up to 100 messages. The settings come checked and
 * resolved from the configuration (config/smtp.ts); `timeoutMs` limits the connect, the greeting
 * and each wait on the socket (30 s by default).
 */
export function createMailer(settings: SmtpSettings, options: { timeoutMs?: number; connections?: number } = {}): Mailer {
  const target = connectionOf(settings, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const pool = { pool: true, maxConnections: Math.max(1, options.connections ?? 1), maxMessages: MESSAGES_PER_CONNECTION } as const;
  let transport: ReturnType<typeof Nodemailer.createTransport> | undefined;
  return {
    async send(message) {
      const composed = 'raw' in message ? message : await composeForSending(message);
      if ('status' in composed) return composed;
      const { raw } = composed;
      try {
        transport ??= nodemailer().createTransport({ ...target.options, ...pool });
        const info = await transport.sendMail({ envelope: { from: addressOf(message.from), to: [addressOf(message.to)] }, raw });
        // nodemailer resolves when only some recipients are refused: with one recipient that means not sent
        const refused = info.rejectedErrors?.[0];
        if (info.rejected.length > 0 || info.accepted.length === 0) {
          return classify(refused ?? new Error(`${message.to} was not accepted: ${info.response}`), target);
        }
        return { status: 'sent', response: info.response };
      } catch (error) {
        return classify(error, target);
      }
    },
    close() {
      transport?.close();
    },
  };
}

/** The message composed once for all its attempts, or why it could not be. */
async function composeForSending(message: DigestMessage): Promise<ComposedMessage | SendOutcome> {
  try {
    return { from: message.from, to: message.to, raw: await composeMessage(message) };
  } catch (error) {
    return { status: 'permanent', error: `composing the message to ${message.to} failed: ${describeError(error)}` };
  }
}

/**
 * Composes the message, then sends it, retrying temporary failures with doubling pauses; a
 * permanent one is not retried. `beforeSend` runs once, after the composing and just before the
 * first attempt (a delivery is recorded as sending there), not when the message cannot be composed.
 */
export async function sendWithRetry(
  mailer: Mailer,
  message: DigestMessage,
  options: { attempts?: number; backoffMs?: number; sleep?: (ms: number) => Promise<void>; beforeSend?: () => Promise<void> } = {},
): Promise<SendOutcome & { attempts: number }> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let pause = options.backoffMs ?? 2000;
  const composed = await composeForSending(message);
  if ('status' in composed) return { ...composed, attempts: 1 };
  await options.beforeSend?.();
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await mailer.send(composed);
    if (outcome.status !== 'temporary' || attempt >= attempts) return { ...outcome, attempts: attempt };
    await sleep(pause);
    pause *= 2;
  }
}

interface Connection {
  /** host:port, for messages. */
  server: string;
  user?: string;
  password?: string;
  caFile?: string;
  options: {
    host: string;
    port: number;
    secure: boolean;
    requireTLS: boolean;
    auth?: { user: string; pass: string };
    tls: { ca?: string; minVersion: 'TLSv1.2' };
    connectionTimeout: number;
    greetingTimeout: number;
    socketTimeout: number;
    disableFileAccess: true;
    disableUrlAccess: true;
  };
}

/** nodemailer's options for the settings. */
function connectionOf(settings: SmtpSettings, timeout: number): Connection {
  const { host, port, secure, user, password } = settings;
  return {
    server: `${host}:${port}`,
    user,
    password,
    caFile: settings.caFile,
    options: {
      host,
      port,
      secure,
      requireTLS: settings.requireTls,
      ...(user && password ? { auth: { user, pass: password } } : {}),
      tls: { ...(settings.caFile ? { ca: readCaFile(settings.caFile) } : {}), minVersion: 'TLSv1.2' },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    },
  };
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `SMTP CA file ${path}: cannot be read (${describeError(error)})`, { cause: error });
  }
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);
const UNTRUSTED_CERTIFICATE =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate|certificate has expired|certificate is not yet valid|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID|certificate signature failure/i;

/** 4xx and connection trouble may pass; 5xx, bad credentials and an untrusted server will not. */
function classify(error: unknown, target: Connection): SendOutcome {
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpError;
  const detail = redact(failure.response ?? failure.message ?? describeError(error), target.password);
  const code = failure.responseCode;
  const at = `SMTP ${target.server}`;

  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH') {
    return {
      status: 'permanent',
      error: `${at}: authentication failed as "${target.user ?? ''}" (check smtp.user and SMTP_PASSWORD): ${detail}`,
      ...(code ? { code } : {}),
    };
  }
  if (UNTRUSTED_CERTIFICATE.test(`${failure.message ?? ''} ${failure.code ?? ''}`)) {
    const advice = target.caFile ? `the CA file ${target.caFile} does not vouch for it` : "set smtp.caFile to the server's CA certificate";
    return { status: 'permanent', error: `${at}: TLS certificate not trusted (${detail}); ${advice}` };
  }
  if (failure.code === 'ETLS' && !/closed unexpectedly/i.test(failure.message ?? '')) {
    return { status: 'permanent', error: `${at}: STARTTLS failed (${detail}); the server must offer TLS, or set smtp.requireTls to false` };
  }
  if (code !== undefined && code >= 500) {
    return { status: 'permanent', error: `${at}: ${detail}`, code, ...(isHardSmtpFailure(failure) ? { addressRefused: true as const } : {}) };
  }
  if (code !== undefined && code >= 400) return { status: 'temporary', error: `${at}: ${detail}`, code };
  if (failure.code && CONNECTION_CODES.has(failure.code)) return { status: 'temporary', error: `${at}: ${detail}` };
  // Unknown trouble: retried a few times, then reported; a later run tries again.
  return { status: 'temporary', error: `${at}: ${detail}`, ...(code ? { code } : {}) };
}

function redact(text: string, password: string | undefined): string {
  return password && password.length >= 3 ? text.split(password).join('***') : text;
}

function mailtoUrl(value: string): string {
  return value.startsWith('mailto:') ? value : `mailto:${value}`;
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function addressOf(value: string): string {
  return (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim();
}
