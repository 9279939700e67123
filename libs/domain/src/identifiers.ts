import { Check, fail, OK } from './check';
import { compareDates, IsoDate, parseDate } from './dates';

/**
 * Identifier and code rules a validator applies to a loan row (domain.md 3). Every check is
 * case-sensitive and takes the already trimmed field; it returns ok or one specific reason, judged
 * in the order: length, alphabet, then the code's own rules.
 */

// ---- Unified Social Credit Code (GB 32100-2015) ----

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^(i-1) mod 31 for characters 1-17. */
export const USCC_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccReason = 'BAD_LENGTH' | 'BAD_ALPHABET' | 'BAD_CHECK_CHARACTER';

/** The check character for the first 17 characters, or null when they are not 17 alphabet symbols. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  const sum = usccWeightedSum(first17);
  return sum < 0 ? null : USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** Each ASCII character's value in USCC_ALPHABET, or -1 (by character code: this runs on every row). */
const USCC_VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let v = 0; v < USCC_ALPHABET.length; v++) values[USCC_ALPHABET.charCodeAt(v)] = v;
  return values;
})();

function usccValue(code: number): number {
  return code < 128 ? USCC_VALUES[code] : -1;
}

/** The weighted sum of characters 1-17, or -1 when one of them is not of the alphabet. */
function usccWeightedSum(code: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = usccValue(code.charCodeAt(i));
    if (value < 0) return -1;
    sum += value * USCC_WEIGHTS[i];
  }
  return sum;
}

/** 18 symbols of the alphabet (no I, O, S, V, Z, no lower case) and a correct character 18. Nothing else. */
export function checkUscc(code: string): Check<UsccReason> {
  if (code.length !== 18) return fail('BAD_LENGTH');
  // a UTF-16 unit outside the alphabet, a surrogate included, is a character outside it
  for (let i = 0; i < 18; i++) if (usccValue(code.charCodeAt(i)) < 0) return fail('BAD_ALPHABET');
  const sum = usccWeightedSum(code);
  return USCC_VALUES[code.charCodeAt(17)] === (31 - (sum % 31)) % 31 ? OK : fail('BAD_CHECK_CHARACTER');
}

// ---- Resident ID number (GB 11643) ----

export const RID_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Indexed by the weighted sum mod 11. */
export const RID_CHECK_CHARACTERS = '10X98765432';

export type ResidentIdReason = 'BAD_LENGTH' | 'BAD_ALPHABET' | 'BAD_CHECK_CHARACTER' | 'BIRTH_DATE_INVALID' | 'BIRTH_AFTER_DISBURSEMENT';

/** The check character for 17 ASCII digits, or null. */
export function residentIdCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RID_WEIGHTS[i];
  return RID_CHECK_CHARACTERS[sum % 11];
}

/** The birth date in characters 7-14 as `YYYY-MM-DD`, without judging it. */
export function residentIdBirthDate(id: string): IsoDate {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * 17 ASCII digits then a digit or upper-case `X` (a lower-case `x` is BAD_ALPHABET); the check
 * character; characters 7-14 a real date not after `disbursedOn` (the same day is fine).
 * `disbursedOn` must itself be a valid date (RangeError otherwise).
 */
export function checkResidentId(id: string, disbursedOn: IsoDate): Check<ResidentIdReason> {
  if (id.length !== 18) return fail('BAD_LENGTH');
  if (!/^\d{17}[\dX]$/.test(id)) return fail('BAD_ALPHABET');
  if (residentIdCheckCharacter(id.slice(0, 17)) !== id[17]) return fail('BAD_CHECK_CHARACTER');
  const birth = residentIdBirthDate(id);
  if (!parseDate(birth)) return fail('BIRTH_DATE_INVALID');
  if (compareDates(birth, disbursedOn) > 0) return fail('BIRTH_AFTER_DISBURSEMENT');
  return OK;
}

// ---- Region code (GB/T 2260) ----

/** Two-digit province prefixes: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82. */
export const PROVINCE_PREFIXES: readonly string[] = [
  ...range(11, 15), ...range(21, 23), ...range(31, 37), ...range(41, 46), ...range(50, 54), ...range(61, 65), 71, 81, 82,
].map(String);

export type RegionReason = 'BAD_LENGTH' | 'BAD_ALPHABET' | 'UNKNOWN_PROVINCE';

/** Six ASCII digits whose first two are a province. No finer table is consulted. */
export function checkRegionCode(code: string): Check<RegionReason> {
  if (code.length !== 6) return fail('BAD_LENGTH');
  for (let i = 0; i < 6; i++) if (!isAsciiDigit(code.charCodeAt(i))) return fail('BAD_ALPHABET');
  return PROVINCES.has(code.slice(0, 2)) ? OK : fail('UNKNOWN_PROVINCE');
}

const PROVINCES: ReadonlySet<string> = new Set(PROVINCE_PREFIXES);

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Programme rule (domain.md 5 `regions`): the region code lies in the programme's province, e.g. "11". */
export function regionInProvince(regionCode: string, province: string): boolean {
  return checkRegionCode(regionCode).ok && regionCode.slice(0, 2) === province;
}

// ---- Industry code (GB/T 4754-2017) ----

/** Each section letter with the inclusive range of the class's first two digits. */
export const INDUSTRY_SECTIONS: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  A: [1, 5], B: [6, 12], C: [13, 43], D: [44, 46], E: [47, 50], F: [51, 52], G: [53, 60], H: [61, 62], I: [63, 65], J: [66, 69],
  K: [70, 70], L: [71, 72], M: [73, 75], N: [76, 79], O: [80, 82], P: [83, 83], Q: [84, 85], R: [86, 90], S: [91, 96], T: [97, 97],
});

