import { DateTime, FixedOffsetZone } from 'luxon';

// Dates as people and crawlers write them. Wall-clock forms are read in the configured zone;
// forms that carry an offset or "GMT" keep it.

const CHINESE_DATE =
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})\s*[:：时點点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?/u;
// Optionally followed by an offset, as Jekyll writes it: `2022-05-18 16:02:55 +0800`.
const WALL_CLOCK =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/i;
const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** A zone or offset written in the text; without one, a loose date is a wall-clock time. */
const EXPLICIT_ZONE = /\b(?:GMT|UTC?|Z|[ECMP][SD]T)\b|[+-]\d{2}:?\d{2}\b/;

/**
 * Reads a date written as RFC 822/1123, ISO 8601, `YYYY-MM-DD HH:mm:ss` or Chinese
 * (`2022年5月18日 16:02`). Returns undefined when it cannot be read.
 */
export function parseDate(input: unknown, zone: string): Date | undefined {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : input;
  if (typeof input === 'number' && Number.isFinite(input)) {
    // Unix seconds or milliseconds.
    return new Date(input < 1e11 ? input * 1000 : input);
  }
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (!text) return undefined;

  const http = fromRfc1123(text);
  if (http) return http;

  const chinese = CHINESE_DATE.exec(text);
  if (chinese) return fromParts(chinese.slice(1), zone);

  const wall = WALL_CLOCK.exec(text);
  if (wall) return fromParts(wall.slice(1, 7), offsetZone(wall[7]) ?? zone);

  const iso = DateTime.fromISO(text, { zone, setZone: true });
  if (iso.isValid) return iso.toJSDate();

  const rfc = DateTime.fromRFC2822(text.replace(/\s+(UT|UTC)$/i, ' GMT'));
  if (rfc.isValid) return rfc.toJSDate();

  const httpDate = DateTime.fromHTTP(text);
  if (httpDate.isValid) return httpDate.toJSDate();

  // Last resort for RFC 822 variants luxon is strict about (missing weekday, single-digit day...).
  // Date.parse reads a time without zone in the machine's zone, so such a time is parsed as UTC
  // and its wall clock read again in the configured zone.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const zoned = EXPLICIT_ZONE.test(text);
  const loose = Date.parse(zoned ? text : `${text} UTC`);
  if (Number.isNaN(loose)) return undefined;
  return zoned ? new Date(loose) : fromUtcWallClock(new Date(loose), zone);
}

/**
 * The exact RFC 1123 form (`Wed, 18 May 2022 08:02:55 GMT`, what crawlers and HTTP write), read
 * without luxon: it is most dates in a large archive. Anything else, or a date whose weekday or day
 * does not add up, is left to the general path, which decides as before.
 */
function fromRfc1123(text: string): Date | undefined {
  const match = RFC_1123.exec(text);
  if (!match) return undefined;
  const [, weekday, day, month, year, hour, minute, second] = match as unknown as string[];
  const monthIndex = MONTHS.indexOf(month as string);
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)));
  const consistent =
    date.getUTCDate() === Number(day) && date.getUTCHours() === Number(hour) && date.getUTCMinutes() === Number(minute) &&
    date.getUTCSeconds() === Number(second) && date.getUTCFullYear() === Number(year) && WEEKDAYS[date.getUTCDay()] === weekday;
  return consistent ? date : undefined;
}

/** `+0800`, `+08:00`, `Z` → a luxon zone name; undefined when there is no offset. */
function offsetZone(offset: string | undefined): string | undefined {
  if (!offset) return undefined;
  if (offset.toUpperCase() === 'Z') return 'UTC';
  const digits = offset.replace(':', '');
  return `UTC${digits.slice(0, 3)}:${digits.slice(3)}`;
}

function fromUtcWallClock(date: Date, zone: string): Date | undefined {
  const parts = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ].map(String);
  return fromParts(parts, zone);
}

function fromParts(parts: (string | undefined)[], zone: string): Date | undefined {
  const [year, month, day, hour, minute, second] = parts.map((part) => (part === undefined ? 0 : Number(part)));
  const date = DateTime.fromObject(
    { year, month, day, hour, minute, second },
    { zone },
  );
  return date.isValid ? date.toJSDate() : undefined;
}

/** Formats an instant in a zone with a luxon pattern (e.g. `yyyy年M月d日 HH:mm`). */
export function formatInZone(date: Date, zone: string, pattern: string): string {
  // Through the zone's offset at that hour when it is steady: the same text, a quarter of the cost
  // (a named zone asks Intl for every instant). Patterns that print the zone's name need the zone.
  const offset = NAMES_ZONE.test(pattern) ? undefined : steadyOffset(date.getTime(), zone);
  if (offset === undefined) return DateTime.fromJSDate(date, { zone }).toFormat(pattern);
  return DateTime.fromMillis(date.getTime(), { zone: FixedOffsetZone.instance(offset) }).toFormat(pattern);
}

/** luxon tokens that print a zone's name (`z`, `ZZZZ`, `ZZZZZ`) rather than its offset. */
const NAMES_ZONE = /z|ZZZZ/;
const HOUR_MS = 3_600_000;
/** Offsets by zone and UTC hour; null for an hour with a transition in it. Bounded for a long-running service. */
const hourOffsets = new Map<string, number | null>();
const MAX_HOUR_OFFSETS = 100_000;

/**
 * The zone's offset in minutes throughout the UTC hour of `ms`, or undefined when it changes within
 * that hour (or the zone is not valid). An hour whose first and last millisecond have one offset
 * has it throughout: no zone changes its offset twice within an hour.
 */
function steadyOffset(ms: number, zone: string): number | undefined {
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${zone} ${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const first = DateTime.fromMillis(hour * HOUR_MS, { zone }).offset;
    const last = DateTime.fromMillis((hour + 1) * HOUR_MS - 1, { zone }).offset;
    offset = first === last && Number.isFinite(first) ? first : null;
    if (hourOffsets.size >= MAX_HOUR_OFFSETS) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  return offset ?? undefined;
}

/** The calendar date (yyyy-MM-dd) of an instant in a zone. */
export function dayInZone(date: Date, zone: string): string {
  return formatInZone(date, zone, 'yyyy-MM-dd');
}

/** True when the zone is a valid IANA zone name. */
export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** The ISO week of an instant in a zone, as `2022-W20`. */
export function isoWeekId(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("kkkk-'W'WW");
}

/** The instants where an ISO week (`2022-W20`) starts and ends in a zone: [start, end). */
export function isoWeekRange(week: string, zone: string): { start: Date; end: Date } | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(week.trim());
  if (!match) return undefined;
  const start = DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone }).startOf('day');
  if (!start.isValid || start.weekNumber !== Number(match[2])) return undefined;
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}
