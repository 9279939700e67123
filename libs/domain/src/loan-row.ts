import { businessDateProblem, EARLIEST_BUSINESS_DATE, IsoDate, LATEST_BUSINESS_DATE } from './dates';
import {
  BORROWER_TYPES,
  BorrowerIdType,
  BorrowerType,
  checkIdentifierFitsBorrowerType,
  checkIndustryCode,
  checkRegionCode,
  checkResidentId,
  checkUscc,
  INDUSTRY_SECTIONS,
  industrySection,
  isBorrowerIdType,
  isBorrowerType,
  ResidentIdReason,
  residentIdBirthDate,
  residentIdCheckCharacter,
  USCC_ALPHABET,
  usccCheckCharacter,
} from './identifiers';
import { Fen, MAX_AMOUNT_FEN, readYuan } from './money';
import { MAX_RATE_WHOLE_DIGITS, Rate, readRate as readRateText } from './rate';
import { TEXT_PROBLEM_MESSAGES, shown as show, textProblem } from './text';

/**
 * One row of a bank's loan batch (domain.md 4), judged on its own: format, identifiers and the
 * cross-field rules. Whether its `loan_id` repeats an earlier one is stateful and left to intake.
 */

/** The field names of the batch interface v1, in the order of domain.md 4. */
export const LOAN_ROW_FIELDS = [
  'loan_id',
  'borrower_id_type',
  'borrower_id',
  'borrower_name',
  'borrower_type',
  'industry_code',
  'region_code',
  'sci_tech',
  'agri_related',
  'principal',
  'currency',
  'interest_rate_pct',
  'guarantee_fee_rate_pct',
  'disbursed_on',
  'matures_on',
] as const;
export type LoanRowField = (typeof LOAN_ROW_FIELDS)[number];

/** A stable upper-case code, the field it concerns, and a message for the bank. */
export interface RowError {
  code: string;
  field?: string;
  message: string;
}

export interface LoanRow {
  loanId: string;
  borrowerIdType: BorrowerIdType;
  borrowerId: string;
  borrowerName: string;
  borrowerType: BorrowerType;
  industryCode: string;
  industrySection: string;
  regionCode: string;
  sciTech: boolean;
  agriRelated: boolean;
  principalFen: Fen;
  currency: 'CNY';
  /** As written (after trimming): an exact decimal `digits[.d{1,4}]`. */
  interestRatePct: string;
  guaranteeFeeRatePct: string;
  disbursedOn: IsoDate;
  maturesOn: IsoDate;
}

export type LoanRowResult = { ok: true; row: LoanRow } | { ok: false; errors: RowError[] };

/** 1,000,000,000,000 yuan: the largest principal a row may carry. */
export const MAX_PRINCIPAL_FEN: Fen = MAX_AMOUNT_FEN;
export const MAX_LOAN_ID_LENGTH = 64;
export const MAX_BORROWER_NAME_LENGTH = 200;

type Report = (code: string, field: LoanRowField, message: string) => undefined;

/**
 * Validates one row given as raw text per field. Every problem of the row is reported, in field
 * order, then the cross-field rules. A field that is missing or malformed reports that alone, and
 * the rules needing its value are skipped (e.g. a malformed `disbursed_on` skips the maturity and
 * birth-date comparisons).
 */
