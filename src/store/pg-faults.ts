import { AppError } from '../errors.js';

// The PostgreSQL archive's faults as messages, and its URL as messages may show it. Apart from
// postgres.ts so that a command can describe a fault without loading the PostgreSQL client.

/** A database URL without its password (in the user part or a `password` parameter), for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return 'the PostgreSQL archive (its URL cannot be parsed)';
  }
}

/** PostgreSQL error codes (SQLSTATE) and Node's network error codes, as far as a message needs them. */
function faultCode(error: unknown): { code: string; message: string } | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause instanceof AppError) continue;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (/^[0-9A-Z]{5}$/u.test(code) || /^E[A-Z]+$/u.test(code))) return { code, message: cause.message };
    if (/Connection terminated|timeout exceeded when trying to connect/u.test(cause.message)) return { code: 'ECONNRESET', message: cause.message };
  }
  return undefined;
}

/**
 * The PostgreSQL archive's faults that no retry within the run can mend (the server unreachable or
 * gone, the login refused, no such database, no permission, the server's disk full), found in
 * `error` or its causes, as one message that names the server and says what to do. Undefined for
 * anything else.
 */
export function pgFault(error: unknown, where: string): AppError | undefined {
  const found = faultCode(error);
  if (!found) return undefined;
  const { code, message } = found;
  const reason = `${message}, ${code}`;
  if (/^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|TIMEDOUT|PIPE|NOTFOUND|AI_AGAIN)$/u.test(code) || code === 'ENOENT' || code.startsWith('08') || code === '57P01' || code === '57P03') {
    return new AppError('STORE_IO', `${where}: cannot reach the PostgreSQL server (${reason}); check that it runs and that the URL's host and port are right, then run again`, { cause: error });
  }
  if (code === '28P01' || code === '28000') {
    return new AppError(
      'STORE_IO',
      `${where}: the PostgreSQL server refused the login (${reason}); check the user name, and give the password in PGPASSWORD or ZHOUKAN_DATABASE_URL`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new AppError('STORE_IO', `${where}: no such database on the server (${reason}); create it (createdb) or fix the URL`, { cause: error });
  }
  if (code === '42501') {
    return new AppError('STORE_IO', `${where}: the database user may not do this (${reason}); grant it the rights to create and write tables in this database`, {
      cause: error,
    });
  }
  if (code === '53100') {
    return new AppError('STORE_IO', `${where}: the database server's disk is full (${reason}); what was being saved was not saved. Free space on the server, then run again`, {
      cause: error,
    });
  }
  if (code.startsWith('53') || code.startsWith('58') || code.startsWith('XX')) {
    return new AppError('STORE_IO', `${where}: the database server could not do the work (${reason}); check the server's log, then run again`, { cause: error });
  }
  return undefined;
}
