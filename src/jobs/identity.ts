import { dayInZone } from '../util/time.js';
import type { JobContext } from './context.js';

// The authority of tag: ids (RFC 4151) is fixed at first use and kept in the archive, so ids
// survive a new base URL, another machine, or a later date.

const KEY = 'idAuthority';

/** The configured authority, else the archive's, else one fixed now from the site's host and today. */
export async function idAuthorityOf(context: Pick<JobContext, 'config' | 'store' | 'now'>): Promise<string> {
  const { config, store, now } = context;
  if (config.site.idAuthority) return config.site.idAuthority;
  const stored = await store.getMeta(KEY);
  if (stored) return stored;
  const host = new URL(config.site.url).hostname.replace(/[^a-z0-9.-]+/gi, '-').replace(/^-+|-+$/g, '') || 'localhost';
  const authority = `${host},${dayInZone(now, 'UTC')}`;
  await store.setMeta(KEY, authority);
  return authority;
}
