/** Where a job reports what it does. Counts warnings so a run can end with a summary. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  readonly warnings: number;
}

/** A log that writes to stderr (so stdout stays free for results). */
export function createConsoleLog(options: { quiet?: boolean } = {}): Log {
  let warnings = 0;
  return {
    info(message) {
      if (!options.quiet) process.stderr.write(`${message}\n`);
    },
    warn(message) {
      warnings += 1;
      process.stderr.write(`warning: ${message}\n`);
    },
    error(message) {
      process.stderr.write(`error: ${message}\n`);
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
