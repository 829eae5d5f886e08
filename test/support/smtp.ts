import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

// A real SMTP server on 127.0.0.1 (the smtp-server package) for the mail tests, with switchable
// faults: refuse at RCPT, refuse after DATA, require AUTH, offer STARTTLS with a given certificate.

const run = promisify(execFile);

/** An SMTP reply to send instead of accepting. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface TestSmtpOptions {
  /** Called for each RCPT TO (attempt counts from 1 across the server's life); a reply refuses it. May wait. */
  onRcpt?: (address: string, attempt: number) => SmtpReply | undefined | Promise<SmtpReply | undefined>;
  /** Called after each message's data; a reply refuses it. */
  onData?: (attempt: number) => SmtpReply | undefined;
  /** AUTH required, with this one account. */
  auth?: { user: string; password: string };
  /** STARTTLS offered with this key and certificate (PEM); without it STARTTLS is not offered. */
  tls?: { key: string; cert: string };
  /** Listen on this port (default: any free one). */
  port?: number;
}

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** True when it came over TLS. */
  secure: boolean;
  user?: string;
}

export interface TestSmtpServer {
  port: number;
  messages: ReceivedMessage[];
  close(): Promise<void>;
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = [];
  let rcptAttempts = 0;
  let dataAttempts = 0;
  const serverOptions: SMTPServerOptions = {
    logger: false,
    disabledCommands: options.auth ? [] : ['AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    hideSTARTTLS: !options.tls,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    onAuth(auth, _session, callback) {
      const account = options.auth;
      if (account && auth.username === account.user && auth.password === account.password) return callback(null, { user: auth.username });
      return callback(replyError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onRcptTo(address, _session, callback) {
      rcptAttempts += 1;
      void Promise.resolve(options.onRcpt?.(address.address, rcptAttempts)).then((reply) => callback(reply ? replyError(reply) : null));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        dataAttempts += 1;
        const reply = options.onData?.(dataAttempts);
        if (reply) return callback(replyError(reply));
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback(null);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // A client killed mid-session (the crash tests) resets its connection: that is the client's
  // doing, and the tests judge by what arrived, so it is not an error of the server's.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function replyError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl into `dir`. */
export async function selfSignedCertificate(dir: string): Promise<{ keyFile: string; certFile: string; key: string; cert: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { keyFile, certFile, key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}