export function validateLoanRow(raw: Readonly<Record<string, string | undefined>>): LoanRowResult {
  const errors: RowError[] = [];
  const report: Report = (code, field, message) => {
    errors.push({ code, field, message });
    return undefined;
  };
  const text = readFields(raw, report);

  const loanId = readLoanId(text.loan_id, report);
  const borrowerIdType = readIdType(text.borrower_id_type, report);
  const borrowerName = readName(text.borrower_name, report);
  const borrowerType = readBorrowerType(text.borrower_type, report);
  const industryCode = readIndustryCode(text.industry_code, report);
  const regionCode = readRegionCode(text.region_code, report);
  const sciTech = readFlag('sci_tech', text.sci_tech, report);
  const agriRelated = readFlag('agri_related', text.agri_related, report);
  const principalFen = readPrincipal(text.principal, report);
  const currency = readCurrency(text.currency, report);
  const interest = readRate('interest_rate_pct', text.interest_rate_pct, report);
  const interestRatePct = interest?.text;
  if (interest !== undefined && interest.rate === 0n) {
    report('INTEREST_RATE_ZERO', 'interest_rate_pct', `interest_rate_pct ${show(interest.text)}: must be more than 0`);
  }
  const guaranteeFeeRatePct = readRate('guarantee_fee_rate_pct', text.guarantee_fee_rate_pct, report)?.text;
  const disbursedOn = readDate('disbursed_on', text.disbursed_on, report);
  const maturesOn = readDate('matures_on', text.matures_on, report);
  // The identifier comes after the dates it is checked against; errors stay in field order below.
  const borrowerId = readBorrowerId(borrowerIdType, text.borrower_id, disbursedOn, report);

  if (borrowerIdType !== undefined && borrowerType !== undefined) {
    // The fit needs only the kinds and the first two characters, so it is judged even when the
    // identifier failed its own check.
    const id = text.borrower_id ?? '';
    const fit = checkIdentifierFitsBorrowerType(borrowerIdType, id, borrowerType);
    if (!fit.ok && fit.reason === 'ID_TYPE_MISMATCH') {
      const needed = borrowerType === 'farmer' ? 'RID' : 'USCC';
      report(fit.reason, 'borrower_id_type', `borrower_type ${borrowerType} needs borrower_id_type ${needed}, not ${borrowerIdType}`);
    } else if (!fit.ok) {
      const owner = id.startsWith('92') ? 'individual_business' : 'agri_entity';
      report(fit.reason, 'borrower_id', `borrower_id ${show(id)}: a USCC starting ${id.slice(0, 2)} belongs to an ${owner}, not ${borrowerType}`);
    }
  }
  // both are real dates YYYY-MM-DD here, which compare as strings as they do as dates
  if (disbursedOn !== undefined && maturesOn !== undefined && maturesOn <= disbursedOn) {
    report('MATURITY_NOT_AFTER_DISBURSEMENT', 'matures_on', `matures_on ${maturesOn} is not after disbursed_on ${disbursedOn}`);
  }

  if (errors.length > 0) return { ok: false, errors: inFieldOrder(errors) };
  // No error was reported, and every reader above reports one whenever it returns undefined.
  const row: Partial<LoanRow> = {
    loanId,
    borrowerIdType,
    borrowerId,
    borrowerName,
    borrowerType,
    industryCode,
    industrySection: industryCode === undefined ? undefined : industrySection(industryCode),
    regionCode,
    sciTech,
    agriRelated,
    principalFen,
    currency,
    interestRatePct,
    guaranteeFeeRatePct,
    disbursedOn,
    maturesOn,
  };
  return { ok: true, row: row as LoanRow };
}

/**
 * Removes leading and trailing spaces and tabs, and nothing else (domain.md 4). A scan from each
 * end: a pattern anchored at the end retries at every space of a run, so a field holding a long run
 * of spaces took time in the square of its length (100,000 of them: 10 s).
 */
