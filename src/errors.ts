export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'SOURCE_READ'
  | 'SOURCE_PARSE'
  | 'SOURCE_EMPTY'
  | 'FETCH_HTTP'
  | 'FETCH_TIMEOUT'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_REDIRECT'
  | 'FETCH_NETWORK'
  | 'SOURCE_NOT_FEED'
  | 'STORE_IO'
  | 'STORE_DAMAGED'
  | 'STORE_NOT_EMPTY'
  | 'OUTPUT_IO'
  | 'MAIL_SEND'
  | 'MAIL_BOUNCES'
  | 'SERVER_LISTEN'
  | 'USAGE'
  | 'LOCKED'
  | 'STOPPED';

/** The one error type of the project. Messages start with what failed and name the file or URL. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** The message without its details. */
  readonly headline: string;
  /** Items of a message that lists several problems; the message shows them one per line. */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: readonly string[] }) {
    const details = options?.details ?? [];
    super(details.length > 0 ? `${message}\n  - ${details.join('\n  - ')}` : message, options);
    this.name = 'AppError';
    this.code = code;
    this.headline = message;
    this.details = details;
  }
}

/** The message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
