import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

// A loopback HTTP server for feed tests: serves files from a folder with ETag/Last-Modified and
// 304s, and has fault routes (hang, error statuses, redirects, a huge body, a reset, compressed
// bodies, a slow drip). Listens on 127.0.0.1 only, on a free port.
//
// Fault routes (all under /_fault/):
//   /_fault/hang                          accepts the request and never answers
//   /_fault/status/500                    that status with a small body; ?retry-after=VALUE adds Retry-After
//   /_fault/redirect/301?to=/a.xml        that redirect status to `to` (a path or an absolute URL)
//   /_fault/loop/a                        302 → /_fault/loop/b → /_fault/loop/a …
//   /_fault/chain/3?to=/a.xml             3 hops of 302 (chain/3 → chain/2 → chain/1 → to)
//   /_fault/huge?bytes=52428800           a generated body of that many bytes, streamed with backpressure
//                                         (&chunked=1: without Content-Length); bytes written go to bodyBytesSent
//   /_fault/reset/a.xml                   the file's headers (full Content-Length) and half its body, then socket.destroy()
//   /_fault/gzip/a.xml, /_fault/br/a.xml  the file compressed, with Content-Encoding
//   /_fault/drip?interval=50              headers at once, then one byte every `interval` ms, never ending

export interface RecordedRequest {
  method: string;
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Body bytes written so far, for generated bodies (/_fault/huge). */
  bodyBytesSent?: number;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface FeedServerOptions {
  /** Folder whose files are served at `/<relative path>`. */
  root?: string;
  /** Content-Type for a served file; return undefined for the default by extension. */
  contentType?: (path: string) => string | undefined;
  /** A loopback address to listen on (default 127.0.0.1): servers on several are several hosts. */
  host?: string;
}

export interface FeedServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Adds (or replaces) a handler for an exact path, checked before files and fault routes. */
  route(path: string, handler: RouteHandler): void;
  /** Stops listening and destroys every open connection (hanging and dripping ones too). */
  close(): Promise<void>;
}

const DEFAULT_TYPES: Record<string, string> = {
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
  '.html': 'text/html; charset=utf-8',
};

export async function startFeedServer(options: FeedServerOptions = {}): Promise<FeedServer> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, RouteHandler>();
  const timers = new Set<NodeJS.Timeout>();

  const files = options.root ? createFileHandler(options.root, options.contentType) : undefined;

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const record: RecordedRequest = { method: request.method ?? 'GET', path, headers: request.headers };
    requests.push(record);
    const { pathname, searchParams } = new URL(path, 'http://127.0.0.1');
    const handle = async () => {
      const custom = routes.get(pathname);
      if (custom) return custom(request, response);
      if (pathname.startsWith('/_fault/')) return serveFault({ pathname, query: searchParams, request, response, record }, files, timers);
      if (files) return files.serve(pathname, request, response);
      return sendText(response, 404, 'not found');
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `test server error: ${String(error)}`);
      else response.destroy();
    });
  });
  // Keep-alive sockets would otherwise outlive close() in the client's pool.
  server.keepAliveTimeout = 1000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((done) => server.listen(0, host, done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    requests,
    route: (path, handler) => void routes.set(path, handler),
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}

interface FileHandler {
  serve(pathname: string, request: IncomingMessage, response: ServerResponse): Promise<void>;
  read(pathname: string): Promise<{ body: Buffer; type: string; etag: string; lastModified: string } | undefined>;
}

function createFileHandler(root: string, contentType?: (path: string) => string | undefined): FileHandler {
  const base = resolve(root);
  const read: FileHandler['read'] = async (pathname) => {
    const file = resolve(base, `.${decodeURIComponent(pathname)}`);
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const body = await readFile(file);
    return {
      body,
      type: contentType?.(pathname) ?? DEFAULT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
      lastModified: info.mtime.toUTCString(),
    };
  };
  return {
    read,
    async serve(pathname, request, response) {
      const file = await read(pathname);
      if (!file) return sendText(response, 404, 'not found');
      const validators = { etag: file.etag, 'last-modified': file.lastModified };
      if (isNotModified(request.headers, file.etag, file.lastModified)) {
        response.writeHead(304, validators).end();
        return;
      }
      response.writeHead(200, { ...validators, 'content-type': file.type, 'content-length': file.body.length });
      response.end(file.body);
    },
  };
}

/** RFC 9110: If-None-Match wins over If-Modified-Since; ETags compared weakly. */
function isNotModified(headers: IncomingHttpHeaders, etag: string, lastModified: string): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch) {
    const strip = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => strip(tag) === strip(etag));
  }
  const since = headers['if-modified-since'];
  if (since) {
    const sinceMs = Date.parse(since);
    return !Number.isNaN(sinceMs) && Date.parse(lastModified) <= sinceMs;
  }
  return false;
}