export function trimSpacesAndTabs(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * The trimmed text of every field, or undefined with its problem reported: MISSING_FIELD, or a
 * character the field may not hold (text.ts: controls, unpaired surrogates, invisible characters).
 */
function readFields(raw: Readonly<Record<string, string | undefined>>, report: Report): Partial<Record<LoanRowField, string>> {
  const text: Partial<Record<LoanRowField, string>> = {};
  for (const field of LOAN_ROW_FIELDS) {
    const value = trimSpacesAndTabs(raw[field] ?? '');
    if (value === '') {
      report('MISSING_FIELD', field, `${field} is missing or empty`);
      continue;
    }
    const problem = textProblem(value, field === 'borrower_name' ? 'name' : 'identifier');
    if (problem) report(problem, field, `${field} ${TEXT_PROBLEM_MESSAGES[problem]}`);
    else text[field] = value;
  }
  return text;
}

function readLoanId(text: string | undefined, report: Report): string | undefined {
  if (text === undefined) return undefined;
  // a text has no more code points than UTF-16 units: a short one need not be counted
  if (text.length <= MAX_LOAN_ID_LENGTH) return text;
  const length = codePoints(text);
  if (length > MAX_LOAN_ID_LENGTH) {
    return report('MALFORMED_LOAN_ID', 'loan_id', `loan_id ${show(text)}: ${length} characters, at most ${MAX_LOAN_ID_LENGTH}`);
  }
  return text;
}

function readIdType(text: string | undefined, report: Report): BorrowerIdType | undefined {
  if (text === undefined || isBorrowerIdType(text)) return text;
  return report('UNKNOWN_ID_TYPE', 'borrower_id_type', `borrower_id_type ${show(text)}: must be USCC or RID`);
}

function readName(text: string | undefined, report: Report): string | undefined {
  if (text === undefined) return undefined;
  if (text.length <= MAX_BORROWER_NAME_LENGTH) return text; // as for loan_id
  const length = codePoints(text);
  if (length > MAX_BORROWER_NAME_LENGTH) {
    return report('NAME_LENGTH', 'borrower_name', `borrower_name has ${length} characters (Unicode code points), at most ${MAX_BORROWER_NAME_LENGTH}`);
  }
  return text;
}

function readBorrowerType(text: string | undefined, report: Report): BorrowerType | undefined {
  if (text === undefined || isBorrowerType(text)) return text;
  return report('UNKNOWN_BORROWER_TYPE', 'borrower_type', `borrower_type ${show(text)}: must be one of ${BORROWER_TYPES.join(', ')}`);
}

function readIndustryCode(text: string | undefined, report: Report): string | undefined {
  if (text === undefined) return undefined;
  const check = checkIndustryCode(text);
  if (check.ok) return text;
  const prefix = `industry_code ${show(text)}`;
  switch (check.reason) {
    case 'BAD_LENGTH':
    case 'BAD_ALPHABET':
      return report(check.reason, 'industry_code', `${prefix}: must be an upper-case section letter and 4 digits, e.g. C1311`);
    case 'UNKNOWN_SECTION':
      return report(check.reason, 'industry_code', `${prefix}: section ${text[0]} is not one of A-T`);
    case 'INDUSTRY_SECTION_MISMATCH': {
      const [from, to] = INDUSTRY_SECTIONS[text[0]];
      return report(check.reason, 'industry_code', `${prefix}: division ${text.slice(1, 3)} is outside section ${text[0]} (${twoDigits(from)}-${twoDigits(to)})`);
    }
  }
}

function readRegionCode(text: string | undefined, report: Report): string | undefined {
  if (text === undefined) return undefined;
  const check = checkRegionCode(text);
  if (check.ok) return text;
  const message =
    check.reason === 'UNKNOWN_PROVINCE'
      ? `region_code ${show(text)}: ${text.slice(0, 2)} is not a province code`
      : `region_code ${show(text)}: must be 6 digits`;
  return report(check.reason, 'region_code', message);
}

function readFlag(field: 'sci_tech' | 'agri_related', text: string | undefined, report: Report): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'Y') return true;
  if (text === 'N') return false;
  return report('MALFORMED_FLAG', field, `${field} ${show(text)}: must be Y or N (upper case)`);
}

function readPrincipal(text: string | undefined, report: Report): Fen | undefined {
  if (text === undefined) return undefined;
  const read = readYuan(text, MAX_PRINCIPAL_FEN);
  if (!read.ok && read.reason === 'MALFORMED') {
    return report('MALFORMED_MONEY', 'principal', `principal ${show(text)}: must be yuan as digits with at most 2 decimals, e.g. 1500000.00`);
  }
  if (!read.ok) return report('PRINCIPAL_TOO_LARGE', 'principal', `principal ${show(text)}: above the limit of 1000000000000.00 yuan`);
  if (read.fen === 0n) return report('PRINCIPAL_NOT_POSITIVE', 'principal', `principal ${show(text)}: must be more than 0`);
  return read.fen;
}

