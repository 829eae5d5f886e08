import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './smtp.js';

// The shared mailsink tool (../shared/tools/mailsink from the project root): a private Postfix on
// 127.0.0.1 that keeps every message and checks it. Each start gets its own folder under the
// system's temporary folder and its own free port, so runs never meet.

const execFileAsync = promisify(execFile);

export const MAILSINK = fileURLToPath(new URL('../../../shared/tools/mailsink', import.meta.url));

export interface MailsinkResult {
  code: number;
  /** stdout and stderr together. */
  output: string;
}

export interface Mailsink {
  dir: string;
  port: number;
  /** The sink's self-signed certificate: the CA file to trust for STARTTLS. */
  certFile: string;
  run(args: string[]): Promise<MailsinkResult>;
  /** Stops this instance and removes its folder. */
  stop(): Promise<void>;
}

/** Starts a fresh instance (settings: MAILSINK_* variables); throws with the tool's own words when it cannot. */
export async function startMailsink(settings: Record<string, string> = {}): Promise<Mailsink> {
  if (!existsSync(MAILSINK)) throw new Error(`mailsink not found at ${MAILSINK} (the shared tools folder next to the project)`);
  const dir = await mkdtemp(join(tmpdir(), 'zhoukan-mailsink-'));
  const port = await freePort();
  // STARTTLS offered, no AUTH, unless the caller asks: settings from the outer environment do not leak in
  const env = { ...process.env, MAILSINK_TLS: '1', MAILSINK_AUTH: 'off', ...settings, MAILSINK_DIR: dir, MAILSINK_PORT: String(port) };
  const run = (args: string[]) => runMailsink(args, env);
  const started = await run(['start']);
  if (started.code !== 0) {
    await run(['stop']);
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `mailsink could not start (exit ${started.code}); install it first with "${MAILSINK} install" as root:\n${started.output}`,
    );
  }
  return {
    dir,
    port,
    certFile: join(dir, 'run', 'tls', 'cert.pem'),
    run,
    async stop() {
      await run(['stop']);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function runMailsink(args: string[], env: NodeJS.ProcessEnv): Promise<MailsinkResult> {
  try {
    const { stdout, stderr } = await execFileAsync(MAILSINK, args, { env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string; message?: string };
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}` || (failure.message ?? '');
    return { code: typeof failure.code === 'number' ? failure.code : -1, output };
  }
}

/** The closing "N passed, M failed" line of `mailsink check`. */
export function checkSummary(output: string): string {
  return output.trim().split('\n').filter((line) => /^\d+ passed, \d+ failed$/.test(line.trim())).pop()?.trim() ?? '';
}
