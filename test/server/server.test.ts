import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { headersForFile, startServer, type RunningServer } from '../../src/server/server.js';
import { createMemoryLog } from '../../src/util/log.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/site/', import.meta.url));
const OUTSIDE_MARKER = 'OUTSIDE-THE-ROOT-7f3a';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request: the path goes on the wire as written (fetch would normalise `..` away). */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: OutgoingHttpHeaders; agent?: Agent } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let temp: string;
let root: string;
let server: RunningServer;
const log = createMemoryLog();
const routeCalls: string[] = [];

beforeAll(async () => {
  // A temp copy of the fixture site, beside files it must never reveal.
  temp = await mkdtemp(join(tmpdir(), 'zhoukan-server-'));
  root = join(temp, 'site');
  await cp(FIXTURE, root, { recursive: true });
  await writeFile(join(temp, 'package.json'), `{ "name": "${OUTSIDE_MARKER}" }\n`);
  await writeFile(join(temp, 'secret.txt'), `${OUTSIDE_MARKER}\n`);
  await symlink(join(temp, 'secret.txt'), join(root, 'leak.txt'));
  await symlink(temp, join(root, 'leak-folder'));
  await symlink(join(root, 'rss.xml'), join(root, 'latest.xml'));

  server = await startServer({
    root,
    port: 0,
    log,
    routes: {
      '/unsubscribe': (req, res) => {
        routeCalls.push(`${req.method} ${req.url}`);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('已退订\n');
      },
      '/broken': () => {
        throw new Error('route exploded');
      },
    },
  });
});