interface Exchange {
  pathname: string;
  query: URLSearchParams;
  request: IncomingMessage;
  response: ServerResponse;
  record: RecordedRequest;
}

async function serveFault(
  { pathname, query, request, response, record }: Exchange,
  files: FileHandler | undefined,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const [, , kind = '', ...rest] = pathname.split('/');
  const tail = `/${rest.join('/')}`;

  switch (kind) {
    case 'hang':
      // Never answer; close() destroys the socket.
      return;

    case 'status': {
      const status = Number(rest[0]);
      const retryAfter = query.get('retry-after');
      response.writeHead(status, { 'content-type': 'text/plain', ...(retryAfter && { 'retry-after': retryAfter }) });
      response.end(`status ${status}`);
      return;
    }

    case 'redirect':
      return redirect(response, Number(rest[0]), query.get('to') ?? '/');

    case 'loop':
      return redirect(response, 302, rest[0] === 'a' ? '/_fault/loop/b' : '/_fault/loop/a');

    case 'chain': {
      const left = Number(rest[0]);
      const to = query.get('to') ?? '/';
      return redirect(response, 302, left > 1 ? `/_fault/chain/${left - 1}?to=${encodeURIComponent(to)}` : to);
    }

    case 'huge':
      return streamGenerated(response, record, {
        total: Number(query.get('bytes') ?? 50 * 1024 * 1024),
        chunked: query.get('chunked') === '1',
      });

    case 'reset': {
      const file = await files?.read(tail);
      if (!file) return sendText(response, 404, 'not found');
      response.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
      response.write(file.body.subarray(0, Math.floor(file.body.length / 2)), () => {
        // Give the client time to read the first half, then cut the connection.
        setTimeout(() => request.socket.destroy(), 20);
      });
      return;
    }

    case 'gzip':
    case 'br': {
      const file = await files?.read(tail);
      if (!file) return sendText(response, 404, 'not found');
      const body = kind === 'gzip' ? gzipSync(file.body) : brotliCompressSync(file.body);
      response.writeHead(200, {
        'content-type': file.type,
        'content-encoding': kind,
        'content-length': body.length,
        vary: 'accept-encoding',
      });
      response.end(body);
      return;
    }

    case 'drip': {
      const interval = Number(query.get('interval') ?? 50);
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.write('<?xml version="1.0"?>\n');
      const timer = setInterval(() => response.write(' '), interval);
      timers.add(timer);
      response.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }

    default:
      return sendText(response, 404, `unknown fault route ${pathname}`);
  }
}

function redirect(response: ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location, 'content-type': 'text/plain' });
  response.end(`moved to ${location}`);
}

/** Writes `total` bytes in 64 KiB chunks, waiting for 'drain'; stops when the client goes away. */
function streamGenerated(
  response: ServerResponse,
  record: RecordedRequest,
  { total, chunked }: { total: number; chunked: boolean },
): void {
  const chunk = Buffer.alloc(64 * 1024, '<item><title>filler</title></item>\n');
  response.writeHead(200, { 'content-type': 'application/xml', ...(!chunked && { 'content-length': total }) });
  let sent = 0;
  const pump = () => {
    while (sent < total && !response.destroyed) {
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      record.bodyBytesSent = sent;
      if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        response.once('drain', pump);
        return;
      }
    }
    if (sent >= total && !response.destroyed) response.end();
  };
  pump();
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
