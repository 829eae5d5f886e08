import { describe, expect, it } from 'vitest';
import { RateLimiter, clientKey } from '../../src/server/rate-limit.js';
import { describeSchedule } from '../../src/output/subscription/schedule.js';
import { checkAddress } from '../../src/subscribers/address.js';
import { subscribersFromCsv, subscribersToCsv } from '../../src/subscribers/csv.js';
import type { Subscriber } from '../../src/store/store.js';

const CHOICES = ['宏观经济', '房地产', '其他要闻'];

describe('checkAddress', () => {
  it('normalises case and internationalised domains', () => {
    expect(checkAddress('  Reader.Name+digest@Example.ORG ')).toEqual({ address: 'reader.name+digest@example.org' });
    expect(checkAddress('reader@bücher.de')).toEqual({ address: 'reader@xn--bcher-kva.de' });
    expect(checkAddress('reader@example.org.')).toEqual({ address: 'reader@example.org' });
  });

  it.each([
    ['reader@example.org\nBcc: x@example.org'],
    ['reader@exa\rmple.org'],
    ['a@example.org, b@example.org'],
    ['a@example.org;b@example.org'],
    ['"a b"@example.org'],
    ['a..b@example.org'],
    ['.a@example.org'],
    ['读者@example.org'],
    ['reader@example'],
    ['reader@[10.0.0.1]'],
    ['reader@-bad-.org'],
    ['reader@example.123'],
    [`${'a'.repeat(65)}@example.org`],
    [`a@${'b'.repeat(64)}.org`],
    [`a@${Array(60).fill('abcd').join('.')}.org`],
    ['a@b@example.org'],
    ["=cmd|'/C calc'!A0@example.org"],
    ['+reader@example.org'],
    ['-reader@example.org'],
    [''],
  ])('refuses %j', (input) => {
    expect(checkAddress(input)).toHaveProperty('problem');
  });
});

describe('the per-client token bucket', () => {
  it('lets a burst through, then one per refill interval, with the wait until the next', () => {
    const limiter = new RateLimiter({ burst: 3, perHour: 12 }); // one every 5 minutes
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('1.2.3.4', t0).allowed)).toEqual([true, true, true]);
    expect(limiter.take('1.2.3.4', t0)).toEqual({ allowed: false, retryAfterSeconds: 300 });
    expect(limiter.take('5.6.7.8', t0).allowed).toBe(true);
    expect(limiter.take('1.2.3.4', t0 + 120_000)).toEqual({ allowed: false, retryAfterSeconds: 180 });
    expect(limiter.take('1.2.3.4', t0 + 300_000).allowed).toBe(true);
    expect(limiter.take('1.2.3.4', t0 + 300_000).allowed).toBe(false);
    // A whole day later the bucket is full again, not fuller.
    expect([1, 2, 3, 4].map(() => limiter.take('1.2.3.4', t0 + 86_400_000).allowed)).toEqual([true, true, true, false]);
  });

  it('counts an IPv6 client by its /64, and a mapped IPv4 one by its IPv4 address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the schedule in words', () => {
  it.each([
    ['0 8 * * 1', '每周一 08:00（北京时间）发送'],
    ['30 7 * * mon,thu', '每周一、周四 07:30（北京时间）发送'],
    ['0 18 * * 0', '每周日 18:00（北京时间）发送'],
    ['0 9 * * 1-5', '每周一、周二、周三、周四、周五 09:00（北京时间）发送'],
    ['0 6 * * *', '每天 06:00（北京时间）发送'],
    ['0 0 8 * * 1', '每周一 08:00（北京时间）发送'],
    ['0 8 1 * *', '按计划（0 8 1 * *，北京时间）发送'],
    ['*/5 8 * * 1', '按计划（*/5 8 * * 1，北京时间）发送'],
  ])('%s', (cron, words) => {
    expect(describeSchedule(cron, 'Asia/Shanghai')).toBe(words);
  });

  it('names another zone as it is', () => {
    expect(describeSchedule('0 8 * * 1', 'Europe/Berlin')).toBe('每周一 08:00（Europe/Berlin时间）发送');
  });
});

describe('subscribers as CSV', () => {
  const at = new Date('2026-03-01T08:00:00.000Z');
  const subscribers: Subscriber[] = [
    { address: 'a@example.org', state: 'active', themes: ['宏观经济', '房地产'], origin: 'form', createdAt: at, updatedAt: at, confirmedAt: at, softBounces: 0 },
    { address: 'b@example.org', state: 'paused', origin: 'operator', createdAt: at, updatedAt: at, confirmedAt: at, softBounces: 0 },
    { address: "o'brien+x@example.org", state: 'pending', themes: ['其他要闻'], origin: 'form', createdAt: at, updatedAt: at, softBounces: 0 },
  ];

  it('round-trips through export and import', () => {
    const text = subscribersToCsv(subscribers);
    expect(text.split('\r\n')[0]).toBe('address,themes,state,created,confirmed');
    const { rows, problems } = subscribersFromCsv(text, CHOICES);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, address: 'a@example.org', themes: ['宏观经济', '房地产'], state: 'active', created: at, confirmed: at },
      { line: 3, address: 'b@example.org', themes: undefined, state: 'paused', created: at, confirmed: at },
      { line: 4, address: "o'brien+x@example.org", themes: ['其他要闻'], state: 'pending', created: at },
    ]);
  });

  it('names each bad row by line and reason and keeps the good ones', () => {
    const text = [
      'state,address,themes',
      ',ok@example.org,宏观经济;房地产',
      'active,not an address,',
      'active,ok@example.org,',
      'zombie,z@example.org,',
      'active,t@example.org,宏观经济|不存在',
      'active,"broken@example.org,',
    ].join('\n');
    const { rows, problems } = subscribersFromCsv(text, CHOICES);
    expect(rows).toEqual([{ line: 2, address: 'ok@example.org', themes: ['宏观经济', '房地产'], state: 'active' }]);
    expect(problems.map((problem) => problem.line)).toEqual([3, 4, 5, 6, 7]);
    expect(problems[0]?.problem).toMatch(/not an address/);
    expect(problems[1]?.problem).toBe('ok@example.org is already on line 2');
    expect(problems[2]?.problem).toMatch(/state "zombie"/);
    expect(problems[3]?.problem).toMatch(/unknown theme "不存在"/);
    expect(problems[4]?.problem).toMatch(/never closed/);
  });

  it('reads a file without a header in the column order, and dates without a zone as UTC', () => {
    const { rows, problems } = subscribersFromCsv('x@example.org,,active,2026-03-01 08:00,2026-03-02\ny@example.org,,,yesterday,', CHOICES);
    expect(rows).toEqual([{ line: 1, address: 'x@example.org', themes: undefined, state: 'active', created: at, confirmed: new Date('2026-03-02T00:00:00Z') }]);
    expect(problems).toEqual([{ line: 2, problem: 'date "yesterday" is not an ISO 8601 date (e.g. 2026-03-01 or 2026-03-01T08:00:00Z)' }]);
  });
});
