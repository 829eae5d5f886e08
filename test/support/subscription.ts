import { request } from 'node:http';
import { simpleParser } from 'mailparser';
import { createSubscriptionMailer } from '../../src/jobs/subscription.js';
import { serverRoutes } from '../../src/server/routes.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { createTestContext, type TestContext } from './context.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

// A server with the subscription routes over a real archive, mailing a loopback SMTP server.

export interface SubscriptionSetup {
  context: TestContext;
  server: RunningServer;
  smtp: TestSmtpServer;
  /** The clock the routes read; tests move it. */
  clock: { now: Date };
  close(): Promise<void>;
}

export async function startSubscriptionServer(file: Record<string, unknown> = {}, env: { secret?: string } = {}): Promise<SubscriptionSetup> {
  const smtp = await startSmtpServer();
  const base = await createTestContext({
    file: {
      site: { url: 'https://news.example.org/', title: '周刊 · 财经要闻' },
      digest: { from: '周刊 <digest@news.example.org>', ...(file.digest as object | undefined) },
      smtp: { host: '127.0.0.1', port: smtp.port, requireTls: false, attempts: 1 },
      ...Object.fromEntries(Object.entries(file).filter(([key]) => key !== 'digest')),
    },
  });
  const context = { ...base, config: { ...base.config, ...(env.secret ? { unsubscribeSecret: env.secret } : {}) } };
  const clock = { now: new Date('2026-03-02T00:00:00Z') };
  const mailer = createSubscriptionMailer(context.config, context.log);
  const server = await startServer({
    root: context.config.output,
    port: 0,
    log: context.log,
    routes: serverRoutes({ config: context.config, store: context.store, log: context.log, mail: mailer.send, now: () => clock.now }),
  });
  return {
    context,
    server,
    smtp,
    clock,
    async close() {
      await server.close();
      mailer.close();
      await smtp.close();
      await context.store.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A form post from a chosen loopback address (127.0.0.1, 127.0.0.2…), as a browser sends it. */
export function postForm(url: string, fields: [string, string][], options: { from?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const call = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        localAddress: options.from ?? '127.0.0.1',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

/** Waits until the sink holds `count` messages (the signup mail goes out after the answer). */
export async function waitForMessages(smtp: TestSmtpServer, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (smtp.messages.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} messages at the SMTP sink, got ${smtp.messages.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The message's text part and subject, and the first link to `path` in it. */
export async function linkIn(raw: Buffer, path: string): Promise<{ subject: string; text: string; link: string | undefined }> {
  const mail = await simpleParser(raw);
  const text = mail.text ?? '';
  const link = new RegExp(`https://news\\.example\\.org/${path}\\?t=[\\w.-]+`).exec(text)?.[0];
  return { subject: mail.subject ?? '', text, link };
}

/** A link of the mail, pointed at the test server instead of the site. */
export function local(server: RunningServer, link: string): string {
  return link.replace('https://news.example.org/', server.url);
}
