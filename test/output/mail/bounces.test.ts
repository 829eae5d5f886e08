import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { digestIdOfMessageId, isHardSmtpFailure, readBounceMaildir, type BounceReport } from '../../../src/output/mail/bounces.js';
import { digestMessageId } from '../../../src/output/mail/mail.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js';

// Bounces read from a real Maildir of real messages: test/fixtures/dsn/postfix/ are Postfix's own
// notifications (see the README there), other/ hand-checked ones in the shapes Exim, Sendmail and
// Exchange write, not-bounces/ what must be skipped.

const FIXTURES = fileURLToPath(new URL('../../fixtures/dsn/', import.meta.url));

/** A Maildir holding the given fixture folders: messages in new/, and some already seen in cur/. */
async function maildirOf(...folders: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-bounces-'));
  for (const sub of ['new', 'cur', 'tmp']) await mkdir(join(dir, sub));
  for (const folder of folders) {
    for (const name of await readdir(join(FIXTURES, folder))) {
      if (!name.endsWith('.eml')) continue;
      // Maildir names: unique in new/, with flags (":2,S", seen) in cur/; some of each.
      const seen = /^[es]/.test(name);
      const target = seen ? join(dir, 'cur', `${folder}-${name}:2,S`) : join(dir, 'new', `${folder}-${name}`);
      await cp(join(FIXTURES, folder, name), target);
    }
  }
  return dir;
}

/** The reports by their file in the Maildir, without their own Message-ID (checked apart). */
function byFile(reports: readonly BounceReport[], dir: string): Record<string, Omit<BounceReport, 'file' | 'reportId'>> {
  return Object.fromEntries(reports.map(({ file, reportId: _reportId, ...report }) => [file.slice(dir.length + 1), report]));
}

