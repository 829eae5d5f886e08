import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatInZone, parseDate } from '../../src/util/time.js';

const ZONE = 'Asia/Shanghai';

describe('parseDate', () => {
  it('reads RFC 1123 dates as the instant they name', () => {
    expect(parseDate('Wed, 18 May 2022 08:02:55 GMT', ZONE)?.toISOString()).toBe('2022-05-18T08:02:55.000Z');
    expect(parseDate('Sat, 29 Feb 2020 23:59:59 GMT', ZONE)?.toISOString()).toBe('2020-02-29T23:59:59.000Z');
  });

  it('reads an RFC 1123 date whose weekday is wrong as RFC 822 readers do: by its day', () => {
    // Not the fast path (the weekday does not match); the general one reads it as before.
    expect(parseDate('Mon, 18 May 2022 08:02:55 GMT', ZONE)?.toISOString()).toBe('2022-05-18T08:02:55.000Z');
  });

  it('reads wall-clock, Chinese and offset forms in or against the zone', () => {
    expect(parseDate('2022-05-18 16:02', ZONE)?.toISOString()).toBe('2022-05-18T08:02:00.000Z');
    expect(parseDate('2022年5月18日 16:02', ZONE)?.toISOString()).toBe('2022-05-18T08:02:00.000Z');
    expect(parseDate('2022-05-18T16:02:55+08:00', ZONE)?.toISOString()).toBe('2022-05-18T08:02:55.000Z');
    expect(parseDate('Wed, 18 May 2022 16:02:55 +0800', ZONE)?.toISOString()).toBe('2022-05-18T08:02:55.000Z');
  });

  it('refuses what is not a date', () => {
    expect(parseDate('not a date', ZONE)).toBeUndefined();
    expect(parseDate('', ZONE)).toBeUndefined();
  });
});

describe('formatInZone', () => {
  const direct = (date: Date, zone: string, pattern: string) => DateTime.fromJSDate(date, { zone }).toFormat(pattern);

  it('writes what luxon writes in the named zone, across offset changes', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'];
    // Every 7 minutes over the days around each zone's 2022 transitions, and around Shanghai's end of local mean time (1901).
    const starts = ['2022-03-12T00:00:00Z', '2022-03-26T00:00:00Z', '2022-04-02T00:00:00Z', '2022-10-01T00:00:00Z', '2022-10-29T00:00:00Z', '2022-11-05T00:00:00Z', '1900-12-31T00:00:00Z'];
    let compared = 0;
    for (const zone of zones) {
      for (const start of starts) {
        for (let ms = Date.parse(start); ms < Date.parse(start) + 3 * 86_400_000; ms += 7 * 60_000 + 13_000) {
          const date = new Date(ms);
          expect(formatInZone(date, zone, 'yyyy年M月d日 HH:mm:ss ZZ'), `${zone} ${date.toISOString()}`).toBe(direct(date, zone, 'yyyy年M月d日 HH:mm:ss ZZ'));
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });

  it('names the zone when the pattern asks for its name', () => {
    const date = new Date('2022-05-18T08:02:55Z');
    expect(formatInZone(date, 'Asia/Shanghai', 'HH:mm z')).toBe('16:02 Asia/Shanghai');
    expect(formatInZone(date, 'America/New_York', 'ZZZZ')).toBe(direct(date, 'America/New_York', 'ZZZZ'));
  });
});
