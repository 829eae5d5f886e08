import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Store, Subscriber } from '../store/store.js';
import { checkAddress } from '../subscribers/address.js';
import { subscribersFromCsv, subscribersToCsv } from '../subscribers/csv.js';
import { selectThemes, themeChoices } from '../subscribers/themes.js';
import type { Log } from '../util/log.js';
import { escapeControls } from '../util/log.js';

// `zhoukan subscribers list|add|remove|import FILE|export`: the operator's view of the digest's
// readers. What the operator adds is active at once (the operator vouches for it); the signup form
// is the way for anyone else.

/** Bad rows named one by one up to this many, then counted. */
const PROBLEMS_SHOWN = 50;

export interface SubscribersRun {
  args: readonly string[];
  themes?: string;
  config: Readonly<Config>;
  store: Store;
  log: Log;
  now: Date;
  write(text: string): void;
}

export async function runSubscribersCommand(run: SubscribersRun): Promise<number> {
  const [subcommand, ...rest] = run.args;
  const exact = (count: number, usage: string) => {
    if (rest.length !== count) throw new AppError('USAGE', `usage: zhoukan subscribers ${usage}`);
  };
  if (run.themes !== undefined && subcommand !== 'add') throw new AppError('USAGE', '--themes goes with "subscribers add"');
  switch (subcommand) {
    case 'list':
      exact(0, 'list');
      return list(run);
    case 'export':
      exact(0, 'export');
      run.write(subscribersToCsv(await run.store.subscribers.list()));
      return 0;
    case 'add':
      if (rest.length === 0) throw new AppError('USAGE', 'usage: zhoukan subscribers add ADDR... [--themes "A|B"]');
      return add(run, rest);
    case 'remove':
      if (rest.length === 0) throw new AppError('USAGE', 'usage: zhoukan subscribers remove ADDR...');
      return remove(run, rest);
    case 'import':
      exact(1, 'import FILE.csv');
      return importFile(run, rest[0]!);
    default:
      throw new AppError('USAGE', `usage: zhoukan subscribers list|add|remove|import FILE.csv|export (got "${escapeControls(run.args.join(' '))}")`);
  }
}

async function list(run: SubscribersRun): Promise<number> {
  const subscribers = await run.store.subscribers.list();
  const day = (date: Date | undefined) => date?.toISOString().slice(0, 10) ?? '-';
  const rows = subscribers.map((subscriber) => [
    subscriber.address,
    subscriber.suppressedAt ? `${subscriber.state}, suppressed` : subscriber.state,
    subscriber.themes?.join('|') ?? 'all themes',
    subscriber.origin,
    day(subscriber.createdAt),
    day(subscriber.confirmedAt),
    subscriber.suppressedAt ? `${day(subscriber.suppressedAt)} ${escapeControls(subscriber.suppressedReason ?? '')}` : '',
  ]);
  const table = [['address', 'state', 'themes', 'origin', 'created', 'confirmed', 'suppressed'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => displayWidth(row[column]!))));
  for (const row of table) run.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column]!))).join('  ').trimEnd()}\n`);
  const counts = ['active', 'paused', 'pending', 'unsubscribed'].map((state) => `${subscribers.filter((subscriber) => subscriber.state === state).length} ${state}`);
  const suppressed = subscribers.filter((subscriber) => subscriber.suppressedAt).length;
  run.write(`zhoukan: ${subscribers.length} subscribers: ${counts.join(', ')}; ${suppressed} suppressed\n`);
  return 0;
}

async function add(run: SubscribersRun, addresses: readonly string[]): Promise<number> {
  const choices = themeChoices(run.config);
  let themes: string[] | undefined;
  if (run.themes !== undefined) {
    const named = run.themes.split(/[|;]/u).map((theme) => theme.trim()).filter(Boolean);
    const unknown = named.filter((theme) => !choices.includes(theme));
    if (unknown.length > 0 || named.length === 0) {
      throw new AppError('USAGE', `--themes: ${unknown.length ? `unknown theme ${unknown.map((theme) => `"${theme}"`).join(', ')}` : 'no theme named'} (the themes are: ${choices.join(' | ') || 'none: the taxonomy is off'})`);
    }
    const selection = selectThemes(named, choices);
    themes = 'themes' in selection ? selection.themes : undefined;
  }
  const checked = addresses.map((address) => ({ address, check: checkAddress(address) }));
  const bad = checked.find((entry) => 'problem' in entry.check);
  if (bad && 'problem' in bad.check) throw new AppError('USAGE', `"${escapeControls(bad.address)}" is not an address that can subscribe: ${bad.check.problem}`);
  let added = 0;
  let updated = 0;
  for (const { check } of checked) {
    if (!('address' in check)) continue;
    const existing = await run.store.subscribers.get(check.address);
    await run.store.subscribers.put(activeRecord(check.address, themes, existing, 'operator', run.now));
    if (existing) updated += 1;
    else added += 1;
  }
  run.write(`zhoukan: added ${added}, updated ${updated} subscribers (active, ${themes ? themes.join('|') : 'all themes'})\n`);
  return 0;
}

async function remove(run: SubscribersRun, addresses: readonly string[]): Promise<number> {
  let removed = 0;
  for (const address of addresses) {
    if (await run.store.subscribers.remove(address)) removed += 1;
    else run.log.warn(`${escapeControls(address)} is not a subscriber`);
  }
  run.write(`zhoukan: removed ${removed} of ${addresses.length} subscribers\n`);
  return removed > 0 ? 0 : 1;
}

async function importFile(run: SubscribersRun, file: string): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('SOURCE_READ', `cannot read the subscribers file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const { rows, problems } = subscribersFromCsv(text, themeChoices(run.config));
  for (const { line, problem } of problems.slice(0, PROBLEMS_SHOWN)) run.log.warn(`${file}:${line}: ${escapeControls(problem)}; skipped`);
  if (problems.length > PROBLEMS_SHOWN) run.log.warn(`${file}: ${problems.length - PROBLEMS_SHOWN} more bad rows skipped`);
  let added = 0;
  let updated = 0;
  for (const row of rows) {
    const existing = await run.store.subscribers.get(row.address);
    const { confirmedAt, ...record } = activeRecord(row.address, row.themes, existing, 'import', run.now);
    // A pending row was never confirmed: it keeps no confirmation date unless the file gives one.
    const confirmed = row.confirmed ?? (row.state === 'pending' ? undefined : confirmedAt);
    await run.store.subscribers.put({
      ...record,
      state: row.state,
      createdAt: row.created ?? existing?.createdAt ?? run.now,
      ...(confirmed ? { confirmedAt: confirmed } : {}),
    });
    if (existing) updated += 1;
    else added += 1;
  }
  run.write(`zhoukan: imported ${added + updated} subscribers from ${file} (${added} added, ${updated} updated), ${problems.length} bad rows skipped\n`);
  return added + updated > 0 ? 0 : 1;
}

/** An address made active by the operator, keeping what the archive knew of it (suppression included). */
function activeRecord(address: string, themes: string[] | undefined, existing: Subscriber | undefined, origin: Subscriber['origin'], now: Date): Subscriber {
  const { themes: _themes, confirmedAt, ...kept } = existing ?? { address, origin, createdAt: now, softBounces: 0 };
  return { ...kept, address, state: 'active', ...(themes ? { themes } : {}), updatedAt: now, confirmedAt: confirmedAt ?? now };
}

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return width;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