export type IndustryReason = 'BAD_LENGTH' | 'BAD_ALPHABET' | 'UNKNOWN_SECTION' | 'INDUSTRY_SECTION_MISMATCH';

/** An upper-case section letter A-T plus four ASCII digits whose first two fall in the section's range. */
export function checkIndustryCode(code: string): Check<IndustryReason> {
  if (code.length !== 5) return fail('BAD_LENGTH');
  const section = code.charCodeAt(0);
  if (section < 0x41 || section > 0x5a) return fail('BAD_ALPHABET');
  for (let i = 1; i < 5; i++) if (!isAsciiDigit(code.charCodeAt(i))) return fail('BAD_ALPHABET');
  const range = INDUSTRY_SECTIONS[code[0]];
  if (!range) return fail('UNKNOWN_SECTION');
  const division = (code.charCodeAt(1) - 0x30) * 10 + (code.charCodeAt(2) - 0x30);
  return division >= range[0] && division <= range[1] ? OK : fail('INDUSTRY_SECTION_MISMATCH');
}

/** The section letter of an industry code (for exclusions like J and K, and reporting slices). */
export function industrySection(code: string): string {
  return code.slice(0, 1);
}

// ---- Borrower type and identifier kind ----

export const BORROWER_TYPES = ['micro', 'small', 'medium', 'individual_business', 'farmer', 'agri_entity'] as const;
export type BorrowerType = (typeof BORROWER_TYPES)[number];

export function isBorrowerType(text: string): text is BorrowerType {
  return (BORROWER_TYPES as readonly string[]).includes(text);
}

export type BorrowerIdType = 'USCC' | 'RID';

export function isBorrowerIdType(text: string): text is BorrowerIdType {
  return text === 'USCC' || text === 'RID';
}

export type IdentifierFitReason = 'ID_TYPE_MISMATCH' | 'USCC_PREFIX_MISMATCH';

/**
 * The identifier kind fits the borrower type: a `farmer` needs `RID`, every other type `USCC`; a
 * USCC starting `92` must be an `individual_business`, one starting `93` an `agri_entity`. The rule
 * runs one way only: an `individual_business` or `agri_entity` with another prefix (e.g. `91`) fits.
 */
export function checkIdentifierFitsBorrowerType(idType: BorrowerIdType, id: string, borrowerType: BorrowerType): Check<IdentifierFitReason> {
  if ((borrowerType === 'farmer') !== (idType === 'RID')) return fail('ID_TYPE_MISMATCH');
  if (idType === 'USCC') {
    if (id.startsWith('92') && borrowerType !== 'individual_business') return fail('USCC_PREFIX_MISMATCH');
    if (id.startsWith('93') && borrowerType !== 'agri_entity') return fail('USCC_PREFIX_MISMATCH');
  }
  return OK;
}

/** Inclusive business (普惠): every borrower type except `medium`, plus any loan flagged `agri_related`. */
export function isInclusive(borrowerType: BorrowerType, agriRelated: boolean): boolean {
  return borrowerType !== 'medium' || agriRelated;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
