import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Vitest's global setup: gives the test workers a file to record skips in (requirements.ts), and
// at the end of the run prints what was skipped, grouped by what is missing, with what installs it.

interface Skip {
  requirement: string;
  install: string;
  reason: string;
  what: string;
}

export default function setup(): () => void {
  // Each project of the config runs this; the first one keeps the log and prints the block.
  if (process.env.ZHOUKAN_SKIP_LOG) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'zhoukan-skips-'));
  const log = join(dir, 'skips.jsonl');
  process.env.ZHOUKAN_SKIP_LOG = log;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // No test recorded a skip: the file was never written.
    }
    rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const groups = new Map<string, Skip[]>();
    for (const skip of lines.map((line) => JSON.parse(line) as Skip)) groups.set(skip.requirement, [...(groups.get(skip.requirement) ?? []), skip]);
    const block = [`Skipped for want of what this machine lacks (ZHOUKAN_REQUIRE_ALL=1 makes these failures):`];
    for (const [requirement, skips] of groups) {
      const what = [...new Set(skips.map((skip) => skip.what))];
      block.push(`- ${requirement}: ${skips[0]?.reason}; install: ${skips[0]?.install}`);
      block.push(`    ${what.length} skipped: ${what.slice(0, 6).join('; ')}${what.length > 6 ? `; and ${what.length - 6} more` : ''}`);
    }
    console.log(`\n${block.join('\n')}\n`);
  };
}
