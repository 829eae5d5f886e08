import { STATUS_CODES } from 'node:http';
import { AppError, type ErrorCode } from '../errors.js';
import { parseDate } from '../util/time.js';

// Fetching one feed over HTTP: a conditional GET with timeouts, a size cap and redirects followed
// by hand, so loops and permanent moves are seen. Node's fetch (undici) is injected for tests.

export interface FeedRequest {
  url: string;
  /** Validators stored from the previous fetch; sent so an unchanged feed costs a 304. */
  etag?: string;
  lastModified?: string;
}

export interface FetchFeedOptions {
  fetch?: typeof fetch;
  /** Limit on connecting and receiving the response head, per request in a redirect chain. */
  connectTimeoutMs?: number;
  /** Limit on the whole fetch, redirects and body included: a slow-drip server is cut here. */
  totalTimeoutMs?: number;
  /** Largest body accepted, counted after decompression. */
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  /** Reference for a Retry-After HTTP-date when the response has no Date header. */
  now?: Date;
}

export type FetchResult =
  | {
      status: 'not-modified';
      url: string;
      /** Set when a 301/308 chain moved the feed: the caller updates its stored URL. */
      permanentUrl?: string;
    }
  | {
      status: 'ok';
      /** The URL the body came from, after redirects. */
      url: string;
      /** Set when a 301/308 chain moved the feed: the caller updates its stored URL. */
      permanentUrl?: string;
      etag?: string;
      lastModified?: string;
      contentType?: string;
      body: Buffer;
    };