afterAll(async () => {
  await server?.close();
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('content types and caching', () => {
  it.each([
    ['/rss.xml', 'application/rss+xml; charset=utf-8', 'no-cache'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8', 'no-cache'],
    ['/themes/keji.xml', 'application/rss+xml; charset=utf-8', 'no-cache'],
    ['/feed.json', 'application/feed+json; charset=utf-8', 'no-cache'],
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/articles/a.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/rss.xml.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/robots.txt', 'text/plain; charset=utf-8', 'no-cache'],
    ['/assets/site.css', 'text/css; charset=utf-8', 'public, max-age=3600'],
    ['/assets/logo.svg', 'image/svg+xml', 'public, max-age=3600'],
  ])('%s is %s, Cache-Control %s', async (path, type, cacheControl) => {
    const reply = await send(server.url, path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.headers['cache-control']).toBe(cacheControl);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body.equals(await readFile(join(root, path)))).toBe(true);
  });

  it('decides .xml by name: atom names, rss names and themes/ are feeds, other .xml is plain XML', () => {
    const typeOf = (path: string) => headersForFile(path)['Content-Type'];
    expect(typeOf('rss.xml')).toBe('application/rss+xml; charset=utf-8');
    expect(typeOf('themes/keji/rss.xml')).toBe('application/rss+xml; charset=utf-8');
    expect(typeOf('digest.rss.xml')).toBe('application/rss+xml; charset=utf-8');
    expect(typeOf('digest.rss')).toBe('application/rss+xml; charset=utf-8');
    expect(typeOf('atom.xml')).toBe('application/atom+xml; charset=utf-8');
    expect(typeOf('themes/keji.atom.xml')).toBe('application/atom+xml; charset=utf-8');
    expect(typeOf('digest.atom')).toBe('application/atom+xml; charset=utf-8');
    expect(typeOf('sitemap.xml')).toBe('application/xml; charset=utf-8');
    expect(typeOf('assets/photo.jpg')).toBeUndefined();
  });

  it("serves a browser the feed's page at the feed's URL, a feed reader the feed, and says it varies", async () => {
    const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/themes/keji.xml']) {
      const generic = path.endsWith('.json') ? 'application/json' : 'application/xml';
      const readerAccepts = ['application/rss+xml, application/atom+xml;q=0.9, */*;q=0.1', '*/*', '', `${generic}, text/html;q=0.5`];
      const browser = await send(server.url, path, { headers: { Accept: browserAccept } });
      expect(browser.status, path).toBe(200);
      expect(browser.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(browser.headers['content-security-policy'], path).toMatch(/default-src 'none'/);
      expect(browser.headers.vary, path).toMatch(/\bAccept\b/);
      expect(browser.body.equals(await readFile(join(root, `${path}.html`))), path).toBe(true);
      for (const accept of readerAccepts) {
        const reader = await send(server.url, path, { headers: accept ? { Accept: accept } : {} });
        expect(reader.headers['content-type'], `${path} for "${accept}"`).toMatch(/^application\/(rss\+xml|atom\+xml|feed\+json); charset=utf-8$/);
        expect(reader.headers.vary, path).toMatch(/\bAccept\b/);
        expect(reader.body.equals(await readFile(join(root, path))), path).toBe(true);
      }
    }
  });

  it('serves a browser the feed itself when the feed has no page', async () => {
    const reply = await send(server.url, '/latest.xml', { headers: { Accept: 'text/html,*/*;q=0.8' } });
    expect(reply.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(reply.body.equals(await readFile(join(root, 'rss.xml')))).toBe(true);
  });

  it('serves index.html for / with the security headers of a page', async () => {
    const reply = await send(server.url, '/');
    expect(reply.status).toBe(200);
    expect(reply.body.equals(await readFile(join(root, 'index.html')))).toBe(true);
    expect(reply.headers['content-security-policy']).toBe(
      "default-src 'none'; img-src https: http: data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps page security headers off feeds', async () => {
    const reply = await send(server.url, '/rss.xml');
    expect(reply.headers['content-security-policy']).toBeUndefined();
  });

  it('serves a symlink that stays inside the root', async () => {
    const reply = await send(server.url, '/latest.xml');
    expect(reply.status).toBe(200);
    expect(reply.body.equals(await readFile(join(root, 'rss.xml')))).toBe(true);
  });
});

describe('conditional requests, HEAD and ranges', () => {
  it('sends ETag and Last-Modified, and 304 with no body for If-None-Match', async () => {
    const first = await send(server.url, '/rss.xml');
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['last-modified']).toBeTruthy();
    const again = await send(server.url, '/rss.xml', {
      headers: { 'If-None-Match': first.headers.etag, 'Accept-Encoding': 'gzip, br' },
    });
    expect(again.status).toBe(304);
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.body.length).toBe(0);
  });

  it('answers 304 with no body for If-Modified-Since', async () => {
    const first = await send(server.url, '/atom.xml');
    const again = await send(server.url, '/atom.xml', {
      headers: { 'If-Modified-Since': first.headers['last-modified'], 'Accept-Encoding': 'gzip, br' },
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers HEAD with the headers and no body', async () => {
    const size = (await readFile(join(root, 'rss.xml'))).length;
    const reply = await send(server.url, '/rss.xml', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(reply.headers['content-length']).toBe(String(size));
    expect(reply.headers.etag).toBeTruthy();
    expect(reply.body.length).toBe(0);
  });

  it('serves byte ranges uncompressed', async () => {
    const file = await readFile(join(root, 'rss.xml'));
    const reply = await send(server.url, '/rss.xml', { headers: { Range: 'bytes=0-99', 'Accept-Encoding': 'gzip' } });
    expect(reply.status).toBe(206);
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.equals(file.subarray(0, 100))).toBe(true);
  });
});

describe('compression', () => {
  it('gzips a large file when the client accepts gzip', async () => {
    const file = await readFile(join(root, 'rss.xml'));
    expect(file.length).toBeGreaterThan(1024);
    const reply = await send(server.url, '/rss.xml', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers.vary).toMatch(/accept-encoding/i);
    expect(reply.body.length).toBeLessThan(file.length);
    expect(gunzipSync(reply.body).equals(file)).toBe(true);
  });

  it('uses brotli when the client accepts br', async () => {
    const file = await readFile(join(root, 'atom.xml'));
    const reply = await send(server.url, '/atom.xml', { headers: { 'Accept-Encoding': 'br' } });
    expect(reply.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(reply.body).equals(file)).toBe(true);
  });

  it('leaves small files and clients without Accept-Encoding alone', async () => {
    const small = await send(server.url, '/assets/site.css', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    const plain = await send(server.url, '/rss.xml');
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
});

describe('errors', () => {
  it('answers 404 with a small body for a missing file', async () => {
    const reply = await send(server.url, '/nope.xml');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body.toString()).toBe('404 Not Found\n');
  });

  it('answers 404 for a folder without an index (after the usual redirect to its slash form)', async () => {
    expect((await send(server.url, '/articles/')).status).toBe(404);
    const bare = await send(server.url, '/articles');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/articles/');
  });

  it('answers 405 with Allow for other methods', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const reply = await send(server.url, '/rss.xml', { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    }
  });

  it('hides dotfiles, such as the temp files of atomic writes', async () => {
    const reply = await send(server.url, '/.rss.xml.0a1b2c3d4e5f.tmp');
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).not.toContain('half-written');
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2E%2E/package.json',
    '/articles/../../package.json',
    '/articles/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/%00',
    '/rss.xml%00.html',
    '/%E0%A4%A',
    '//package.json',
    'http://127.0.0.1/../package.json',
    '/leak.txt',
    '/leak-folder/secret.txt',
    '/leak-folder/package.json',
    '/leak-folder/',
  ])('never reveals what lies outside the root: %s', async (path) => {
    const reply = await send(server.url, path);
    expect([400, 403, 404]).toContain(reply.status);
    expect(reply.body.toString()).not.toContain(OUTSIDE_MARKER);
  });
});

describe('routes', () => {
  it('calls a route for its exact path, any method, before static files', async () => {
    routeCalls.length = 0;
    const reply = await send(server.url, '/unsubscribe?token=abc');
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('已退订\n');
    await send(server.url, '/unsubscribe', { method: 'POST' });
    expect(routeCalls).toEqual(['GET /unsubscribe?token=abc', 'POST /unsubscribe']);
  });

  it('does not call a route for other paths', async () => {
    routeCalls.length = 0;
    expect((await send(server.url, '/unsubscribe/x')).status).toBe(404);
    expect((await send(server.url, '/constructor')).status).toBe(404);
    expect(routeCalls).toEqual([]);
  });

  it('answers 500 and logs when a route throws', async () => {
    const reply = await send(server.url, '/broken');
    expect(reply.status).toBe(500);
    expect(log.lines.some((line) => line.startsWith('error:') && line.includes('route exploded'))).toBe(true);
  });

  it('logs no line for ordinary requests', async () => {
    const before = log.lines.length;
    await send(server.url, '/rss.xml');
    await send(server.url, '/nope');
    expect(log.lines.length).toBe(before);
  });
});

describe('listening and closing', () => {
  it('rejects with a clear AppError when the port is in use', async () => {
    const error = await startServer({ root, port: server.port, log: createMemoryLog() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SERVER_LISTEN');
    expect((error as AppError).message).toContain(`127.0.0.1:${server.port}`);
    expect((error as AppError).message).toContain(`port ${server.port} is in use; choose another with server.port or --port`);
  });

  it('reports its url and port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('closes promptly with an idle keep-alive connection open', async () => {
    const other = await startServer({ root, port: 0, log: createMemoryLog() });
    const agent = new Agent({ keepAlive: true });
    try {
      const reply = await send(other.url, '/rss.xml', { agent });
      expect(reply.headers.connection).toBe('keep-alive');
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect(send(other.url, '/rss.xml')).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('cuts a request that never finishes after the grace period', async () => {
    const other = await startServer({
      root,
      port: 0,
      log: createMemoryLog(),
      routes: { '/hang': (_req, res) => void res.write('partial') },
    });
    const hanging = send(other.url, '/hang').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.close();
    expect(await hanging).toBeInstanceOf(Error);
  });
});
