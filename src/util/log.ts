/** Where a job reports what it does. Counts warnings so a run can end with a summary. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  /** `details` are printed one per line under the message (e.g. every problem of a config file). */
  error(message: string, details?: readonly string[]): void;
  /** Progress of a long step; shown on a terminal only. */
  progress?(label: string, done: number, total: number): void;
  readonly warnings: number;
}

/**
 * Characters that could forge a log line or drive the terminal: C0 controls but tab (newline and
 * CR start a line of their own, ESC starts a terminal sequence), DEL, C1 controls (U+009B is a
 * one-byte CSI), the Unicode line and paragraph separators, and the bidirectional marks, embeddings,
 * overrides and isolates, which reorder what a reader sees.
 */
const UNSAFE_CHARACTERS = /[\0-\x08\n-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

/**
 * `text` with every unsafe character shown as an escape (`\n`, `\r`, `\x1b`, `\u202e`): file names,
 * URLs, titles and error messages come from outside, and a log line must be exactly one line.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (character) => {
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A log that writes to stderr (stdout stays free for results). Every message is one line, its
 * control characters escaped. On a terminal, progress is one line redrawn in place and cleared
 * before any other message.
 */
export function createConsoleLog(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Log {
  const stream = options.stream ?? process.stderr;
  let warnings = 0;
  let progressShown = false;
  const write = (line: string) => {
    if (progressShown) {
      stream.write('\r\x1b[K');
      progressShown = false;
    }
    stream.write(`${line}\n`);
  };
  return {
    info(message) {
      if (!options.quiet) write(escapeControls(message));
    },
    warn(message) {
      warnings += 1;
      write(`warning: ${escapeControls(message)}`);
    },
    error(message, details = []) {
      write([`error: ${escapeControls(message)}`, ...details.map((detail) => `  - ${escapeControls(detail)}`)].join('\n'));
    },
    progress(label, done, total) {
      if (!stream.isTTY || options.quiet) return;
      stream.write(`\r\x1b[K${escapeControls(label)}: ${done}/${total}`);
      progressShown = done < total;
      if (!progressShown) stream.write('\r\x1b[K');
    },
    get warnings() {
      return warnings;
    },
  };
}

/** A log that keeps its lines, for tests. */
export function createMemoryLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  let warnings = 0;
  return {
    lines,
    info: (message) => void lines.push(`info: ${message}`),
    warn(message) {
      warnings += 1;
      lines.push(`warning: ${message}`);
    },
    error: (message, details = []) => void lines.push(`error: ${message}`, ...details.map((detail) => `  - ${detail}`)),
    get warnings() {
      return warnings;
    },
  };
}
