import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SHARED } from './cli.js';
import { postgresBinDir } from './postgres.js';

// What some tests need beyond `npm ci`: the shared/ folder beside the clone (corpora and tools) and
// Debian packages. A test whose requirement is missing is skipped, and the skip is written down for
// the block that closes the run (test/support/skip-report.ts), with the reason and what installs it.
// With ZHOUKAN_REQUIRE_ALL=1 (CI) a missing requirement fails instead.

export interface Requirement {
  /** What it is, for the closing block. */
  name: string;
  /** How to get it. */
  install: string;
  /** Why it is missing here, or undefined when it is present. */
  missing(): string | undefined;
}

function once(check: () => string | undefined): () => string | undefined {
  let result: { value: string | undefined } | undefined;
  return () => (result ??= { value: check() }).value;
}

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium, which the browser tests drive (support/browser.ts); nothing is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const sharedMissing = once(() => (existsSync(join(SHARED, 'corpus')) ? undefined : `${SHARED} not found`));

export const needs = {
  shared: {
    name: 'shared/ beside the clone (corpora, make-corpus, validate-feeds, mailsink)',
    install: 'put the shared/ folder beside the project folder (../shared)',
    missing: sharedMissing,
  },
  feedCheckers: {
    name: 'feed checkers (validate-feeds: Universal Feed Parser, newsboat, JSON Feed schema)',
    install: 'sudo ../shared/tools/validate-feeds --setup',
    missing: once(() => {
      if (sharedMissing()) return sharedMissing();
      // It finds a python3 with Debian's feedparser itself (one on PATH, such as pyenv's, may lack it).
      if (!commandWorks(join(SHARED, 'tools/validate-feeds'), ['--versions'])) return 'python3-feedparser not installed';
      if (!commandWorks('newsboat', ['--version'])) return 'newsboat not installed';
      return undefined;
    }),
  },
  chromium: {
    name: 'Chromium (pages and e-mails as a person sees them)',
    install: 'sudo apt-get install chromium fonts-noto-cjk',
    missing: once(() => (existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found`)),
  },
  mailsink: {
    name: 'mailsink (a real Postfix SMTP sink)',
    install: 'sudo ../shared/tools/mailsink install --render',
    missing: once(() => {
      if (sharedMissing()) return sharedMissing();
      return existsSync('/usr/sbin/postfix') ? undefined : 'Postfix not installed';
    }),
  },
  postgres: {
    name: 'PostgreSQL (a throwaway server per test file, for the archive on PostgreSQL)',
    install: 'sudo apt-get install -y postgresql',
    missing: once(() => (postgresBinDir() ? undefined : 'initdb and pg_ctl not found under /usr/lib/postgresql/*/bin')),
  },
} satisfies Record<string, Requirement>;

/**
 * True when `what` must be skipped for want of `requirement` (the skip is recorded for the closing
 * block); throws instead under ZHOUKAN_REQUIRE_ALL=1. For `describe.skipIf` and `it.skipIf`.
 */
export function lacks(requirement: Requirement, what: string): boolean {
  const reason = requirement.missing();
  if (reason === undefined) return false;
  if (process.env.ZHOUKAN_REQUIRE_ALL === '1') {
    throw new Error(`${what} needs ${requirement.name}: ${reason} (ZHOUKAN_REQUIRE_ALL=1). Install: ${requirement.install}`);
  }
  recordSkip(requirement, what, reason);
  return true;
}

/**
 * For a check inside a test: true when it can run; false, with the skip recorded, when its
 * requirement is missing (the rest of the test still runs).
 */
export function can(requirement: Requirement, what: string): boolean {
  const name = expect.getState().currentTestName;
  return !lacks(requirement, name ? `${what} in "${name}"` : what);
}

function recordSkip(requirement: Requirement, what: string, reason: string): void {
  const log = process.env.ZHOUKAN_SKIP_LOG;
  if (!log) return;
  appendFileSync(log, `${JSON.stringify({ requirement: requirement.name, install: requirement.install, reason, what })}\n`);
}
