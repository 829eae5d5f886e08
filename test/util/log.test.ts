import { describe, expect, it } from 'vitest';
import { createConsoleLog, escapeControls } from '../../src/util/log.js';

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

  it('writes every message as one line: control characters from outside are shown escaped', () => {
    const pipe = stream(false);
    const log = createConsoleLog({ stream: pipe });
    const name = 'posts/a\nerror: forged line\r\x1b[2J\x9b31m\u2028\u202egnp.md\u0000';
    log.warn(`${name}: skipped: empty file`);
    log.info(`read ${name}`);
    log.error(`${name}: cannot read`, ['first\nsecond', 'tab\tstays']);
    log.progress?.(name, 1, 2);
    const escaped = 'posts/a\\nerror: forged line\\r\\x1b[2J\\x9b31m\\u2028\\u202egnp.md\\x00';
    expect(pipe.text).toBe(
      `warning: ${escaped}: skipped: empty file\n` +
        `read ${escaped}\n` +
        `error: ${escaped}: cannot read\n  - first\\nsecond\n  - tab\tstays\n`,
    );
    expect(pipe.text.split('\n')).toHaveLength(6);
    expect(pipe.text).not.toMatch(/[\x1b\x9b\r\u2028\u202e\0]/u);
  });

  it('escapes C0 but tab, DEL, C1, line separators and bidi controls, and nothing else', () => {
    expect(escapeControls('\x07\x7f\x85\u2029\u2066\u2069\u200f\u061c')).toBe('\\x07\\x7f\\x85\\u2029\\u2066\\u2069\\u200f\\u061c');
    const plain = '工信部：将做好“1+4+1”帮扶 tab\there — https://example.org/a?b=1&c=\\n';
    expect(escapeControls(plain)).toBe(plain);
  });
});
