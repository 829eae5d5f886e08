import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, type FetchFeedOptions, fetchFeed, parseRetryAfter } from '../../src/sources/remote.js';
import { type FeedServer, startFeedServer } from '../support/feed-server.js';
import { startUnansweredPort } from '../support/unanswered-port.js';

const FEEDS = fileURLToPath(new URL('../fixtures/wild/feeds/', import.meta.url));
const FEED_PATH = '/wild-items.xml';
const FEED_BYTES = readFileSync(`${FEEDS}${FEED_PATH}`);

/** Small limits so every fault ends in well under a second. */
/**
 * For the tests that are not about time: limits no loopback answer comes near, even on a loaded
 * machine. The timeout tests set their own, and assert only what a timer cannot get wrong: it
 * never fires early, and the error says which limit was hit.
 */
const FAST: FetchFeedOptions = { connectTimeoutMs: 10_000, totalTimeoutMs: 20_000 };

let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer({ root: FEEDS });
});

afterAll(async () => {
  await server.close();
});

/** The FetchError a fetch rejects with, and how long it took. */
async function failure(url: string, options: FetchFeedOptions = FAST): Promise<{ error: FetchError; ms: number }> {
  const started = performance.now();
  const error = await fetchFeed({ url }, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(FetchError);
  return { error: error as FetchError, ms: performance.now() - started };
}

function lastRequest() {
  const request = server.requests.at(-1);
  if (!request) throw new Error('no request recorded');
  return request;
}

describe('fetchFeed: a plain and a conditional GET', () => {
  it('returns the body with its validators and content type', async () => {
    const url = server.url(FEED_PATH);
    const result = await fetchFeed({ url }, FAST);
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.url).toBe(url);
    expect(result.permanentUrl).toBeUndefined();
    expect(result.body.equals(FEED_BYTES)).toBe(true);
    expect(result.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(result.lastModified).toMatch(/GMT$/);
    expect(result.contentType).toBe('application/xml');
  });

  it('asks for feeds and for compressed bodies, and names itself', async () => {
    await fetchFeed({ url: server.url(FEED_PATH) }, { ...FAST, userAgent: 'zhoukan-test/1' });
    const { headers } = lastRequest();
    expect(headers.accept).toContain('application/rss+xml');
    expect(headers.accept).toContain('application/atom+xml');
    expect(headers.accept).toContain('application/feed+json');
    expect(headers['accept-encoding']).toBe('gzip, br');
    expect(headers['user-agent']).toBe('zhoukan-test/1');
    expect(headers['if-none-match']).toBeUndefined();
  });

  it('gets not-modified on the second fetch with the stored ETag and Last-Modified', async () => {
    const url = server.url('/wild-items.json');
    const first = await fetchFeed({ url }, FAST);
    if (first.status !== 'ok') throw new Error('first fetch should return the body');

    const second = await fetchFeed({ url, etag: first.etag, lastModified: first.lastModified }, FAST);
    expect(second).toEqual({ status: 'not-modified', url });
    const { headers } = lastRequest();
    expect(headers['if-none-match']).toBe(first.etag);
    expect(headers['if-modified-since']).toBe(first.lastModified);
  });

  it('gets not-modified with Last-Modified alone, and the body again when the ETag is stale', async () => {
    const url = server.url('/wild-items.json');
    const first = await fetchFeed({ url }, FAST);
    if (first.status !== 'ok') throw new Error('first fetch should return the body');
    expect((await fetchFeed({ url, lastModified: first.lastModified }, FAST)).status).toBe('not-modified');
    expect((await fetchFeed({ url, etag: '"stale"' }, FAST)).status).toBe('ok');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await fetchFeed({ url: server.url(FEED_PATH) }, { ...FAST, fetch: countingFetch });
    expect(seen).toEqual([server.url(FEED_PATH)]);
  });
});

describe('fetchFeed: compressed bodies', () => {
  for (const encoding of ['gzip', 'br'] as const) {
    it(`decompresses ${encoding}`, async () => {
      const result = await fetchFeed({ url: server.url(`/_fault/${encoding}${FEED_PATH}`) }, FAST);
      if (result.status !== 'ok') throw new Error('expected a body');
      expect(result.body.equals(FEED_BYTES)).toBe(true);
      expect(result.body.toString('utf8')).toContain('央行：保持流动性合理充裕');
    });
  }
});

describe('fetchFeed: redirects', () => {
  it('reports a 301 move as the new permanent URL', async () => {
    const result = await fetchFeed({ url: server.url(`/_fault/redirect/301?to=${FEED_PATH}`) }, FAST);
    expect(result).toMatchObject({ status: 'ok', url: server.url(FEED_PATH), permanentUrl: server.url(FEED_PATH) });
  });

  it('reports a 308 move too', async () => {
    const result = await fetchFeed({ url: server.url(`/_fault/redirect/308?to=${FEED_PATH}`) }, FAST);
    expect(result).toMatchObject({ status: 'ok', permanentUrl: server.url(FEED_PATH) });
  });

  it('follows temporary redirects without moving the feed', async () => {
    const result = await fetchFeed({ url: server.url(`/_fault/chain/3?to=${FEED_PATH}`) }, FAST);
    expect(result.status).toBe('ok');
    expect(result.url).toBe(server.url(FEED_PATH));
    expect(result.permanentUrl).toBeUndefined();
  });

  it('moves the feed only as far as the unbroken run of permanent redirects', async () => {
    const temporary = `/_fault/redirect/302?to=${encodeURIComponent(FEED_PATH)}`;
    const result = await fetchFeed({ url: server.url(`/_fault/redirect/301?to=${encodeURIComponent(temporary)}`) }, FAST);
    expect(result).toMatchObject({ status: 'ok', url: server.url(FEED_PATH), permanentUrl: server.url(temporary) });
  });

  it('reports the move on a 304 as well', async () => {
    const first = await fetchFeed({ url: server.url(FEED_PATH) }, FAST);
    if (first.status !== 'ok') throw new Error('expected a body');
    const moved = server.url(`/_fault/redirect/301?to=${FEED_PATH}`);
    const result = await fetchFeed({ url: moved, etag: first.etag }, FAST);
    expect(result).toEqual({ status: 'not-modified', url: server.url(FEED_PATH), permanentUrl: server.url(FEED_PATH) });
  });

  it('fails on a 304 to a request that sent no validators: there is nothing it could mean', async () => {
    const url = server.url('/_fault/status/304');
    const { error } = await failure(url);
    expect(error.code).toBe('FETCH_HTTP');
    expect(error.status).toBe(304);
    expect(error.message).toBe(`${url}: HTTP 304 Not Modified to a request without validators (no ETag or Last-Modified was sent); the server sent no feed`);
    expect(lastRequest().headers['if-none-match']).toBeUndefined();
  });

  it('stops a redirect loop', async () => {
    const url = server.url('/_fault/loop/a');
    const { error, ms } = await failure(url);
    expect(error.code).toBe('FETCH_REDIRECT');
    expect(error.message).toMatch(new RegExp(`^${escape(url)}: redirect loop`));
    expect(error.message).toContain('/_fault/loop/b');
  });

  it('stops after maxRedirects', async () => {
    const url = server.url(`/_fault/chain/6?to=${FEED_PATH}`);
    const { error } = await failure(url);
    expect(error.code).toBe('FETCH_REDIRECT');
    expect(error.message).toMatch(new RegExp(`^${escape(url)}: too many redirects \\(more than 5`));
    expect((await fetchFeed({ url }, { ...FAST, maxRedirects: 6 })).status).toBe('ok');
  });
});

describe('fetchFeed: HTTP errors', () => {
  it('reports the status', async () => {
    const url = server.url('/_fault/status/500');
    const { error } = await failure(url);
    expect(error).toMatchObject({ code: 'FETCH_HTTP', status: 500, url });
    expect(error.message).toBe(`${url}: HTTP 500 Internal Server Error`);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('reports a missing file as 404', async () => {
    const url = server.url('/no/such/feed.xml');
    const { error } = await failure(url);
    expect(error).toMatchObject({ code: 'FETCH_HTTP', status: 404 });
    expect(error.message).toBe(`${url}: HTTP 404 Not Found`);
  });

  it('reads Retry-After seconds on a 429', async () => {
    const url = server.url('/_fault/status/429?retry-after=120');
    const { error } = await failure(url);
    expect(error).toMatchObject({ code: 'FETCH_HTTP', status: 429, retryAfterMs: 120_000 });
    expect(error.message).toBe(`${url}: HTTP 429 Too Many Requests (retry after 120 s)`);
  });

  it('reads a Retry-After HTTP-date on a 503, measured from the server Date', async () => {
    const retryAt = new Date(Date.now() + 90_000).toUTCString();
    const url = server.url(`/_fault/status/503?retry-after=${encodeURIComponent(retryAt)}`);
    const { error } = await failure(url);
    expect(error).toMatchObject({ code: 'FETCH_HTTP', status: 503 });
    // Both dates have whole seconds: the answer is 90 s give or take the second boundary.
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(88_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(91_000);
  });

  it('names the redirect target when the error came from it', async () => {
    const url = server.url('/_fault/redirect/302?to=/_fault/status/500');
    const { error } = await failure(url);
    expect(error.message).toBe(`${url}: HTTP 500 Internal Server Error (at ${server.url('/_fault/status/500')})`);
  });
});

describe('fetchFeed: timeouts, size cap and broken connections', () => {
  it('gives up on a connection that never completes at the connect timeout', async () => {
    // Only the connect limit can end this fetch: no handshake comes, and the total limit is far off.
    const unanswered = await startUnansweredPort();
    try {
      const url = `http://127.0.0.1:${unanswered.port}/feed.xml`;
      const { error, ms } = await failure(url, { connectTimeoutMs: 300, totalTimeoutMs: 10_000 });
      expect(error.code).toBe('FETCH_TIMEOUT');
      expect(error.message).toBe(`${url}: no response within 300 ms`);
      expect(ms).toBeGreaterThanOrEqual(290);
    } finally {
      await unanswered.close();
    }
  });

  it('gives up on a server that accepts and never answers at the connect timeout', async () => {
    const url = server.url('/_fault/hang');
    const { error, ms } = await failure(url, { connectTimeoutMs: 300, totalTimeoutMs: 10_000 });
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toBe(`${url}: no response within 300 ms`);
    expect(ms).toBeGreaterThanOrEqual(290);
  });

  it('cuts a slow-drip body at the total timeout', async () => {
    const url = server.url('/_fault/drip?interval=20');
    // The headers come at once; the connect limit is far off, so only the total limit can end it.
    const { error, ms } = await failure(url, { connectTimeoutMs: 10_000, totalTimeoutMs: 1000 });
    expect(error.code).toBe('FETCH_TIMEOUT');
    expect(error.message).toMatch(new RegExp(`^${escape(url)}: not complete within 1000 ms; \\d+ bytes of the body received$`));
    expect(ms).toBeGreaterThanOrEqual(990);
  });

  it('refuses a body whose Content-Length is over the cap without downloading it', async () => {
    const url = server.url('/_fault/huge?bytes=52428800');
    const { error } = await failure(url, { ...FAST, maxBytes: 1024 * 1024 });
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(error.message).toBe(`${url}: body too large (Content-Length 52428800; limit 1048576 bytes)`);
  });

  it('stops a streamed 50 MB body as soon as it passes the cap', async () => {
    const url = server.url('/_fault/huge?bytes=52428800&chunked=1');
    const heapBefore = process.memoryUsage().heapUsed;
    const { error } = await failure(url, { ...FAST, maxBytes: 1024 * 1024 });
    expect(error.code).toBe('FETCH_TOO_LARGE');
    expect(error.message).toBe(`${url}: body too large (more than 1048576 bytes received; limit 1048576 bytes)`);
    // The server could only push what socket buffers held after the client stopped reading.
    await new Promise((done) => setTimeout(done, 100));
    const sent = server.requests.find((request) => request.path.includes('chunked=1'))?.bodyBytesSent ?? 0;
    expect(sent).toBeLessThan(20 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it('reports a connection reset mid-body', async () => {
    const url = server.url(`/_fault/reset${FEED_PATH}`);
    const { error, ms } = await failure(url);
    expect(error.code).toBe('FETCH_NETWORK');
    expect(error.message).toMatch(new RegExp(`^${escape(url)}: connection closed mid-body after \\d+ bytes`));
  });

  it('reports a refused connection', async () => {
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}/feed.xml`;
    const { error, ms } = await failure(url);
    expect(error.code).toBe('FETCH_NETWORK');
    expect(error.message).toBe(`${url}: connection refused by 127.0.0.1:${port}`);
  });

  it('reports a failed DNS lookup (as undici reports it; no query leaves the machine)', async () => {
    const dnsFailure: typeof fetch = async () => {
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND feeds.example.invalid'), { code: 'ENOTFOUND' });
      throw new TypeError('fetch failed', { cause });
    };
    const url = 'http://feeds.example.invalid/rss';
    const { error } = await failure(url, { ...FAST, fetch: dnsFailure });
    expect(error.code).toBe('FETCH_NETWORK');
    expect(error.message).toBe(`${url}: DNS lookup failed for feeds.example.invalid (ENOTFOUND)`);
  });

  it('leaves the process usable: a normal fetch works after all the faults', async () => {
    const result = await fetchFeed({ url: server.url(FEED_PATH) }, FAST);
    expect(result.status).toBe('ok');
  });
});

describe('parseRetryAfter', () => {
  const reference = new Date('2025-03-01T08:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', reference)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', reference)).toBe(0);
  });

  it('reads an HTTP-date relative to the reference, never negative', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 08:05:00 GMT', reference)).toBe(300_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 07:00:00 GMT', reference)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter('soon', reference)).toBeUndefined();
    expect(parseRetryAfter('', reference)).toBeUndefined();
    expect(parseRetryAfter(null, reference)).toBeUndefined();
    expect(parseRetryAfter('-5', reference)).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A loopback port nothing listens on: bound, then released. */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}
