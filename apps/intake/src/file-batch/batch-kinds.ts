import { LoansFiledV2, ServicingFiledV2, loansFiledV2, servicingFiledV2 } from '@g2g/contracts';
import {
  CLAIM_FIELDS,
  ClaimRow,
  LOAN_ROW_FIELDS,
  LoanRow,
  REPAYMENT_FIELDS,
  plainRate,
  RECOVERY_FIELDS,
  RecoveryRow,
  RepaymentRow,
  RowError,
  validateClaimRow,
  validateLoanRow,
  validateRecoveryRow,
  validateRepaymentRow,
} from '@g2g/domain';
import { NewEvent, Sql } from '@g2g/event-store';
import { joined } from '../projection/packed';

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

/** What differs between a loan batch and the later interfaces: fields, checks, admission, the chunk's message. */
export interface BatchKind<V> {
  name: BatchKindName;
  fields: readonly string[];
  check(fields: Record<string, string>): { ok: true; loanId: string; value: V } | { ok: false; errors: RowError[] };
  /** refuses (sets errors on) the candidates the bank's earlier filings rule out */
  admit(tx: Sql, header: BatchHeader, candidates: Candidate<V>[]): Promise<void>;
  /** the published event (the integration message) of a chunk's admitted rows */
  filed(header: BatchHeader, firstRow: number, admitted: Candidate<V>[], filedAt: string): NewEvent;
}

/**
 * Loan rows: a loan id is filed once per bank, forever. Rows of the chunk are checked against
 * what the bank filed before and against each other; a loan id that another transaction files at
 * the same moment is caught by the unique key when the chunk is applied (the chunk is then rerun).
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
    // a loan id twice in the chunk: the later rows repeat the first
    const inChunk = new Map<string, number>();
    const firstOnes = candidates.filter((c) => {
      const earlier = inChunk.get(c.loanId);
      if (earlier === undefined) {
        inChunk.set(c.loanId, c.row);
        return true;
      }
      c.errors = [{ code: 'DUPLICATE_LOAN_ID', field: 'loan_id', message: `loan_id ${c.loanId} repeats row ${earlier} of this batch` }];
      return false;
    });
    // the reservation is the insert: the unique key says which row got there first, in any batch
    const won = new Set(
      (
        await tx.query<{ row: number }>(
          `insert into ${SCHEMA}.filed_loans (bank, loan_id, batch_ref, row)
           select $1, l, $2, r::int from unnest(string_to_array($3, E'\x1f'), string_to_array($4, E'\x1f')) as t(l, r)
           on conflict (bank, loan_id) do nothing returning row`,
          [bank, batchRef, joined(firstOnes.map((c) => c.loanId)), joined(firstOnes.map((c) => c.row))],
        )
      ).map((r) => r.row),
    );
    const lost = firstOnes.filter((c) => !won.has(c.row));
    if (lost.length === 0) return;
    const firsts = new Map(
      (
        await tx.query<{ loan_id: string; batch_ref: string; row: number }>(
          `select loan_id, batch_ref, row from ${SCHEMA}.filed_loans where bank = $1 and loan_id = any(string_to_array($2, E'\x1f'))`,
          [bank, joined(lost.map((c) => c.loanId))],
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
  filed({ bank, batchRef, programme }, firstRow, admitted, filedAt) {
    const v: LoansFiledV2 = { bank, batchRef, programme: programme!, firstRow, filedAt, loans: columnsOfLoans(admitted) };
    return { type: 'intake.loans-filed.v2', data: v, publish: { topic: loansFiledV2.topic, key: loansFiledV2.key(v) } };
  },
};

/**
 * The columns of a chunk's loans-filed message. Numbers travel by value: the principal in fen, the
 * rates without the zeros a bank may write in front of them, so that the message of a valid row is
 * as small as that of the same row written plainly (a broker takes no message above its limit).
 */
