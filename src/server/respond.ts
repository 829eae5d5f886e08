import type { IncomingMessage, ServerResponse } from 'node:http';

// Answers of the server's own pages (unsubscribing, signing up): never cached, no referrer (the
// URLs hold tokens), and a CSP as strict as the site's.

export function sendPage(response: ServerResponse, status: number, html: string, options: { headOnly?: boolean; headers?: Record<string, string> } = {}): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ...options.headers,
  });
  response.end(options.headOnly ? undefined : html);
}

/** The body of a small form post, up to `max` bytes (what is beyond is not read); undefined when larger. */
export async function readForm(request: IncomingMessage, max: number): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The token of a link (`?t=`). */
export function tokenOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('t') ?? '';
}
