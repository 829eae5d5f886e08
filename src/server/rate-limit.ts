import type { IncomingMessage } from 'node:http';
import { isIP, isIPv6 } from 'node:net';

// A token bucket per client: `burst` requests at once, then `perHour` spread over the hour. Kept
// in the server's memory (a restart forgets it); the map is pruned of full buckets when it grows,
// so a flood of addresses cannot grow it without bound.

export interface RateLimit {
  burst: number;
  perHour: number;
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const PRUNE_AT = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly limit: RateLimit) {
    this.perMs = limit.perHour / 3_600_000;
  }

  /** Takes a token from the client's bucket, or says how long until one is there. */
  take(client: string, nowMs: number): Admission {
    if (this.buckets.size >= PRUNE_AT) this.prune(nowMs);
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.burst, at: nowMs };
    const tokens = Math.min(this.limit.burst, bucket.tokens + Math.max(0, nowMs - bucket.at) * this.perMs);
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: nowMs });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: nowMs });
    return { allowed: true };
  }

  private prune(nowMs: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.at) * this.perMs >= this.limit.burst) this.buckets.delete(client);
    }
  }
}

/**
 * The key a client is limited by: its IPv4 address, or the /64 of an IPv6 one (a single host
 * usually holds a whole /64, so counting its addresses one by one would not limit it).
 */
export function clientKey(remoteAddress: string | undefined): string {
  const address = (remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/u, '');
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/u, '')).join(':')}::/64`;
}

/**
 * The client's address: the connection's, or behind a trusted reverse proxy the last address of
 * X-Forwarded-For (the one the proxy added; those before it are the client's to write).
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim();
    if (last && isIP(last)) return last;
  }
  return request.socket.remoteAddress;
}
