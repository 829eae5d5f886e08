import type { Subscriber, SubscriberState } from '../store/store.js';
import { readCsv, writeCsv } from '../util/csv.js';
import { checkAddress } from './address.js';

// The subscribers as CSV, for `zhoukan subscribers import` and `export`: one row per address with
// the columns below (a header row first; export writes one). Themes are separated by `|` (`;` is
// read too); an empty themes field means all themes. Dates are ISO 8601.

export const CSV_COLUMNS = ['address', 'themes', 'state', 'created', 'confirmed'] as const;
const STATES: readonly SubscriberState[] = ['active', 'paused', 'unsubscribed', 'pending'];

export interface CsvSubscriber {
  line: number;
  address: string;
  themes: string[] | undefined;
  state: SubscriberState;
  created?: Date;
  confirmed?: Date;
}

export interface CsvProblem {
  line: number;
  problem: string;
}

export function subscribersToCsv(subscribers: readonly Subscriber[]): string {
  return writeCsv([
    [...CSV_COLUMNS],
    ...subscribers.map((subscriber) => [
      subscriber.address,
      subscriber.themes?.join('|') ?? '',
      subscriber.state,
      subscriber.createdAt.toISOString(),
      subscriber.confirmedAt?.toISOString() ?? '',
    ]),
  ]);
}

/**
 * The rows of a subscribers CSV, and the rows that cannot be used (line and reason). Columns are
 * found by the header row when there is one (any order; unknown columns ignored), else taken in
 * the order of CSV_COLUMNS; only the address is required. Themes must be among `choices` when
 * there are choices. A missing state is active: the operator vouches for the list.
 */
export function subscribersFromCsv(text: string, choices: readonly string[]): { rows: CsvSubscriber[]; problems: CsvProblem[] } {
  const records = readCsv(text);
  const rows: CsvSubscriber[] = [];
  const problems: CsvProblem[] = [];
  let columns: Record<string, number> = Object.fromEntries(CSV_COLUMNS.map((name, index) => [name, index]));
  const first = records[0];
  if (first && 'fields' in first && first.fields.some((field) => field.trim().toLowerCase() === 'address')) {
    columns = Object.fromEntries(first.fields.map((field, index) => [field.trim().toLowerCase(), index]));
    records.shift();
  }
  const seen = new Map<string, number>();
  for (const record of records) {
    if ('problem' in record) {
      problems.push(record);
      continue;
    }
    const cell = (name: (typeof CSV_COLUMNS)[number]) => (columns[name] === undefined ? '' : (record.fields[columns[name]] ?? '').trim());
    const problem = (reason: string) => problems.push({ line: record.line, problem: reason });
    const checked = checkAddress(cell('address'));
    if ('problem' in checked) {
      problem(`address "${cell('address')}": ${checked.problem}`);
      continue;
    }
    const earlier = seen.get(checked.address);
    if (earlier !== undefined) {
      problem(`${checked.address} is already on line ${earlier}`);
      continue;
    }
    const themes = cell('themes')
      .split(/[|;]/u)
      .map((theme) => theme.trim())
      .filter(Boolean);
    const unknown = choices.length > 0 ? themes.filter((theme) => !choices.includes(theme)) : [];
    if (unknown.length > 0) {
      problem(`unknown theme ${unknown.map((theme) => `"${theme}"`).join(', ')} (the themes are: ${choices.join(', ')})`);
      continue;
    }
    const state = (cell('state') || 'active').toLowerCase() as SubscriberState;
    if (!STATES.includes(state)) {
      problem(`state "${cell('state')}" is not one of ${STATES.join(', ')}`);
      continue;
    }
    const created = dateOf(cell('created'));
    const confirmed = dateOf(cell('confirmed'));
    if (created === null || confirmed === null) {
      problem(`date "${created === null ? cell('created') : cell('confirmed')}" is not an ISO 8601 date (e.g. 2026-03-01 or 2026-03-01T08:00:00Z)`);
      continue;
    }
    seen.set(checked.address, record.line);
    rows.push({
      line: record.line,
      address: checked.address,
      themes: themes.length === 0 || (choices.length > 0 && choices.every((choice) => themes.includes(choice))) ? undefined : choices.length > 0 ? choices.filter((choice) => themes.includes(choice)) : themes,
      state,
      ...(created ? { created } : {}),
      ...(confirmed ? { confirmed } : {}),
    });
  }
  return { rows, problems };
}

/** undefined for an empty field, null for one that is no date. */
function dateOf(text: string): Date | undefined | null {
  if (!text) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/u.test(text)) return null;
  // A time without a zone is UTC, as export writes it; never the machine's zone.
  const iso = text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T');
  const date = new Date(/(Z|[+-]\d{2}:?\d{2})$/u.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
