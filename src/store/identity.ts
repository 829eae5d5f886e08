import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { dayInZone } from '../util/time.js';

// The authority of tag: ids (RFC 4151) is fixed at first use and kept in the data folder, so ids
// survive a new base URL, another machine, or a later date.

const IDENTITY_FILE = 'identity.json';

interface Identity {
  idAuthority: string;
}

/** Reads the stored authority, or fixes one from the site's host and today's date and stores it. */
export async function loadIdAuthority(dataDir: string, siteUrl: string, now: Date): Promise<string> {
  const file = join(dataDir, IDENTITY_FILE);
  const stored = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<Identity>,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  if (stored?.idAuthority) return stored.idAuthority;
  const host = new URL(siteUrl).hostname.replace(/[^a-z0-9.-]+/gi, '-').replace(/^-+|-+$/g, '') || 'localhost';
  const idAuthority = `${host},${dayInZone(now, 'UTC')}`;
  await writeFileAtomic(file, `${JSON.stringify({ idAuthority } satisfies Identity, null, 2)}\n`);
  return idAuthority;
}
