import { LoanFiledV1, ServicingFiledV1, loanFiledV1, servicingFiledV1 } from '@g2g/contracts';
import {
  CLAIM_FIELDS,
  LOAN_ROW_FIELDS,
  LoanRow,
  REPAYMENT_FIELDS,
  RECOVERY_FIELDS,
  RowError,
  validateClaimRow,
  validateLoanRow,
  validateRecoveryRow,
  validateRepaymentRow,
} from '@g2g/domain';
import { OutboxMessage, Sql } from '@g2g/event-store';

export const SCHEMA = 'intake';

export type BatchKindName = 'loans' | 'repayments' | 'claims' | 'recoveries';

/** A bank's batch_ref: 1-100 letters, digits, dots, dashes or underscores, not starting with a sign. */
export const BATCH_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const BATCH_REF_RULE = 'batch_ref: 1-100 letters, digits, dots, dashes or underscores';

export interface BatchHeader {
  bank: string;
  kind: BatchKindName;
  batchRef: string;
  /** loan batches only */
  programme: string | null;
  format: 'csv' | 'jsonl';
}

/** A row that passed its own checks, waiting to be admitted against what the bank filed before. */
export interface Candidate<V> {
  row: number;
  loanId: string;
  value: V;
  /** set by admit() when the row is refused after all */
  errors?: RowError[];
}

/** What differs between a loan batch and the later interfaces: fields, checks, admission, message. */
export interface BatchKind<V> {
  name: BatchKindName;
  fields: readonly string[];
  check(fields: Record<string, string>): { ok: true; loanId: string; value: V } | { ok: false; errors: RowError[] };
  admit(tx: Sql, header: BatchHeader, candidates: Candidate<V>[]): Promise<void>;
  message(header: BatchHeader, c: Candidate<V>, filedAt: string): OutboxMessage;
}

/**
 * Loan rows: a loan id is filed once per bank, forever. The database decides which row got there
 * first (unique key), whether in this batch or any earlier one.
 */
const loans: BatchKind<LoanRow> = {
  name: 'loans',
  fields: LOAN_ROW_FIELDS,
  check(fields) {
    const checked = validateLoanRow(fields);
    return checked.ok ? { ok: true, loanId: checked.row.loanId, value: checked.row } : checked;
  },
  async admit(tx, { bank, batchRef }, candidates) {
    if (candidates.length === 0) return;
    const won = new Set(
      (
        await tx.query<{ row: number }>(
          `insert into ${SCHEMA}.filed_loans (bank, loan_id, batch_ref, row)
           select $1, l, $2, r from unnest($3::text[], $4::int[]) as t(l, r)
           on conflict (bank, loan_id) do nothing returning row`,
          [bank, batchRef, candidates.map((c) => c.loanId), candidates.map((c) => c.row)],
        )
      ).map((r) => r.row),
    );
    const lost = candidates.filter((c) => !won.has(c.row));
    if (lost.length === 0) return;
    const firsts = new Map(
      (
        await tx.query<{ loan_id: string; batch_ref: string; row: number }>(
          `select loan_id, batch_ref, row from ${SCHEMA}.filed_loans where bank = $1 and loan_id = any($2::text[])`,
          [bank, lost.map((c) => c.loanId)],
        )
      ).map((r) => [r.loan_id, r]),
    );
    for (const c of lost) {
      const first = firsts.get(c.loanId);
      c.errors = [
        {
          code: 'DUPLICATE_LOAN_ID',
          field: 'loan_id',
          message:
            first && first.batch_ref === batchRef
              ? `loan_id ${c.loanId} repeats row ${first.row} of this batch`
              : `loan_id ${c.loanId} was already filed by ${bank}${first ? ` in batch ${first.batch_ref}` : ''}`,
        },
      ];
    }
  },
  message({ bank, batchRef, programme }, { row, value }, filedAt) {
    const v = loanFiled({ bank, batchRef, programme: programme!, row }, value, filedAt);
    return { topic: loanFiledV1.topic, key: loanFiledV1.key(v), value: v };
  },
};

/** The loan-filed message of a valid loan row. */
export function loanFiled(at: { bank: string; batchRef: string; programme: string; row: number }, l: LoanRow, filedAt: string): LoanFiledV1 {
  return {
    guaranteeId: `${at.bank}/${l.loanId}`,
    bank: at.bank,
    loanId: l.loanId,
    batchRef: at.batchRef,
    row: at.row,
    programme: at.programme,
    borrower: { idType: l.borrowerIdType, id: l.borrowerId, name: l.borrowerName, type: l.borrowerType },
    industryCode: l.industryCode,
    regionCode: l.regionCode,
    sciTech: l.sciTech,
    agriRelated: l.agriRelated,
    principalFen: l.principalFen.toString(),
    currency: 'CNY',
    interestRatePct: l.interestRatePct,
    guaranteeFeeRatePct: l.guaranteeFeeRatePct,
    disbursedOn: l.disbursedOn,
    maturesOn: l.maturesOn,
    filedAt,
  };
}

/** Repayments, claims and recoveries name a loan this bank filed; compensation decides the rest. */
function servicing<V extends { loanId: string }>(
  name: BatchKindName,
  fields: readonly string[],
  validate: (raw: Record<string, string>) => { ok: true; row: V } | { ok: false; errors: RowError[] },
  detail: (v: V) => Pick<ServicingFiledV1, 'kind' | 'repayment' | 'claim' | 'recovery'>,
): BatchKind<V> {
  return {
    name,
    fields,
    check(raw) {
      const checked = validate(raw);
      return checked.ok ? { ok: true, loanId: checked.row.loanId, value: checked.row } : checked;
    },
    async admit(tx, { bank }, candidates) {
      if (candidates.length === 0) return;
      const known = new Set(
        (
          await tx.query<{ loan_id: string }>(`select loan_id from ${SCHEMA}.filed_loans where bank = $1 and loan_id = any($2::text[])`, [
            bank,
            candidates.map((c) => c.loanId),
          ])
        ).map((r) => r.loan_id),
      );
      for (const c of candidates) {
        if (!known.has(c.loanId)) c.errors = [{ code: 'UNKNOWN_LOAN', field: 'loan_id', message: `loan_id ${c.loanId} was never filed by ${bank}` }];
      }
    },
    message({ bank, batchRef }, { row, loanId, value }, filedAt) {
      const v: ServicingFiledV1 = { guaranteeId: `${bank}/${loanId}`, bank, loanId, batchRef, row, filedAt, ...detail(value) };
      return { topic: servicingFiledV1.topic, key: servicingFiledV1.key(v), value: v };
    },
  };
}

export const batchKinds: Record<BatchKindName, BatchKind<any>> = {
  loans,
  repayments: servicing('repayments', REPAYMENT_FIELDS, validateRepaymentRow, (r) => ({
    kind: 'repayment',
    repayment: { amountFen: r.amountFen.toString(), repaidOn: r.repaidOn },
  })),
  claims: servicing('claims', CLAIM_FIELDS, validateClaimRow, (c) => ({
    kind: 'claim',
    claim: { overdueSince: c.overdueSince, claimedOn: c.claimedOn, unpaidPrincipalFen: c.unpaidPrincipalFen.toString(), unpaidInterestFen: c.unpaidInterestFen.toString() },
  })),
  recoveries: servicing('recoveries', RECOVERY_FIELDS, validateRecoveryRow, (r) => ({
    kind: 'recovery',
    recovery: { amountFen: r.amountFen.toString(), recoveredOn: r.recoveredOn },
  })),
};
