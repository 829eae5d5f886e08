import { zhSubscription } from '../zh.js';

// When the digest goes out, in words, from its cron expression: "每周一 08:00（北京时间）发送".
// Only the plain shapes people write (minute, hour, any day of month and month, some weekdays or
// every day) are put in words; anything else is shown as the expression itself.

export function describeSchedule(cron: string, timeZone: string): string {
  const zone = zhSubscription.zone(timeZone);
  const fields = cron.trim().split(/\s+/u);
  const [minute, hour, dayOfMonth, month, weekday] = fields.length === 6 ? fields.slice(1) : fields;
  if (fields.length < 5 || !/^\d{1,2}$/u.test(minute ?? '') || !/^\d{1,2}$/u.test(hour ?? '') || dayOfMonth !== '*' || month !== '*') {
    return zhSubscription.scheduleOther(cron, zone);
  }
  const time = `${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')}`;
  if (weekday === '*' || weekday === '?') return zhSubscription.scheduleDaily(time, zone);
  const days = weekdays(weekday ?? '');
  return days ? zhSubscription.schedule(days.map((day) => zhSubscription.weekdays[day]).join('、'), time, zone) : zhSubscription.scheduleOther(cron, zone);
}

const NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** 1, 1-5, mon,thu → day numbers (0 Sunday); undefined for anything else. */
function weekdays(field: string): number[] | undefined {
  const day = (text: string): number | undefined => {
    const named = NAMES.indexOf(text.toLowerCase());
    if (named >= 0) return named;
    if (!/^\d$/u.test(text)) return undefined;
    const number = Number(text);
    return number <= 7 ? number % 7 : undefined;
  };
  const result = new Set<number>();
  for (const part of field.split(',')) {
    const [first, last, ...rest] = part.split('-');
    const from = day(first ?? '');
    const to = last === undefined ? from : day(last);
    if (from === undefined || to === undefined || rest.length > 0 || to < from) return undefined;
    for (let value = from; value <= to; value += 1) result.add(value);
  }
  // Monday first, as a Chinese week is read.
  return [...result].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
}
