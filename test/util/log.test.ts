import { describe, expect, it } from 'vitest';
import { createConsoleLog } from '../../src/util/log.js';

/** A stream that records what is written, and says whether it is a terminal. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const recorder = {
    isTTY,
    text: '',
    write(chunk: string) {
      recorder.text += chunk;
      return true;
    },
  };
  return recorder as unknown as NodeJS.WriteStream & { text: string };
}

describe('createConsoleLog', () => {
  it('draws progress in place on a terminal and clears it before other lines', () => {
    const terminal = stream(true);
    const log = createConsoleLog({ stream: terminal });
    log.progress?.('collecting seeds', 200, 1000);
    log.progress?.('collecting seeds', 400, 1000);
    log.warn('a.md: skipped: empty file');
    log.progress?.('collecting seeds', 1000, 1000);
    expect(terminal.text).toBe(
      '\r\x1b[Kcollecting seeds: 200/1000\r\x1b[Kcollecting seeds: 400/1000\r\x1b[Kwarning: a.md: skipped: empty file\n' +
        '\r\x1b[Kcollecting seeds: 1000/1000\r\x1b[K',
    );
    expect(log.warnings).toBe(1);
  });

  it('shows no progress when the output is not a terminal, or when quiet', () => {
    const pipe = stream(false);
    createConsoleLog({ stream: pipe }).progress?.('collecting', 1, 2);
    expect(pipe.text).toBe('');
    const quiet = stream(true);
    const log = createConsoleLog({ stream: quiet, quiet: true });
    log.progress?.('collecting', 1, 2);
    log.info('hidden');
    log.error('shown');
    expect(quiet.text).toBe('error: shown\n');
  });
});