/** A failed fetch. `status` and `retryAfterMs` are set when the server answered with an error. */
export class FetchError extends AppError {
  readonly url: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    details: { url: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FetchError';
    this.url = details.url;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'zhoukan/0.1 (feed reader)',
} as const;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECT_STATUSES = new Set([301, 308]);
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** What one fetch has done so far; read when something fails to say what and where. */
interface Progress {
  readonly requestedUrl: string;
  currentUrl: string;
  phase: 'head' | 'body';
  bodyBytes: number;
  timedOut?: 'head' | 'total';
}

/** GETs a feed, following up to `maxRedirects` redirects. Throws FetchError on any failure. */
export async function fetchFeed(request: FeedRequest, options: FetchFeedOptions = {}): Promise<FetchResult> {
  const settings = { ...FETCH_DEFAULTS, ...definedOnly(options) };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const controller = new AbortController();
  const progress: Progress = { requestedUrl: request.url, currentUrl: request.url, phase: 'head', bodyBytes: 0 };
  const totalTimer = setTimeout(() => {
    progress.timedOut ??= 'total';
    controller.abort();
  }, settings.totalTimeoutMs);

  const send = async (url: string): Promise<Response> => {
    const headTimer = setTimeout(() => {
      progress.timedOut ??= 'head';
      controller.abort();
    }, settings.connectTimeoutMs);
    try {
      return await fetchImpl(url, {
        method: 'GET',
        headers: requestHeaders(request, settings.userAgent),
        redirect: 'manual',
        signal: controller.signal,
      });
    } finally {
      clearTimeout(headTimer);
    }
  };

  try {
    const visited = new Set([normalizeForLoopCheck(request.url)]);
    let permanentUrl: string | undefined;
    let stillPermanent = true;

    for (let redirects = 0; ; redirects += 1) {
      const response = await send(progress.currentUrl);

      if (REDIRECT_STATUSES.has(response.status)) {
        await discardBody(response);
        const next = redirectTarget(response, progress);
        if (visited.has(normalizeForLoopCheck(next))) {
          throw new FetchError('FETCH_REDIRECT', `${request.url}: redirect loop (${[...visited, next].join(' → ')})`, {
            url: request.url,
            status: response.status,
          });
        }
        if (redirects + 1 > settings.maxRedirects) {
          throw new FetchError(
            'FETCH_REDIRECT',
            `${request.url}: too many redirects (more than ${settings.maxRedirects}; last to ${next})`,
            { url: request.url, status: response.status },
          );
        }
        visited.add(normalizeForLoopCheck(next));
        // Only an unbroken chain of permanent moves from the stored URL moves the feed.
        stillPermanent &&= PERMANENT_REDIRECT_STATUSES.has(response.status);
        if (stillPermanent) permanentUrl = next;
        progress.currentUrl = next;
        continue;
      }

      if (response.status === 304) {
        await discardBody(response);
        // "Not modified" since what? Without validators there is no copy to keep, and taking it as
        // success would leave the feed uncollected for good without a word.
        if (!hasValidators(request)) {
          throw new FetchError(
            'FETCH_HTTP',
            `${request.url}: HTTP 304 Not Modified to a request without validators (no ETag or Last-Modified was sent)${hopNote(progress)}; the server sent no feed`,
            { url: request.url, status: 304 },
          );
        }
        return { status: 'not-modified', url: progress.currentUrl, ...(permanentUrl && { permanentUrl }) };
      }

      if (!response.ok) {
        await discardBody(response);
        throw httpError(response, progress, options.now);
      }

      progress.phase = 'body';
      const body = await readCappedBody(response, settings.maxBytes, progress, controller);
      return {
        status: 'ok',
        url: progress.currentUrl,
        ...(permanentUrl && { permanentUrl }),
        ...optionalHeader('etag', response.headers.get('etag')),
        ...optionalHeader('lastModified', response.headers.get('last-modified')),
        ...optionalHeader('contentType', response.headers.get('content-type')),
        body,
      };
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw describeFailure(error, progress, settings);
  } finally {
    clearTimeout(totalTimer);
  }
}

/**
 * Milliseconds a Retry-After value asks to wait: delay-seconds or an HTTP-date, measured from
 * `reference` (the response's own Date, so clock skew between us and the server cancels out).
 */
export function parseRetryAfter(value: string | null | undefined, reference: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = parseDate(text, 'UTC');
  if (!date) return undefined;
  return Math.max(0, date.getTime() - reference.getTime());
}

function requestHeaders(request: FeedRequest, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    accept: ACCEPT,
    'accept-encoding': 'gzip, br',
    'user-agent': userAgent,
  };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.lastModified) headers['if-modified-since'] = request.lastModified;
  // With validators, fetch would add "Cache-Control: no-cache", and servers that honour it (the
  // `fresh` check of Express and serve-static) then answer 200 instead of 304. max-age=0 still
  // asks for revalidation, as a browser reload does, without forbidding the 304.
  if (hasValidators(request)) headers['cache-control'] = 'max-age=0';
  return headers;
}

function hasValidators(request: FeedRequest): boolean {
  return Boolean(request.etag || request.lastModified);
}

function redirectTarget(response: Response, progress: Progress): string {
  const fail = (reason: string, cause?: unknown) =>
    new FetchError('FETCH_REDIRECT', `${progress.requestedUrl}: ${reason}${hopNote(progress)}`, {
      url: progress.requestedUrl,
      status: response.status,
      cause,
    });
  const location = response.headers.get('location');
  if (!location) throw fail(`HTTP ${response.status} redirect without a Location header`);
  let target: URL;
  try {
    target = new URL(location, progress.currentUrl);
  } catch (cause) {
    throw fail(`redirect to an invalid URL "${location}"`, cause);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw fail(`redirect to a non-HTTP URL ${target.href}`);
  }
  return target.href;
}

/** Fragments never reach the server, so `a#x` → `a` is a loop too. */
function normalizeForLoopCheck(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    // Not a URL: fetch itself will report it; compare it as written.
    return url;
  }
}