describe('readBounceMaildir', () => {
  it("reads Postfix's own notifications: hard, soft, delayed, several recipients, headers only", async () => {
    const dir = await maildirOf('postfix');
    const scan = await readBounceMaildir(dir);
    expect(scan.skipped).toEqual([]);
    const postfix = { reportingMta: 'mailsink.localhost' };
    expect(byFile(scan.reports, dir)).toEqual({
      'new/postfix-no-domain-headers-only.eml': {
        ...postfix,
        // The ORCPT we gave, as we gave it; the headers alone came back (text/rfc822-headers).
        recipients: [
          {
            address: 'Bob@NoDomain.test',
            finalRecipient: 'bob@nodomain.test',
            action: 'failed',
            status: '5.1.2',
            kind: 'hard',
            diagnostic: 'Host or domain name not found. Name service error for name=nodomain.test type=MX: Host not found',
          },
        ],
        originalMessageId: '<digest-2022-W20.1a2b3c4d5e6f7081@news.example.test>',
        digestId: '2022-W20',
        envelopeId: 'digest-2022-W20',
      },
      'new/postfix-two-recipients.eml': {
        ...postfix,
        recipients: [
          { address: 'carol@unknown-user.test', finalRecipient: 'carol@unknown-user.test', action: 'failed', status: '5.1.1', kind: 'hard', diagnostic: 'User unknown in virtual mailbox table' },
          { address: 'dave@refused.test', finalRecipient: 'dave@refused.test', action: 'failed', status: '5.7.1', kind: 'hard', diagnostic: "Message rejected by the recipient's policy" },
        ],
        originalMessageId: '<digest-2022-W20.2b3c4d5e6f708192@news.example.test>',
        digestId: '2022-W20',
      },
      'new/postfix-unknown-user.eml': {
        ...postfix,
        recipients: [
          { address: 'alice@unknown-user.test', finalRecipient: 'alice@unknown-user.test', action: 'failed', status: '5.1.1', kind: 'hard', diagnostic: 'User unknown in virtual mailbox table' },
        ],
        originalMessageId: '<digest-2022-W20.0f1e2d3c4b5a6978@news.example.test>',
        digestId: '2022-W20',
      },
      // The warning while Postfix retries, then the failure when the message expired: both soft.
      'new/postfix-delayed-mailbox-full.eml': {
        ...postfix,
        recipients: [{ address: 'erin@full.test', finalRecipient: 'erin@full.test', action: 'delayed', status: '4.2.2', kind: 'soft', diagnostic: 'Mailbox full, try again later' }],
        originalMessageId: '<digest-2022-W20.3c4d5e6f708192a3@news.example.test>',
        digestId: '2022-W20',
      },
      'cur/postfix-expired-mailbox-full.eml:2,S': {
        ...postfix,
        recipients: [{ address: 'erin@full.test', finalRecipient: 'erin@full.test', action: 'failed', status: '4.2.2', kind: 'soft', diagnostic: 'Mailbox full, try again later' }],
        originalMessageId: '<digest-2022-W20.3c4d5e6f708192a3@news.example.test>',
        digestId: '2022-W20',
      },
    });
    expect(scan.reports.map((report) => report.reportId)).toEqual([
      '<20261207170112.4F14E28E2B7@mailsink.localhost>',
      '<20261207170112.409DD28E2C4@mailsink.localhost>',
      '<20261207170112.34A0628E2C1@mailsink.localhost>',
      '<20261207170111.F171A28E2B8@mailsink.localhost>',
      '<20261207170130.165DA28E308@mailsink.localhost>',
    ]);
    // new/ first, then cur/, each by name.
    expect(scan.reports.map((report) => report.file.slice(dir.length + 1, dir.length + 4))).toEqual(['new', 'new', 'new', 'new', 'cur']);
  });

  it('reads the shapes other mail systems write: Exim, Sendmail (a warning too), Exchange in base64', async () => {
    const dir = await maildirOf('other');
    const scan = await readBounceMaildir(dir);
    expect(scan.skipped).toEqual([]);
    expect(byFile(scan.reports, dir)).toEqual({
      'cur/other-exchange-not-found-base64.eml:2,S': {
        recipients: [
          {
            address: 'Chen.Jing@outlook.example.com',
            finalRecipient: 'chen.jing@outlook.example.com',
            action: 'failed',
            status: '5.1.10',
            kind: 'hard',
            diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient chen.jing@outlook.example.com not found by SMTP address lookup',
          },
        ],
        originalMessageId: '<digest-2022-W20.5566778899aabbcc@news.example.test>',
        digestId: '2022-W20',
        reportingMta: 'AM0PR01MB1234.eurprd01.prod.outlook.example.com',
      },
      'cur/other-exim-unknown-user.eml:2,S': {
        recipients: [
          {
            address: 'wang.fang@example.org',
            finalRecipient: 'wang.fang@example.org',
            action: 'failed',
            status: '5.0.0',
            kind: 'hard',
            // A folded Diagnostic-Code comes out on one line.
            diagnostic: '550 5.1.1 <wang.fang@example.org>: Recipient address rejected: User unknown',
            remoteMta: 'mail.example.org',
          },
        ],
        originalMessageId: '<digest-2022-W20.9a8b7c6d5e4f3a2b@news.example.test>',
        digestId: '2022-W20',
        reportingMta: 'mx.example.org',
      },
      'cur/other-sendmail-delayed.eml:2,S': {
        recipients: [{ address: 'zhang.wei@slow.example.net', finalRecipient: 'zhang.wei@slow.example.net', action: 'delayed', status: '4.4.7', kind: 'soft', remoteMta: 'slow.example.net' }],
        originalMessageId: '<digest-2022-W21.0123456789abcdef@news.example.test>',
        digestId: '2022-W21',
        reportingMta: 'mail.example.net',
      },
      'cur/other-sendmail-mailbox-disabled.eml:2,S': {
        // Upper-case address types, a comment after the status, a folded Message-Id, a second digest of a week.
        recipients: [
          {
            address: 'li.lei@example.net',
            finalRecipient: 'li.lei@example.net',
            action: 'failed',
            status: '5.2.1',
            kind: 'hard',
            diagnostic: '550 5.2.1 Mailbox disabled for this recipient',
            remoteMta: 'mbox.example.net',
          },
        ],
        originalMessageId: '<digest-2022-W20-2.7f6e5d4c3b2a1908@news.example.test>',
        digestId: '2022-W20-2',
        reportingMta: 'mail.example.net',
      },
    });
  });

  it('skips what is no bounce and what is broken, naming the file and why, and reads the rest', async () => {
    const dir = await maildirOf('not-bounces', 'postfix');
    // Not messages: a folder in new/, a dot file, a message still being written in tmp/.
    await mkdir(join(dir, 'new', 'folder'));
    await writeFile(join(dir, 'new', '.hidden'), 'not a message');
    await writeFile(join(dir, 'tmp', '1653264007.P1.host'), 'half a message');
    const scan = await readBounceMaildir(dir);
    expect(scan.reports).toHaveLength(5);
    const skipped = Object.fromEntries(scan.skipped.map(({ file, reason }) => [file.slice(dir.length + 1), reason]));
    expect(skipped).toEqual({
      // An auto-reply, even one whose text looks like DSN fields.
      'new/not-bounces-auto-reply.eml': 'not a delivery status notification (text/plain, subject "自动回复：【周刊】2022年第20周"): no message/delivery-status part',
      'new/not-bounces-binary.eml': 'not a delivery status notification (text/plain): no message/delivery-status part',
      'new/not-bounces-delivered.eml': 'a delivery status notification with no failed or delayed recipient (delivered)',
      'cur/not-bounces-empty.eml:2,S': 'an empty file',
      'new/folder': 'not a file',
      // A bounce in plain text (qmail), with no delivery-status part: not understood, so not guessed at.
      'new/not-bounces-qmail-plain-text.eml': 'not a delivery status notification (text/plain, subject "failure notice"): no message/delivery-status part',
      'new/not-bounces-truncated.eml': 'a delivery status notification with no failed or delayed recipient (no action)',
    });
  });

  it('refuses a folder that is no Maildir, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhoukan-bounces-'));
    const error = await readBounceMaildir(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(`bounces: ${dir} is not a Maildir (it has no new/ or cur/ folder)`);
  });
});

