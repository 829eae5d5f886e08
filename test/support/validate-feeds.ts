import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const VALIDATE_FEEDS = fileURLToPath(new URL('../../../shared/tools/validate-feeds', import.meta.url));

export interface ValidationResult {
  code: number;
  output: string;
  /** The closing "N passed, M failed" line. */
  summary: string;
}

/**
 * Runs the shared feed checkers on a folder. The W3C validator needs a checkout CI cannot get, so
 * it is skipped unless VALIDATE_FEEDS_W3C=1 (set it where the checkout exists).
 */
export async function validateFeeds(dir: string, extraArgs: string[] = []): Promise<ValidationResult> {
  const skip = process.env.VALIDATE_FEEDS_W3C === '1' ? [] : ['--skip', 'w3c'];
  const args = ['-q', ...skip, ...extraArgs, dir];
  try {
    const { stdout, stderr } = await run(VALIDATE_FEEDS, args, { maxBuffer: 16 * 1024 * 1024 });
    return result(0, stdout + stderr);
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return result(typeof failure.code === 'number' ? failure.code : -1, `${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

function result(code: number, output: string): ValidationResult {
  const summary = output.trim().split('\n').filter((line) => /\d+ passed, \d+ failed/.test(line)).pop() ?? '';
  return { code, output, summary };
}
