import { addDays, addMonths, compareDates, daysBetween, fromDayNumber, isValidDate, parseDate, termWithin, toDayNumber } from './dates';

describe('business dates YYYY-MM-DD', () => {
  it.each(['2025-01-01', '2024-02-29', '2000-02-29', '1880-01-01', '2025-12-31', '0000-01-01', '9999-12-31'])('accepts the real date %s', (text) => {
    expect(isValidDate(text)).toBe(true);
  });

  it.each([
    '2023-02-29', // 2023 is not a leap year
    '1900-02-29', // divisible by 100, not by 400
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '2025-01-00',
    '2025-4-01',
    '25-04-01',
    ' 2025-04-01',
    '2025-04-01T00:00',
    '2025/04/01',
    '２０２５-04-01',
    '',
  ])('refuses %j', (text) => {
    expect(parseDate(text)).toBeNull();
  });

  it('parses into year, month, day', () => {
    expect(parseDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('numbers days from 1970-01-01, matching known day counts', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('1969-12-31')).toBe(-1);
    expect(toDayNumber('2000-03-01')).toBe(11017); // 2000-01-01 is day 10957, + 31 (Jan) + 29 (Feb, leap)
    expect(toDayNumber('0001-01-01')).toBe(-719162); // 1969 years of 365 days + 477 leap days
    expect(fromDayNumber(11017)).toBe('2000-03-01');
    expect(fromDayNumber(-719162)).toBe('0001-01-01');
  });

  it('round-trips every day across four centuries, each a real date one day after the previous', () => {
    const first = toDayNumber('1899-12-31');
    const last = toDayNumber('2300-03-01');
    const broken: string[] = [];
    let previous = '1899-12-31';
    for (let n = first + 1; n <= last; n++) {
      const date = fromDayNumber(n);
      if (!isValidDate(date) || toDayNumber(date) !== n || date <= previous) broken.push(`${n} -> ${date}`);
      previous = date;
    }
    expect(broken).toEqual([]);
    expect(last - first).toBe(146_157); // 1899-12-31 + 400 years = 2299-12-31 (146,097 days), + 31 + 28 + 1 to 2300-03-01 (2300 is no leap year)
  });

  it('counts calendar days between two dates, 366 over a leap year', () => {
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-15', '2025-07-15')).toBe(181); // 31+28+31+30+31+30
    expect(daysBetween('2025-03-01', '2025-02-28')).toBe(-1);
    expect(daysBetween('2025-06-30', '2025-06-30')).toBe(0);
  });

  it('compares dates by the calendar', () => {
    expect(compareDates('2025-02-28', '2025-03-01')).toBe(-1);
    expect(compareDates('2025-03-01', '2025-02-28')).toBe(1);
    expect(compareDates('2025-03-01', '2025-03-01')).toBe(0);
  });

  it('adds days across month, year and leap boundaries (a claim grace period)', () => {
    expect(addDays('2025-01-01', 90)).toBe('2025-04-01'); // 31 + 28 + 31 = 90
    expect(addDays('2024-01-01', 90)).toBe('2024-03-31'); // leap February
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('adds calendar months, clamping a day past the month end to it', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-05-31', 1)).toBe('2025-06-30');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15');
    expect(addMonths('2025-01-31', 36)).toBe('2028-01-31');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
    expect(addMonths('2025-01-15', 0)).toBe('2025-01-15');
  });

  it('throws on dates that were never validated', () => {
    expect(() => toDayNumber('2023-02-29')).toThrow(RangeError);
    expect(() => addMonths('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('9999-12-01', 1)).toThrow(RangeError);
  });
});

describe('loan term of 1 to 36 calendar months', () => {
  it('accepts a term of exactly 1 month and refuses one day less', () => {
    expect(termWithin('2025-03-15', '2025-04-15', 1, 36)).toBe(true);
    expect(termWithin('2025-03-15', '2025-04-14', 1, 36)).toBe(false);
  });

  it('accepts a term of exactly 36 months and refuses one day more', () => {
    expect(termWithin('2025-03-15', '2028-03-15', 1, 36)).toBe(true);
    expect(termWithin('2025-03-15', '2028-03-16', 1, 36)).toBe(false);
  });

  it('takes Jan 31 + 1 month as Feb 28, or Feb 29 in a leap year', () => {
    expect(termWithin('2025-01-31', '2025-02-28', 1, 36)).toBe(true);
    expect(termWithin('2025-01-31', '2025-02-27', 1, 36)).toBe(false);
    expect(termWithin('2024-01-31', '2024-02-29', 1, 36)).toBe(true);
    expect(termWithin('2024-01-31', '2024-02-28', 1, 36)).toBe(false);
  });

  it('clamps the 36-month ceiling too: from a leap day to Feb 28 three years on', () => {
    expect(termWithin('2024-02-29', '2027-02-28', 1, 36)).toBe(true);
    expect(termWithin('2024-02-29', '2027-03-01', 1, 36)).toBe(false);
  });

  it('refuses a loan maturing on the day it is disbursed or before', () => {
    expect(termWithin('2025-03-15', '2025-03-15', 1, 36)).toBe(false);
    expect(termWithin('2025-03-15', '2025-03-01', 1, 36)).toBe(false);
  });
});