describe('digestIdOfMessageId', () => {
  it('finds the digest in the Message-IDs digestMessageId makes, and in no other', () => {
    for (const id of ['2022-W20', '2022-W20-2', '2022-W05-10']) {
      expect(digestIdOfMessageId(digestMessageId(id, 'Reader@Example.org', '周刊 <digest@news.example.com>'))).toBe(id);
    }
    expect(digestIdOfMessageId('<20261207170112.34A0628E2C1@mailsink.localhost>')).toBeUndefined();
    expect(digestIdOfMessageId('<digest-2022-W20@news.example.com>')).toBeUndefined();
  });
});

describe('isHardSmtpFailure', () => {
  let server: TestSmtpServer;
  let authServer: TestSmtpServer;
  const replies: Record<string, { code: number; message: string }> = {
    'unknown@example.org': { code: 550, message: '5.1.1 <unknown@example.org>: Recipient address rejected: User unknown' },
    'nodomain@example.org': { code: 550, message: '5.4.4 Unable to route: no such domain' },
    'bare@example.org': { code: 553, message: 'mailbox name not allowed' },
    'full@example.org': { code: 452, message: '4.2.2 Mailbox full' },
    'greylisted@example.org': { code: 450, message: '4.7.1 Greylisted, try again later' },
    'spam@example.org': { code: 550, message: '5.7.1 Message rejected as spam' },
  };

  beforeAll(async () => {
    server = await startSmtpServer({ onRcpt: (address) => replies[address] });
    authServer = await startSmtpServer({ auth: { user: 'digest', password: 'right' } });
  });
  afterAll(async () => {
    await server.close();
    await authServer.close();
  });

  /** What nodemailer rejects with when sending to `to`. */
  async function failureOf(to: string, options: { port?: number; auth?: { user: string; pass: string } } = {}): Promise<unknown> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: options.port ?? server.port, secure: false, ignoreTLS: true, ...(options.auth ? { auth: options.auth } : {}) });
    try {
      await transport.sendMail({ from: 'digest@news.example.com', to, subject: '周刊', text: '正文' });
      return undefined;
    } catch (error) {
      return error;
    } finally {
      transport.close();
    }
  }

  it('is true for a 5xx refusing the address, false for 4xx, policy, the session or no reply', async () => {
    const verdicts: Record<string, boolean> = {};
    for (const address of Object.keys(replies)) verdicts[address] = isHardSmtpFailure(await failureOf(address));
    expect(verdicts).toEqual({
      'unknown@example.org': true,
      'nodomain@example.org': true,
      'bare@example.org': true,
      'full@example.org': false,
      'greylisted@example.org': false,
      'spam@example.org': false,
    });
    // Wrong credentials are a 535 about us, not about the reader.
    const auth = await failureOf('reader@example.org', { port: authServer.port, auth: { user: 'digest', pass: 'wrong' } });
    expect((auth as { responseCode?: number }).responseCode).toBe(535);
    expect(isHardSmtpFailure(auth)).toBe(false);
    // Nobody listening: no reply at all.
    const closed = await startSmtpServer();
    await closed.close();
    expect(isHardSmtpFailure(await failureOf('reader@example.org', { port: closed.port }))).toBe(false);
    expect(isHardSmtpFailure(undefined)).toBe(false);
  });
});
