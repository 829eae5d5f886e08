import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig, type SmtpSettings } from '../../../src/config.js';
import { AppError } from '../../../src/errors.js';
import { renderDigestEmail } from '../../../src/output/digest/render.js';
import { composeMessage, composeWhole, createMailer, digestMessageId, sendWithRetry, type DigestMessage, type Mailer } from '../../../src/output/mail/mail.js';
import { HTTPS_UNSUBSCRIBE, MAILTO_UNSUBSCRIBE, RENDER_OPTIONS, sampleDigest } from '../../support/digest-sample.js';
import { checkSummary, startMailsink, type Mailsink } from '../../support/mailsink.js';
import { PROJECT_ROOT, runCli, SHARED } from '../../support/cli.js';
import { freePort, selfSignedCertificate, startSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { lacks, needs } from '../../support/requirements.js';

const FROM = '周刊 <digest@news.example.com>';
const TO = 'reader@example.org';

function digestMessage(unsubscribe: DigestMessage['unsubscribe'] = HTTPS_UNSUBSCRIBE, to = TO): DigestMessage {
  const rendered = renderDigestEmail(sampleDigest(), { ...RENDER_OPTIONS, unsubscribe });
  return {
    from: FROM,
    to,
    ...rendered,
    messageId: digestMessageId('2022-W20', to, FROM),
    date: new Date('2022-05-23T08:00:00+08:00'),
    unsubscribe,
  };
}

/** The header block, unfolded: one entry per field. */
function headerFields(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ').split('\r\n');
}

const fieldsNamed = (raw: Buffer, name: string) => headerFields(raw).filter((field) => field.toLowerCase().startsWith(`${name.toLowerCase()}:`));
const noSleep = async () => {};

describe('composeMessage', () => {
  test('writes multipart/alternative, text/plain first, UTF-8, 7-bit headers and the Chinese subject', async () => {
    const message = digestMessage();
    const raw = await composeMessage(message);
    const text = raw.toString('latin1');
    const headerBlock = raw.subarray(0, raw.indexOf('\r\n\r\n'));
    expect([...headerBlock].every((byte) => byte < 0x80)).toBe(true);
    expect(fieldsNamed(raw, 'Content-Type')[0]).toMatch(/^Content-Type: multipart\/alternative;/);
    const plainAt = text.indexOf('Content-Type: text/plain; charset=utf-8');
    const htmlAt = text.indexOf('Content-Type: text/html; charset=utf-8');
    expect(plainAt).toBeGreaterThan(0);
    expect(htmlAt).toBeGreaterThan(plainAt);
    expect(fieldsNamed(raw, 'Subject')[0]).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/i);
    expect(Math.max(...text.split('\r\n').map((line) => line.length))).toBeLessThanOrEqual(998);

    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('【周刊】2022年第20周 · 中小企业与民营经济等 12 篇');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.text?.trimEnd()).toBe(message.text.trimEnd());
    expect(parsed.html).toBe(message.html);
    expect(parsed.date?.toISOString()).toBe('2022-05-23T00:00:00.000Z');
  });

  test('writes one List-Unsubscribe with the https URL and the mailto, and the one-click header', async () => {
    const raw = await composeMessage(digestMessage(HTTPS_UNSUBSCRIBE));
    const unsubscribe = fieldsNamed(raw, 'List-Unsubscribe');
    expect(unsubscribe).toEqual([`List-Unsubscribe: <${HTTPS_UNSUBSCRIBE.url}>, <${HTTPS_UNSUBSCRIBE.mailto}>`]);
    expect(fieldsNamed(raw, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
  });

  test('writes no List-Unsubscribe-Post without an https URL', async () => {
    const raw = await composeMessage(digestMessage(MAILTO_UNSUBSCRIBE));
    expect(fieldsNamed(raw, 'List-Unsubscribe')).toEqual(['List-Unsubscribe: <mailto:unsubscribe@news.example.com>']);
    expect(fieldsNamed(raw, 'List-Unsubscribe-Post')).toEqual([]);
    const parsed = await simpleParser(raw);
    expect(parsed.headerLines.filter((line) => line.key === 'list-unsubscribe-post')).toEqual([]);
  });

  /** The message with its MIME boundary named BOUNDARY, and the boundary it had. */
  const withoutBoundary = (raw: Buffer) => {
    const text = raw.toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(text)?.[1] ?? '';
    expect(boundary).not.toBe('');
    return { text: text.split(boundary).join('BOUNDARY'), boundary };
  };

  test("readers of the same e-mail share one skeleton, and each message is nodemailer's whole composition of it byte for byte", async () => {
    // Body lengths through every remainder of a base64 line (57 bytes) and of its groups (3 bytes),
    // Chinese and ASCII mixed; short and long URIs (folded), both kinds of unsubscribing.
    const date = new Date('2022-05-23T08:00:00+08:00');
    const boundaries = new Set<string>();
    let compared = 0;
    for (const oneClick of [true, false]) {
      for (let length = 0; length <= 120; length += 1) {
        const to = `reader.${'x'.repeat(length)}+tag@example.org`;
        const message: DigestMessage = {
          from: FROM,
          to,
          subject: '【周刊】2022年第20周 · 股市、楼市等 12 篇',
          date,
          messageId: digestMessageId('2022-W20', to, FROM),
          text: `${'周刊'.repeat(length % 7)}${'a'.repeat(length)}\n退订：mailto:unsubscribe@news.example.com`,
          html: `<p>${'新闻'.repeat(length)}</p>${'<br>'.repeat(length % 5)}`,
          unsubscribe: {
            ...(oneClick ? { url: `https://news.example.com/unsubscribe?t=${'T'.repeat(length * 2)}` } : {}),
            mailto: `mailto:unsubscribe@news.example.com?subject=${encodeURIComponent(`unsubscribe ${to}`)}`,
          },
        };
        const filled = withoutBoundary(await composeMessage(message));
        const whole = withoutBoundary(await composeWhole(message));
        expect(filled.text).toBe(whole.text);
        boundaries.add(filled.boundary);
        compared += 1;
      }
    }
    expect(compared).toBe(242);
    // One skeleton for each kind of unsubscribing: the messages were filled in, not composed.
    expect(boundaries.size).toBe(2);
  });

  test('an address nodemailer would rewrite gets the whole composition, as nodemailer writes it', async () => {
    const shared = withoutBoundary(await composeMessage(digestMessage(HTTPS_UNSUBSCRIBE, 'one@example.org'))).boundary;
    expect(withoutBoundary(await composeMessage(digestMessage(HTTPS_UNSUBSCRIBE, 'two@example.org'))).boundary).toBe(shared);
    const raw = await composeMessage(digestMessage(HTTPS_UNSUBSCRIBE, 'Reader@Example.ORG'));
    expect(withoutBoundary(raw).boundary).not.toBe(shared);
    expect(fieldsNamed(raw, 'To')).toEqual(['To: Reader@example.org']);
  });

  test('gives each digest and recipient a stable Message-ID', () => {
    const id = digestMessageId('2022-W20', 'Reader@Example.org ', FROM);
    expect(id).toMatch(/^<digest-2022-W20\.[0-9a-f]{16}@news\.example\.com>$/);
    expect(digestMessageId('2022-W20', 'reader@example.org', FROM)).toBe(id);
    expect(digestMessageId('2022-W20', 'other@example.org', FROM)).not.toBe(id);
  });
});

describe('createMailer with a loopback SMTP server', () => {
  let server: TestSmtpServer | undefined;
  let mailer: Mailer | undefined;
  let certDir: string;
  let certificate: Awaited<ReturnType<typeof selfSignedCertificate>>;

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'zhoukan-smtp-tls-'));
    certificate = await selfSignedCertificate(certDir);
  });
  afterAll(async () => {
    await rm(certDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    mailer?.close();
    mailer = undefined;
    await server?.close();
    server = undefined;
  });

  /** Settings as the configuration resolves them for a loopback server. */
  const loopback = (port: number): SmtpSettings => ({ host: '127.0.0.1', port, secure: false, requireTls: false });
  const connect = (settings: SmtpSettings) => createMailer(settings, { timeoutMs: 5000 });

  test('delivers the message as composed, to the one recipient', async () => {
    server = await startSmtpServer();
    mailer = connect(loopback(server.port));
    const message = digestMessage();
    const outcome = await mailer.send(message);
    expect(outcome.status).toBe('sent');
    expect(server.messages).toHaveLength(1);
    const received = server.messages[0]!;
    expect(received.from).toBe('digest@news.example.com');
    expect(received.to).toEqual([TO]);
    const parsed = await simpleParser(received.raw);
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.headerLines.filter((line) => line.key === 'list-unsubscribe')).toHaveLength(1);
    expect(parsed.headerLines.filter((line) => line.key === 'list-unsubscribe-post').map((line) => line.line)).toEqual([
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ]);
    expect(parsed.headers.get('list')).toMatchObject({ unsubscribe: { url: HTTPS_UNSUBSCRIBE.url, mail: 'unsubscribe@news.example.com?subject=unsubscribe' } });
    expect(parsed.html).toBe(message.html);
  });

  test('server down: temporary', async () => {
    mailer = connect(loopback(await freePort()));
    const outcome = await mailer.send(digestMessage());
    expect(outcome.status).toBe('temporary');
    expect(outcome.status !== 'sent' && outcome.error).toMatch(/ECONNREFUSED/);
  });

  test('4xx at RCPT, then accepted: sent on the second attempt', async () => {
    server = await startSmtpServer({ onRcpt: (_address, attempt) => (attempt === 1 ? { code: 450, message: '4.2.0 Mailbox busy, try later' } : undefined) });
    mailer = connect(loopback(server.port));
    const pauses: number[] = [];
    const outcome = await sendWithRetry(mailer, digestMessage(), { sleep: async (ms) => void pauses.push(ms) });
    expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(pauses).toEqual([2000]);
    expect(server.messages).toHaveLength(1);
  });

  test('beforeSend runs once, after the composing and before the first attempt, not again for a retry', async () => {
    server = await startSmtpServer({ onRcpt: (_address, attempt) => (attempt === 1 ? { code: 450, message: '4.2.0 Mailbox busy, try later' } : undefined) });
    mailer = connect(loopback(server.port));
    const seen: number[] = [];
    const outcome = await sendWithRetry(mailer, digestMessage(), { sleep: noSleep, beforeSend: async () => void seen.push(server!.messages.length) });
    expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(seen).toEqual([0]);
  });

  test('4xx every time: temporary after all attempts, pauses doubling', async () => {
    server = await startSmtpServer({ onRcpt: () => ({ code: 451, message: '4.3.0 Try again later' }) });
    mailer = connect(loopback(server.port));
    const pauses: number[] = [];
    const outcome = await sendWithRetry(mailer, digestMessage(), { attempts: 3, backoffMs: 100, sleep: async (ms) => void pauses.push(ms) });
    expect(outcome).toMatchObject({ status: 'temporary', attempts: 3, code: 451 });
    expect(pauses).toEqual([100, 200]);
  });

  test('5xx at RCPT: permanent, not retried', async () => {
    server = await startSmtpServer({ onRcpt: () => ({ code: 550, message: '5.1.1 No such user' }) });
    mailer = connect(loopback(server.port));
    const outcome = await sendWithRetry(mailer, digestMessage(), { sleep: noSleep });
    expect(outcome).toMatchObject({ status: 'permanent', attempts: 1, code: 550, addressRefused: true });
    expect(outcome.status !== 'sent' && outcome.error).toMatch(/No such user/);
  });

  test('5xx after DATA for the content: permanent, but no word against the address', async () => {
    server = await startSmtpServer({ onData: () => ({ code: 554, message: '5.7.1 Message rejected as spam' }) });
    mailer = connect(loopback(server.port));
    const outcome = await mailer.send(digestMessage());
    expect(outcome).toMatchObject({ status: 'permanent', code: 554 });
    expect(outcome).not.toHaveProperty('addressRefused');
  });

  test('4xx after DATA: temporary', async () => {
    server = await startSmtpServer({ onData: () => ({ code: 451, message: '4.3.0 Queue full' }) });
    mailer = connect(loopback(server.port));
    const outcome = await mailer.send(digestMessage());
    expect(outcome).toMatchObject({ status: 'temporary', code: 451 });
    expect(server.messages).toHaveLength(0);
  });

  test('AUTH: the right password sends, a wrong one is permanent and says authentication', async () => {
    server = await startSmtpServer({ auth: { user: 'digest', password: 'right-password' } });
    mailer = connect({ ...loopback(server.port), user: 'digest', password: 'right-password' });
    expect((await mailer.send(digestMessage())).status).toBe('sent');
    expect(server.messages[0]?.user).toBe('digest');
    mailer.close();

    mailer = connect({ ...loopback(server.port), user: 'digest', password: 'wrong-password' });
    const outcome = await sendWithRetry(mailer, digestMessage(), { sleep: noSleep });
    expect(outcome).toMatchObject({ status: 'permanent', attempts: 1 });
    expect(outcome).not.toHaveProperty('addressRefused');
    expect(outcome.status !== 'sent' && outcome.error).toMatch(/authentication/i);
    expect(outcome.status !== 'sent' && outcome.error).not.toContain('wrong-password');
    expect(server.messages).toHaveLength(1);
  });

  test('AUTH with the user of SMTP_URL and the password of SMTP_PASSWORD, as the configuration resolves them', async () => {
    server = await startSmtpServer({ auth: { user: 'digest@example.test', password: 'p@ss:word' } });
    const config = loadConfig({ sources: [] }, { SMTP_URL: `smtp://digest%40example.test@127.0.0.1:${server.port}`, SMTP_PASSWORD: 'p@ss:word' }, certDir);
    mailer = connect(config.smtp as SmtpSettings);
    expect((await mailer.send(digestMessage())).status).toBe('sent');
    expect(server.messages[0]?.user).toBe('digest@example.test');
  });

  test('STARTTLS with a self-signed certificate: refused without the CA file, sent with it', async () => {
    server = await startSmtpServer({ tls: { key: certificate.key, cert: certificate.cert } });
    mailer = connect({ ...loopback(server.port), requireTls: true });
    const untrusted = await sendWithRetry(mailer, digestMessage(), { sleep: noSleep });
    expect(untrusted).toMatchObject({ status: 'permanent', attempts: 1 });
    expect(untrusted.status !== 'sent' && untrusted.error).toMatch(/certificate/i);
    expect(untrusted.status !== 'sent' && untrusted.error).toMatch(/caFile/);
    mailer.close();

    mailer = connect({ ...loopback(server.port), requireTls: true, caFile: certificate.certFile });
    expect((await mailer.send(digestMessage())).status).toBe('sent');
    expect(server.messages[0]?.secure).toBe(true);
  });

  test('STARTTLS required but not offered: permanent', async () => {
    server = await startSmtpServer();
    mailer = connect({ ...loopback(server.port), requireTls: true });
    const outcome = await mailer.send(digestMessage());
    expect(outcome.status).toBe('permanent');
    expect(outcome.status !== 'sent' && outcome.error).toMatch(/STARTTLS|TLS/);
  });

  test('a CA file gone since the configuration was loaded is a configuration error', () => {
    const settings = { ...loopback(25), caFile: join(certDir, 'missing.pem') };
    expect(() => createMailer(settings)).toThrow(AppError);
    expect(() => createMailer(settings)).toThrow(/missing\.pem/);
  });
});