function readCurrency(text: string | undefined, report: Report): 'CNY' | undefined {
  if (text === undefined || text === 'CNY') return text;
  return report('CURRENCY_NOT_CNY', 'currency', `currency ${show(text)}: only CNY is accepted`);
}

/** The rate as written and its value, when it is `digits[.d{1,4}]` below 10,000 percent. */
function readRate(field: 'interest_rate_pct' | 'guarantee_fee_rate_pct', text: string | undefined, report: Report): { text: string; rate: Rate } | undefined {
  if (text === undefined) return undefined;
  const read = readRateText(text);
  if (read.ok) return { text, rate: read.rate };
  if (read.reason === 'TOO_LARGE') {
    return report('RATE_TOO_LARGE', field, `${field} ${show(text)}: at most ${MAX_RATE_WHOLE_DIGITS} digits before the point (below 10000 percent a year)`);
  }
  return report('MALFORMED_RATE', field, `${field} ${show(text)}: must be percent per year as digits with at most 4 decimals, e.g. 4.47`);
}

function readDate(field: 'disbursed_on' | 'matures_on', text: string | undefined, report: Report): IsoDate | undefined {
  if (text === undefined) return undefined;
  const problem = businessDateProblem(text);
  if (problem === null) return text;
  if (problem === 'DATE_OUT_OF_RANGE') {
    return report(problem, field, `${field} ${text}: business dates run from ${EARLIEST_BUSINESS_DATE} to ${LATEST_BUSINESS_DATE}`);
  }
  return report('MALFORMED_DATE', field, `${field} ${show(text)}: must be a real calendar date YYYY-MM-DD`);
}

/** Checks the identifier as its declared kind; an unknown or missing kind leaves it unjudged. */
function readBorrowerId(
  idType: BorrowerIdType | undefined,
  text: string | undefined,
  disbursedOn: IsoDate | undefined,
  report: Report,
): string | undefined {
  if (text === undefined || idType === undefined) return undefined;
  // Without a valid disbursement date a resident ID's birth date is judged only as a date.
  const check = idType === 'USCC' ? checkUscc(text) : checkResidentId(text, disbursedOn ?? '9999-12-31');
  if (check.ok) return text;
  return report(check.reason, 'borrower_id', `borrower_id ${show(text)}: ${identifierProblem(idType, text, check.reason, disbursedOn)}`);
}

function identifierProblem(idType: BorrowerIdType, id: string, reason: ResidentIdReason, disbursedOn: IsoDate | undefined): string {
  switch (reason) {
    case 'BAD_LENGTH':
      return `${idType === 'USCC' ? 'a USCC' : 'a resident ID'} has exactly 18 characters`;
    case 'BAD_ALPHABET': {
      if (idType === 'RID') return 'a resident ID is 17 digits then a digit or upper-case X';
      const bad = [...id].find((ch) => !USCC_ALPHABET.includes(ch)) ?? '';
      return `${show(bad)} is not allowed: a USCC uses 0-9 and upper-case A-Y without I, O, S, V`;
    }
    case 'BAD_CHECK_CHARACTER': {
      const first17 = id.slice(0, 17);
      return `check character should be ${idType === 'USCC' ? usccCheckCharacter(first17) : residentIdCheckCharacter(first17)}`;
    }
    case 'BIRTH_DATE_INVALID':
      return `characters 7-14 (${id.slice(6, 14)}) are not a real birth date`;
    case 'BIRTH_AFTER_DISBURSEMENT':
      return `born ${residentIdBirthDate(id)}, after disbursed_on ${disbursedOn}`;
  }
}

/** Errors sorted by their field's place in LOAN_ROW_FIELDS; the sort is stable within a field. */
function inFieldOrder(errors: RowError[]): RowError[] {
  const place = (e: RowError) => LOAN_ROW_FIELDS.indexOf(e.field as LoanRowField);
  return [...errors].sort((a, b) => place(a) - place(b));
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function twoDigits(n: number): string {
  return n.toString().padStart(2, '0');
}
