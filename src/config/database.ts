import { stringAt } from './fields.js';

// Where the archive is: a PostgreSQL database when ZHOUKAN_DATABASE_URL or database.url names one,
// else the SQLite file in data/. A password never comes from the config file (it would be copied
// and committed with it): from ZHOUKAN_DATABASE_URL, PGPASSWORD or ~/.pgpass, which the client reads.

export interface DatabaseConfig {
  /** postgres://user@host:port/database; holds a password only when it came from the environment. */
  url: string;
}

export function readDatabase(from: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]): DatabaseConfig | undefined {
  const fromEnv = env.ZHOUKAN_DATABASE_URL?.trim();
  const fromFile = stringAt(from, 'database.url', problems)?.trim();
  if (fromFile && hasPassword(fromFile)) {
    problems.push('database.url: holds a password; keep the password out of the config file: give it in PGPASSWORD (or ~/.pgpass), or the whole URL in ZHOUKAN_DATABASE_URL');
  }
  const url = fromEnv || fromFile;
  if (!url) return undefined;
  const source = fromEnv ? 'ZHOUKAN_DATABASE_URL' : 'database.url';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`${source}: not a URL (expected postgres://user@host:5432/database)`);
    return undefined;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    problems.push(`${source}: only PostgreSQL is supported (postgres://user@host:5432/database), got ${parsed.protocol}//…`);
    return undefined;
  }
  return { url };
}

function hasPassword(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.password !== '' || parsed.searchParams.has('password');
  } catch {
    return /:[^@/]*@/u.test(url);
  }
}