export function columnsOfLoans(admitted: Candidate<LoanRow>[]): LoansFiledV2['loans'] {
  const n = admitted.length;
  const col = <T>() => new Array<T>(n);
  const c = {
    row: col<number>(),
    loanId: col<string>(),
    borrowerIdType: col<'USCC' | 'RID'>(),
    borrowerId: col<string>(),
    borrowerName: col<string>(),
    borrowerType: col<LoanRow['borrowerType']>(),
    industryCode: col<string>(),
    regionCode: col<string>(),
    sciTech: '',
    agriRelated: '',
    principalFen: col<string>(),
    interestRatePct: col<string>(),
    guaranteeFeeRatePct: col<string>(),
    disbursedOn: col<string>(),
    maturesOn: col<string>(),
  };
  let sci = '';
  let agri = '';
  for (let i = 0; i < n; i++) {
    const { row, value: l } = admitted[i];
    c.row[i] = row;
    c.loanId[i] = l.loanId;
    c.borrowerIdType[i] = l.borrowerIdType;
    c.borrowerId[i] = l.borrowerId;
    c.borrowerName[i] = l.borrowerName;
    c.borrowerType[i] = l.borrowerType;
    c.industryCode[i] = l.industryCode;
    c.regionCode[i] = l.regionCode;
    sci += l.sciTech ? 'Y' : 'N';
    agri += l.agriRelated ? 'Y' : 'N';
    c.principalFen[i] = l.principalFen.toString();
    c.interestRatePct[i] = plainRate(l.interestRatePct) ?? l.interestRatePct;
    c.guaranteeFeeRatePct[i] = plainRate(l.guaranteeFeeRatePct) ?? l.guaranteeFeeRatePct;
    c.disbursedOn[i] = l.disbursedOn;
    c.maturesOn[i] = l.maturesOn;
  }
  c.sciTech = sci;
  c.agriRelated = agri;
  return c;
}

/** Repayments, claims and recoveries name a loan this bank filed; compensation decides the rest. */
function servicing<V extends { loanId: string }>(
  name: Exclude<BatchKindName, 'loans'>,
  fields: readonly string[],
  validate: (raw: Record<string, string>) => { ok: true; row: V } | { ok: false; errors: RowError[] },
  columns: (rows: V[]) => Pick<ServicingFiledV2, 'amountFen' | 'on' | 'overdueSince' | 'claimedOn' | 'unpaidPrincipalFen' | 'unpaidInterestFen'>,
): BatchKind<V> {
  const kind = ({ repayments: 'repayment', claims: 'claim', recoveries: 'recovery' } as const)[name];
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
          await tx.query<{ loan_id: string }>(`select loan_id from ${SCHEMA}.filed_loans where bank = $1 and loan_id = any(string_to_array($2, E'\\x1f'))`, [
            bank,
            joined(candidates.map((c) => c.loanId)),
          ])
        ).map((r) => r.loan_id),
      );
      for (const c of candidates) {
        if (!known.has(c.loanId)) c.errors = [{ code: 'UNKNOWN_LOAN', field: 'loan_id', message: `loan_id ${c.loanId} was never filed by ${bank}` }];
      }
    },
    filed({ bank, batchRef }, firstRow, admitted, filedAt) {
      const v: ServicingFiledV2 = {
        bank,
        batchRef,
        kind,
        firstRow,
        filedAt,
        row: admitted.map((c) => c.row),
        loanId: admitted.map((c) => c.loanId),
        ...columns(admitted.map((c) => c.value)),
      };
      return { type: 'intake.servicing-filed.v2', data: v, publish: { topic: servicingFiledV2.topic, key: servicingFiledV2.key(v) } };
    },
  };
}

export const batchKinds: Record<BatchKindName, BatchKind<any>> = {
  loans,
  repayments: servicing<RepaymentRow>('repayments', REPAYMENT_FIELDS, validateRepaymentRow, (rows) => ({
    amountFen: rows.map((r) => r.amountFen.toString()),
    on: rows.map((r) => r.repaidOn),
  })),
  claims: servicing<ClaimRow>('claims', CLAIM_FIELDS, validateClaimRow, (rows) => ({
    overdueSince: rows.map((r) => r.overdueSince),
    claimedOn: rows.map((r) => r.claimedOn),
    unpaidPrincipalFen: rows.map((r) => r.unpaidPrincipalFen.toString()),
    unpaidInterestFen: rows.map((r) => r.unpaidInterestFen.toString()),
  })),
  recoveries: servicing<RecoveryRow>('recoveries', RECOVERY_FIELDS, validateRecoveryRow, (rows) => ({
    amountFen: rows.map((r) => r.amountFen.toString()),
    on: rows.map((r) => r.recoveredOn),
  })),
};
