import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/util/time.js';

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
