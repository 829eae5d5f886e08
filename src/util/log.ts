/** Where a job reports what it does. Counts warnings so a run can end with a summary. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Progress of a long step; shown on a terminal only. */
  progress?(label: string, done: number, total: number): void;
  readonly warnings: number;
}

/**
 * A log that writes to stderr (stdout stays free for results). On a terminal, progress is one line
 * redrawn in place and cleared before any other message.
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
      if (!options.quiet) write(message);
    },
    warn(message) {
      warnings += 1;
      write(`warning: ${message}`);
    },
    error(message) {
      write(`error: ${message}`);
    },
    progress(label, done, total) {
      if (!stream.isTTY || options.quiet) return;
      stream.write(`\r\x1b[K${label}: ${done}/${total}`);
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
    error: (message) => void lines.push(`error: ${message}`),
    get warnings() {
      return warnings;
    },
  };
}