function httpError(response: Response, progress: Progress, now: Date | undefined): FetchError {
  const reason = response.statusText || STATUS_CODES[response.status] || '';
  let retryAfterMs: number | undefined;
  if (RETRY_AFTER_STATUSES.has(response.status)) {
    const serverNow = parseDate(response.headers.get('date'), 'UTC');
    retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), serverNow ?? now ?? new Date());
  }
  const retryNote = retryAfterMs === undefined ? '' : ` (retry after ${Math.round(retryAfterMs / 1000)} s)`;
  return new FetchError(
    'FETCH_HTTP',
    `${progress.requestedUrl}: HTTP ${response.status}${reason ? ` ${reason}` : ''}${hopNote(progress)}${retryNote}`,
    { url: progress.requestedUrl, status: response.status, ...(retryAfterMs !== undefined && { retryAfterMs }) },
  );
}

/** Reads the body as it streams and stops the download the moment it passes `maxBytes`. */
async function readCappedBody(
  response: Response,
  maxBytes: number,
  progress: Progress,
  controller: AbortController,
): Promise<Buffer> {
  const tooLarge = (size: string) =>
    new FetchError('FETCH_TOO_LARGE', `${progress.requestedUrl}: body too large (${size}; limit ${maxBytes} bytes)`, {
      url: progress.requestedUrl,
      status: response.status,
    });

  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort();
    throw tooLarge(`Content-Length ${declared}`);
  }
  if (!response.body) return Buffer.alloc(0);

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress.bodyBytes += value.byteLength;
    if (progress.bodyBytes > maxBytes) {
      // Aborting the request closes the connection; nothing more is downloaded.
      controller.abort();
      throw tooLarge(`more than ${maxBytes} bytes received`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, progress.bodyBytes);
}

/** Lets the connection go back to the pool (or close) without reading a body we do not want. */
async function discardBody(response: Response): Promise<void> {
  if (!response.body) return;
  // A body that cannot be cancelled is already closed or broken: there is nothing left to free.
  await response.body.cancel().catch(() => undefined);
}

/** Turns what fetch or the body stream threw (abort, socket and DNS errors) into a FetchError. */
function describeFailure(
  error: unknown,
  progress: Progress,
  settings: { connectTimeoutMs: number; totalTimeoutMs: number },
): FetchError {
  const url = progress.requestedUrl;
  const where = hopNote(progress);
  const details = { url, cause: error };
  if (progress.timedOut === 'head') {
    return new FetchError('FETCH_TIMEOUT', `${url}: no response within ${settings.connectTimeoutMs} ms${where}`, details);
  }
  if (progress.timedOut === 'total') {
    const got = progress.phase === 'body' ? `; ${progress.bodyBytes} bytes of the body received` : '';
    return new FetchError('FETCH_TIMEOUT', `${url}: not complete within ${settings.totalTimeoutMs} ms${got}${where}`, details);
  }

  const code = errorCode(error);
  const host = hostOf(progress.currentUrl);
  switch (code) {
    case 'ECONNREFUSED':
      return new FetchError('FETCH_NETWORK', `${url}: connection refused by ${host}${where}`, details);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new FetchError('FETCH_NETWORK', `${url}: DNS lookup failed for ${host} (${code})${where}`, details);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new FetchError('FETCH_TIMEOUT', `${url}: connecting to ${host} timed out (${code})${where}`, details);
  }
  if (progress.phase === 'body') {
    return new FetchError(
      'FETCH_NETWORK',
      `${url}: connection closed mid-body after ${progress.bodyBytes} bytes (${code ?? describe(error)})${where}`,
      details,
    );
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new FetchError('FETCH_NETWORK', `${url}: connection reset before a response (${code})${where}`, details);
  }
  return new FetchError('FETCH_NETWORK', `${url}: request failed: ${describe(error)}${code ? ` (${code})` : ''}${where}`, details);
}

/** The first `code` along an error's cause chain (undici wraps socket errors in `fetch failed`). */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The innermost message: `fetch failed` alone says nothing. */
function describe(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    message = current.message || message;
    current = current.cause;
  }
  return message;
}

function hopNote(progress: Progress): string {
  return progress.currentUrl === progress.requestedUrl ? '' : ` (at ${progress.currentUrl})`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function optionalHeader<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Options given as `undefined` keep the default instead of erasing it. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
