import { businessDateProblem, EARLIEST_BUSINESS_DATE, LATEST_BUSINESS_DATE } from './dates';
import { Fen, MAX_AMOUNT_FEN, formatYuan, readYuan } from './money';
import { RowError, trimSpacesAndTabs, MAX_LOAN_ID_LENGTH } from './loan-row';
import { TEXT_PROBLEM_MESSAGES, shown, textProblem } from './text';

/** The later interfaces of the bank batch (domain specification, section 4). */
export const REPAYMENT_FIELDS = ['loan_id', 'amount', 'repaid_on'] as const;
export const CLAIM_FIELDS = ['loan_id', 'overdue_since', 'claimed_on', 'unpaid_principal', 'unpaid_interest'] as const;
export const RECOVERY_FIELDS = ['loan_id', 'amount', 'recovered_on'] as const;

export interface RepaymentRow {
  loanId: string;
  amountFen: Fen;
  repaidOn: string;
}
export interface ClaimRow {
  loanId: string;
  overdueSince: string;
  claimedOn: string;
  unpaidPrincipalFen: Fen;
  unpaidInterestFen: Fen;
}
export interface RecoveryRow {
  loanId: string;
  amountFen: Fen;
  recoveredOn: string;
}

type Result<T> = { ok: true; row: T } | { ok: false; errors: RowError[] };

/** Reads the fields of one row: trimmed of spaces and tabs, every problem reported with its field. */
function reader(raw: Readonly<Record<string, string | undefined>>) {
  const errors: RowError[] = [];
  const text = (field: string): string | null => {
    const v = raw[field] === undefined ? '' : trimSpacesAndTabs(raw[field]!);
    if (v === '') {
      errors.push({ code: 'MISSING_FIELD', field, message: `${field} is missing` });
      return null;
    }
    const problem = textProblem(v, 'identifier');
    if (problem) {
      errors.push({ code: problem, field, message: `${field} ${TEXT_PROBLEM_MESSAGES[problem]}` });
      return null;
    }
    return v;
  };
  const loanId = (): string => {
    const v = text('loan_id');
    if (v !== null && [...v].length > MAX_LOAN_ID_LENGTH) errors.push({ code: 'MALFORMED_LOAN_ID', field: 'loan_id', message: `loan_id is longer than ${MAX_LOAN_ID_LENGTH} characters` });
    return v ?? '';
  };
  const money = (field: string, positive: boolean): Fen => {
    const v = text(field);
    if (v === null) return 0n;
    const read = readYuan(v, MAX_AMOUNT_FEN);
    if (!read.ok && read.reason === 'MALFORMED') errors.push({ code: 'MALFORMED_MONEY', field, message: `${field} ${shown(v)}: yuan as digits with at most 2 decimals` });
    else if (!read.ok) errors.push({ code: 'AMOUNT_TOO_LARGE', field, message: `${field} ${shown(v)}: above ${formatYuan(MAX_AMOUNT_FEN)} yuan, the largest principal a loan may have` });
    else if (positive && read.fen === 0n) errors.push({ code: 'AMOUNT_NOT_POSITIVE', field, message: `${field} must be more than 0` });
    return read.ok ? read.fen : 0n;
  };
  const date = (field: string): string => {
    const v = text(field);
    const problem = v === null ? null : businessDateProblem(v);
    if (problem === 'MALFORMED_DATE') errors.push({ code: problem, field, message: `${field} ${shown(v!)}: a real date YYYY-MM-DD` });
    if (problem === 'DATE_OUT_OF_RANGE') errors.push({ code: problem, field, message: `${field} ${v}: business dates run from ${EARLIEST_BUSINESS_DATE} to ${LATEST_BUSINESS_DATE}` });
    return v ?? '';
  };
  return { errors, loanId, money, date };
}

export function validateRepaymentRow(raw: Readonly<Record<string, string | undefined>>): Result<RepaymentRow> {
  const r = reader(raw);
  const row = { loanId: r.loanId(), amountFen: r.money('amount', true), repaidOn: r.date('repaid_on') };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, row };
}

export function validateClaimRow(raw: Readonly<Record<string, string | undefined>>): Result<ClaimRow> {
  const r = reader(raw);
  const row = {
    loanId: r.loanId(),
    overdueSince: r.date('overdue_since'),
    claimedOn: r.date('claimed_on'),
    unpaidPrincipalFen: r.money('unpaid_principal', true),
    unpaidInterestFen: r.money('unpaid_interest', false),
  };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, row };
}

export function validateRecoveryRow(raw: Readonly<Record<string, string | undefined>>): Result<RecoveryRow> {
  const r = reader(raw);
  const row = { loanId: r.loanId(), amountFen: r.money('amount', true), recoveredOn: r.date('recovered_on') };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, row };
}
