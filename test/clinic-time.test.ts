import { clinicTimeZoneFromEnvironment } from '../lambdas/api/composition';
import { formatDay, formatWhen } from '../lambdas/assistant/context';
import { dayBounds, isIanaTimeZone } from '../lambdas/core/clinic-time';
import { RUNTIME_ENV } from '../lib/contracts';

const hours = (b: { start: Date; end: Date }): number => (b.end.getTime() - b.start.getTime()) / 3_600_000;

describe("the clinic's day", () => {
  it('is the UTC day by default', () => {
    const b = dayBounds('2026-06-10', 'UTC');
    expect([b.start.toISOString(), b.end.toISOString()]).toEqual([
      '2026-06-10T00:00:00.000Z',
      '2026-06-11T00:00:00.000Z',
    ]);
  });

  it("starts at the clinic's midnight", () => {
    expect(dayBounds('2026-06-10', 'America/New_York').start.toISOString()).toBe('2026-06-10T04:00:00.000Z');
    expect(dayBounds('2026-01-10', 'America/New_York').start.toISOString()).toBe('2026-01-10T05:00:00.000Z');
    expect(dayBounds('2026-06-10', 'Asia/Kolkata').start.toISOString()).toBe('2026-06-09T18:30:00.000Z');
  });

  it('is 23 hours long where daylight saving time starts and 25 where it ends', () => {
    expect(hours(dayBounds('2026-03-08', 'America/New_York'))).toBe(23);
    expect(hours(dayBounds('2026-11-01', 'America/New_York'))).toBe(25);
    expect(hours(dayBounds('2026-06-10', 'America/New_York'))).toBe(24);
  });

  it('takes IANA zones only', () => {
    expect(isIanaTimeZone('America/New_York')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    expect(isIanaTimeZone('Eastern')).toBe(false);
    expect(isIanaTimeZone('')).toBe(false);
    expect(() => clinicTimeZoneFromEnvironment({ [RUNTIME_ENV.clinicTimeZone]: 'Mars/Olympus' })).toThrow(
      /must be an IANA time zone/,
    );
    expect(clinicTimeZoneFromEnvironment({})).toBe('UTC');
  });
});

describe('times the assistant states', () => {
  it("are in the clinic's zone, with its name", () => {
    expect(formatWhen('2026-03-04T14:00:00Z', 'America/New_York')).toBe('Wednesday, March 4 at 9:00 AM EST');
    expect(formatWhen('2026-03-04T14:00:00Z')).toBe('Wednesday, March 4 at 2:00 PM UTC');
    // Late evening in New York is already the next day in UTC.
    expect(formatDay('2026-06-10T02:30:00Z', 'America/New_York')).toBe('June 9, 2026');
    expect(formatDay('2026-06-10T02:30:00Z')).toBe('June 10, 2026');
  });
});
