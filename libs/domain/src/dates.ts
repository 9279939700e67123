/**
 * Business dates are calendar dates `YYYY-MM-DD` (proleptic Gregorian, years 0000-9999), carried as
 * strings. Arithmetic is on integer day numbers (days since 1970-01-01, Hinnant's days-from-civil):
 * no Date objects, no time zones, no clock.
 *
 * `parseDate` / `isValidDate` judge untrusted text. The other functions take dates already
 * validated and throw RangeError when given one that is not.
 */
export type IsoDate = string;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}


export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A real calendar date from civil parts, or null (month 13, Feb 29 of a common year, ...). */
export function civilDate(year: number, month: number, day: number): CivilDate | null {
  if (!Number.isInteger(year) || year < 0 || year > 9999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** Exactly `YYYY-MM-DD` with ASCII digits and a real date; anything else is null. */
export function parseDate(text: string): CivilDate | null {
  // by character codes: this runs several times for every loan a rule judges
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  return year < 0 || month < 0 || day < 0 ? null : civilDate(year, month, day);
}

/** The number the ASCII digits text[from, to) write, or -1 if one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

export function isValidDate(text: string): boolean {
  return parseDate(text) !== null;
}

/**
 * The business dates the platform accepts (disbursement, maturity, repayment, claim, recovery,
 * programme versions): 1900-01-01 to 2199-12-31. Every computation a rule makes from such a date
 * (a term of up to MAX_TERM_MONTHS, a grace period of up to MAX_GRACE_DAYS) stays far inside the
 * years 0000-9999 that the date arithmetic covers, so a decider never meets a date it cannot
 * compute with. A resident ID's birth date is not a business date: any real date is read there.
 */
export const EARLIEST_BUSINESS_DATE: IsoDate = '1900-01-01';
export const LATEST_BUSINESS_DATE: IsoDate = '2199-12-31';
/** The longest term a programme may allow, and the longest claim grace period (domain-readings). */
export const MAX_TERM_MONTHS = 600;
export const MAX_GRACE_DAYS = 3_660;

/** Why text is not a business date the platform accepts, or null when it is one. */
export function businessDateProblem(text: string): 'MALFORMED_DATE' | 'DATE_OUT_OF_RANGE' | null {
  if (parseDate(text) === null) return 'MALFORMED_DATE';
  // YYYY-MM-DD strings of real dates compare as the dates do
  return text < EARLIEST_BUSINESS_DATE || text > LATEST_BUSINESS_DATE ? 'DATE_OUT_OF_RANGE' : null;
}

export function formatDate({ year, month, day }: CivilDate): IsoDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = requireDate(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The inverse of `toDayNumber`. */
export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isSafeInteger(dayNumber)) throw new RangeError(`not a day number: ${dayNumber}`);
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate(requireCivil(year, month, day));
}

/** -1, 0 or 1 as `a` is before, the same day as, or after `b`. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = toDayNumber(a) - toDayNumber(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** Calendar days from `from` to `to`: to - from (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar months; a day past the target month's end is clamped to it (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isSafeInteger(months)) throw new RangeError(`not a whole number of months: ${months}`);
  const { year, month, day } = requireDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  if (y < 0 || y > 9999) throw new RangeError(`${date} + ${months} months is outside years 0000-9999`);
  return formatDate(requireCivil(y, m, Math.min(day, daysInMonth(y, m))));
}

/** domain.md 5 term rule: disbursedOn + minMonths <= maturesOn <= disbursedOn + maxMonths (inclusive). */
export function termWithin(disbursedOn: IsoDate, maturesOn: IsoDate, minMonths: number, maxMonths: number): boolean {
  // the same as comparing with addMonths(), on civil dates as numbers yyyymmdd (no strings made)
  const from = requireDate(disbursedOn);
  const to = requireDate(maturesOn);
  const plus = (months: number) => {
    const index = from.year * 12 + (from.month - 1) + months;
    const y = Math.floor(index / 12);
    const m = index - y * 12 + 1;
    if (y < 0 || y > 9999) throw new RangeError(`${disbursedOn} + ${months} months is outside years 0000-9999`);
    return y * 10_000 + m * 100 + Math.min(from.day, daysInMonth(y, m));
  };
  const end = to.year * 10_000 + to.month * 100 + to.day;
  return plus(minMonths) <= end && end <= plus(maxMonths);
}

function requireDate(text: IsoDate): CivilDate {
  const parsed = parseDate(text);
  if (!parsed) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(text)}`);
  return parsed;
}

function requireCivil(year: number, month: number, day: number): CivilDate {
  const civil = civilDate(year, month, day);
  if (!civil) throw new RangeError(`date outside years 0000-9999: ${year}-${month}-${day}`);
  return civil;
}

function pad(n: number, width: number): string {
  return n.toString().padStart(width, '0');
}
