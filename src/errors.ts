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
  | 'OUTPUT_IO'
  | 'MAIL_SEND'
  | 'SERVER_LISTEN'
  | 'USAGE'
  | 'LOCKED';

/** The one error type of the project. Messages start with what failed and name the file or URL. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

/** The message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
