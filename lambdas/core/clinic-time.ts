/**
 * The clinic's time zone (config `clinic.timeZone`, IANA): the day the front desk's schedule covers
 * and the times the assistant states are the clinic's, not UTC's. Instants stay ISO 8601 UTC in
 * the API; only these two places turn them into a day or a wall-clock time.
 */
import { TZDate } from '@date-fns/tz';

/** True for a time zone the runtime's Intl knows ("America/New_York", "UTC"). */
export function isIanaTimeZone(zone: string): boolean {
  if (zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instants a calendar day (YYYY-MM-DD) starts and ends at in `zone`: [start, end). A day is
 * 23 or 25 hours long where daylight saving time starts or ends.
 */
export function dayBounds(day: string, zone: string): { readonly start: Date; readonly end: Date } {
  const [year, month, date] = day.split('-').map(Number);
  if (year === undefined || month === undefined || date === undefined)
    throw new RangeError('A day is YYYY-MM-DD.');
  const start = new TZDate(year, month - 1, date, zone);
  const end = new TZDate(year, month - 1, date + 1, zone);
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}