// Postfix, through the shared mailsink tool, where it is installed; then a sink that cannot start
// is a failure, not a skip.
describe.skipIf(lacks(needs.mailsink, 'a digest through mailsink (Postfix on 127.0.0.1)'))('through mailsink (Postfix on 127.0.0.1)', () => {
  let sink: Mailsink | undefined;
  let startError: unknown;

  beforeAll(async () => {
    try {
      sink = await startMailsink();
    } catch (error) {
      startError = error;
    }
  });
  afterAll(async () => {
    await sink?.stop();
  });

  test('a digest sent by `zhoukan digest` passes every mailsink check', async () => {
    if (!sink) throw new Error(`mailsink is installed but did not start: ${String(startError)}`);
    // As in production: an https site, one-click unsubscribe, STARTTLS required and verified.
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-mailsink-digest-'));
    await writeFile(
      join(dir, 'zhoukan.config.json'),
      JSON.stringify({
        site: { url: 'https://news.example.org/' },
        sources: [join(PROJECT_ROOT, 'seeds'), join(SHARED, 'corpus/rsshub-page')],
        digest: { recipients: ['reader@example.org'], from: '周刊 <digest@news.example.org>' },
        smtp: { host: '127.0.0.1', port: sink.port, requireTls: true, caFile: sink.certFile },
      }),
    );
    const sent = await runCli(['digest'], { cwd: dir, env: { ZHOUKAN_UNSUBSCRIBE_SECRET: 'a-secret-for-the-test' } });
    expect(sent.stdout, sent.stderr).toMatch(/digest \S+ \(18 articles in \d+ themes\) sent to 1, deferred 0, failed 0/);
    const waited = await sink.run(['wait', '1', '30']);
    expect(waited.code, waited.output).toBe(0);
    const check = await sink.run(['check', 'last']);
    expect(checkSummary(check.output), check.output).toMatch(/^\d+ passed, 0 failed$/);
    expect(check.code, check.output).toBe(0);
    expect(check.output).toMatch(/received by the sink over TLS/);
  });
});
