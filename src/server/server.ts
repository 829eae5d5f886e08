import { realpath, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import compression from 'compression';
import Negotiator from 'negotiator';
import serveStatic from 'serve-static';
import { AppError, describeError } from '../errors.js';
import { feedFormatOf, feedPagePath, INDEX_FILE, type FeedFormat } from '../output/paths.js';
import type { Log } from '../util/log.js';

// Serves the output folder for feed readers and browsers. serve-static does the file work (ETag,
// Last-Modified, 304, HEAD, Range, `..` and dotfile refusal); compression wraps it. This file adds
// what they do not: content types with charset, caching and security headers, exact-path routes,
// and a realpath check, because serve-static follows symlinks out of the root.

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ServerOptions {
  /** Absolute path of the output folder. */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks any free port. */
  port?: number;
  log: Log;
  /** Handlers for exact paths (query string ignored), checked before static files. */
  routes?: Readonly<Record<string, RouteHandler>>;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  /** Stops accepting, ends keep-alive sockets, resolves when closed. */
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
/** How long requests in flight may take to finish once close() is called. */
const CLOSE_GRACE_MS = 2_000;

type Headers = Readonly<Record<string, string>>;

// Readers must revalidate feeds and pages (cheap thanks to ETag/304); assets may be cached an hour.
const REVALIDATE = 'no-cache';
const ONE_HOUR = 'public, max-age=3600';

// Our pages use only a linked stylesheet and external images: no inline styles, no scripts.
const HTML_SECURITY: Headers = {
  'Content-Security-Policy':
    "default-src 'none'; img-src https: http: data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

// Feeds vary by Accept: a browser gets the feed's page at the feed's own URL (see feedPageFor).
const RSS: Headers = { 'Content-Type': 'application/rss+xml; charset=utf-8', 'Cache-Control': REVALIDATE, Vary: 'Accept' };
const ATOM: Headers = { 'Content-Type': 'application/atom+xml; charset=utf-8', 'Cache-Control': REVALIDATE, Vary: 'Accept' };
const JSON_FEED: Headers = { 'Content-Type': 'application/feed+json; charset=utf-8', 'Cache-Control': REVALIDATE, Vary: 'Accept' };

const FEED_HEADERS: Readonly<Record<FeedFormat, Headers>> = { rss: RSS, atom: ATOM, json: JSON_FEED };

const HEADERS_BY_EXTENSION: Readonly<Record<string, Headers>> = {
  '.xml': { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': REVALIDATE },
  '.html': { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': REVALIDATE, ...HTML_SECURITY },
  '.txt': { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': REVALIDATE },
  '.css': { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': ONE_HOUR },
};

/** Anything else (images, fonts): send's own content type, cached an hour. */
const ASSET: Headers = { 'Cache-Control': ONE_HOUR };

/**
 * Headers for a file, by its path relative to the root ('/' separators): a feed's by its format
 * (paths.ts decides which files are feeds), then by extension; see HEADERS_BY_EXTENSION.
 */
export function headersForFile(relativePath: string): Headers {
  const format = feedFormatOf(relativePath);
  if (format) return FEED_HEADERS[format];
  return HEADERS_BY_EXTENSION[posix.extname(relativePath.toLowerCase())] ?? ASSET;
}

/**
 * The path of the page to send instead of a feed: browsers show a feed as raw text (and are
 * dropping the XSLT that used to dress it), so a request that prefers HTML to the feed's own type
 * gets the feed's page (feed-page.ts), when there is one. Feed readers, which ask for the feed's
 * type, for XML or for anything, get the feed.
 */
async function feedPageFor(root: string, pathname: string, req: IncomingMessage): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined; // refusePath answers it
  }
  const format = feedFormatOf(decoded.slice(1));
  if (!format) return undefined;
  const feedType = FEED_HEADERS[format]['Content-Type']?.split(';')[0] ?? '';
  // Readers that ask for generic XML or JSON count as asking for the feed.
  const feedTypes = [feedType, ...(feedType === 'application/feed+json' ? ['application/json'] : ['application/xml', 'text/xml'])];
  if (new Negotiator(req).mediaType([...feedTypes, 'text/html']) !== 'text/html') return undefined;
  return (await isFile(join(root, feedPagePath(decoded)))) ? feedPagePath(pathname) : undefined;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? DEFAULT_PORT;
  const server = createServer(createRequestListener(resolve(options.root), options.routes ?? {}, options.log));
  await listen(server, host, requestedPort);
  const { port } = server.address() as AddressInfo;
  server.on('error', (error) => options.log.error(`Server on ${host}:${port} failed: ${describeError(error)}`));

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    close: () => (closing ??= closeServer(server)),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return Promise.reject(new AppError('SERVER_LISTEN', `Cannot listen on ${host}:${port}: the port must be an integer from 0 to 65535`));
  }
  return new Promise((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new AppError('SERVER_LISTEN', `Cannot listen on ${host}:${port}: ${explainListenError(error, host, port)}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}

function explainListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use; choose another with server.port or --port`;
    case 'EACCES':
      return `permission denied (ports below 1024 usually need root); choose another with server.port or --port`;
    case 'EADDRNOTAVAIL':
      return `address ${host} does not belong to this machine; check server.host`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name ${host} could not be resolved; check server.host`;
    default:
      return describeError(error);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // Requests in flight get a moment to finish; then whatever is left is cut so the process can exit.
    const forceClose = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close((error) => {
      clearTimeout(forceClose);
      if (error) reject(error);
      else resolvePromise();
    });
    server.closeIdleConnections();
  });
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function createRequestListener(root: string, routes: Readonly<Record<string, RouteHandler>>, log: Log) {
  const serveFile = serveStatic(root, {
    index: INDEX_FILE,
    dotfiles: 'ignore', // 404 for dotfiles, such as the temp files of atomic writes
    fallthrough: false, // every failure comes to our callback, which writes the response
    cacheControl: false, // ours, from headersForFile
    setHeaders: (res: ServerResponse, path) => {
      const file = relative(root, path).split(sep).join('/');
      for (const [name, value] of Object.entries(headersForFile(file))) {
        res.setHeader(name, value);
      }
    },
  });
  // Typed for express, but it only uses node's request and response.
  const compress = compression({
    threshold: 1024,
    // A compressed byte range would not be the range asked for.
    filter: (req, res) => !res.hasHeader('Content-Range') && compression.filter(req, res),
  }) as unknown as Middleware;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const url = req.url ?? '';
    // Only origin-form targets ("/path?query"): we are not a proxy.
    if (!url.startsWith('/')) return sendStatus(res, 400);
    const pathname = url.split('?', 1)[0] ?? url;

    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (route) return await route(req, res);

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendStatus(res, 405);
    }
    const feedPage = await feedPageFor(root, pathname, req);
    const path = feedPage ?? pathname;
    const refusal = await refusePath(root, path);
    if (refusal !== undefined) return sendStatus(res, refusal);
    if (feedPage) {
      // serve-static reads the path from req.url; the answer still depends on Accept.
      req.url = feedPage + url.slice(pathname.length);
      res.setHeader('Vary', 'Accept');
    }

    compress(req, res, () =>
      serveFile(req, res, (error) => {
        const status = error?.statusCode ?? 404;
        if (status >= 500) log.error(`Serving ${pathname} failed: ${describeError(error)}`);
        if (res.headersSent) res.destroy();
        else sendStatus(res, status, { clearHeaders: true });
      }),
    );
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(req, res).catch((error: unknown) => {
      log.error(`Request ${req.method} ${req.url} failed: ${describeError(error)}`);
      if (res.headersSent) res.destroy();
      else sendStatus(res, 500, { clearHeaders: true });
    });
  };
}

/**
 * An error status for what serve-static would get wrong, or undefined to let it answer. send refuses
 * `..`, NUL and dotfiles itself, but follows symlinks: the file's real path must stay inside the
 * root's. Encoded separators are refused outright: no page of ours needs them.
 */
async function refusePath(root: string, pathname: string): Promise<number | undefined> {
  if (/%2f|%5c/i.test(pathname)) return 400;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return 400; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 400;

  const target = join(root, decoded);
  if (!isInside(root, target)) return 403;
  const file = decoded.endsWith('/') ? join(target, INDEX_FILE) : target;
  // A missing file is send's to answer (404); only an existing one can lead outside.
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)].map((path) => path.catch(() => undefined)));
  if (realRoot === undefined || realFile === undefined) return undefined;
  return isInside(realRoot, realFile) ? undefined : 404;
}

function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

function sendStatus(res: ServerResponse, status: number, options: { clearHeaders?: boolean } = {}): void {
  // Headers meant for the file (type, ETag, caching) must not describe an error page.
  if (options.clearHeaders) for (const name of res.getHeaderNames()) res.removeHeader(name);
  const body = `${status} ${STATUS_CODES[status] ?? 'Error'}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body);
}
