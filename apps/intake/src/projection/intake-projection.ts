import { LoansFiledV2 } from '@g2g/contracts';
import { RetryableConflict, Sql, constraintOf, joined, pgCode } from '@g2g/event-store';
import { RECORD_SEPARATOR, packCodes, unpackCodes } from './packed';

export { SCHEMA } from '../file-batch/batch-kinds';
import { SCHEMA } from '../file-batch/batch-kinds';

/** The tables intake's events are projected into (the batches' lease columns are not state: see file-batch.ts). */
export const INTAKE_STATE = {
  batches: ['bank', 'kind', 'batch_ref', 'programme', 'format', 'status', 'sha256', 'error', 'received_at', 'filed_at'],
  batch_chunks: ['bank', 'kind', 'batch_ref', 'first_row', 'last_row', 'digest', 'loan_ids', 'outcomes', 'codes', 'errors', 'invalid', 'approved', 'accepted', 'rejected'],
  filed_loans: ['bank', 'loan_id', 'batch_ref', 'row'],
} as const;

export interface RowsCheckedV2 {
  bank: string;
  kind: string;
  batchRef: string;
  firstRow: number;
  lastRow: number;
  /** the digest of the chunk's rows as read: a resend must read the same */
  digest: string;
  /** per row of the chunk, its loan id as shown to the bank ('' when it had none) */
  loanIds: string[];
  /** the rows refused, with every error */
  invalid: { row: number; errors: { code: string; field?: string; message: string }[] }[];
}

export interface OutcomesRecordedV1 {
  bank: string;
  kind: string;
  batchRef: string;
  firstRow: number;
  row: number[];
  /** [] approved (loans) or accepted (the rest), else the codes */
  codes: string[][];
}

type Event = { type: string; data?: any };

/**
 * Applies intake's events to its tables, the same way live (in the transaction that appends
 * them) and in a rebuild (all of them, in log order).
 */
export async function applyIntakeEvents(
  tx: Sql,
  events: readonly Event[],
  /** live, the loan ids were reserved already (admission's insert is the reservation) */
  options: { loansReserved?: boolean } = {},
): Promise<void> {
  for (const e of events) {
    const d = e.data;
    switch (e.type) {
      case 'intake.batch-opened.v1':
        await tx.query(
          `insert into ${SCHEMA}.batches (bank, kind, batch_ref, programme, format, status, heartbeat_at, received_at)
           values ($1, $2, $3, $4, $5, 'receiving', now(), $6) on conflict (bank, kind, batch_ref) do nothing`,
          [d.bank, d.kind, d.batchRef, d.programme, d.format, d.receivedAt],
        );
        break;
      case 'intake.rows-checked.v2':
        await rowsChecked(tx, d as RowsCheckedV2);
        break;
      case 'intake.loans-filed.v2':
        if (!options.loansReserved) await loansFiled(tx, d as LoansFiledV2);
        break;
      case 'intake.outcomes-recorded.v1':
        await outcomesRecorded(tx, d as OutcomesRecordedV1);
        break;
      case 'intake.batch-closed.v1':
        await tx.query(`update ${SCHEMA}.batches set status = 'filed', sha256 = $4, error = null, filed_at = $5 where bank = $1 and kind = $2 and batch_ref = $3`, [
          d.bank,
          d.kind,
          d.batchRef,
          d.sha256,
          d.at,
        ]);
        break;
      case 'intake.upload-interrupted.v1':
        await tx.query(`update ${SCHEMA}.batches set status = 'incomplete', error = $4 where bank = $1 and kind = $2 and batch_ref = $3`, [
          d.bank,
          d.kind,
          d.batchRef,
          JSON.stringify(d.error),
        ]);
        break;
    }
  }
}

async function rowsChecked(tx: Sql, d: RowsCheckedV2): Promise<void> {
  const rows = d.lastRow - d.firstRow + 1;
  const outcomes = new Array<string>(rows).fill('p');
  const codes: string[][] = Array.from({ length: rows }, () => []);
  const errors: Record<string, unknown> = {};
  for (const r of d.invalid) {
    outcomes[r.row - d.firstRow] = 'i';
    codes[r.row - d.firstRow] = [...new Set(r.errors.map((e) => e.code))];
    errors[r.row] = r.errors;
  }
  await tx.query(
    `insert into ${SCHEMA}.batch_chunks (bank, kind, batch_ref, first_row, last_row, digest, loan_ids, outcomes, codes, errors, invalid)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [d.bank, d.kind, d.batchRef, d.firstRow, d.lastRow, d.digest, joined(d.loanIds), outcomes.join(''), packCodes(codes), JSON.stringify(errors), d.invalid.length],
  );
}

async function loansFiled(tx: Sql, d: LoansFiledV2): Promise<void> {
  if (d.loans.row.length === 0) return;
  try {
    await tx.query(
      `insert into ${SCHEMA}.filed_loans (bank, loan_id, batch_ref, row)
       select $1, l, $2, r::int from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f')) as t(l, r)`,
      [d.bank, d.batchRef, joined(d.loans.loanId), joined(d.loans.row)],
    );
  } catch (error) {
    // another batch of the bank filed the same loan id at the same moment: decide the chunk again
    if (pgCode(error) === '23505' && constraintOf(error) === 'filed_loans_pkey') throw new RetryableConflict('a loan id was filed by another batch at the same time');
    throw error;
  }
}

async function outcomesRecorded(tx: Sql, d: OutcomesRecordedV1): Promise<void> {
  const [chunk] = await tx.query<{ first_row: number; outcomes: string; codes: string }>(
    `select first_row, outcomes, codes from ${SCHEMA}.batch_chunks where bank = $1 and kind = $2 and batch_ref = $3 and first_row = $4 for update`,
    [d.bank, d.kind, d.batchRef, d.firstRow],
  );
  if (!chunk) throw new Error(`no chunk ${d.kind}/${d.batchRef}/${d.firstRow} of ${d.bank} for its outcomes`);
  // (the chunk row alone is locked: the batch row stays with the upload)
  const outcomes = chunk.outcomes.split('');
  const codes = unpackCodes(chunk.codes, outcomes.length);
  const done = d.kind === 'loans' ? 'a' : 'c';
  let approved = 0;
  let rejected = 0;
  d.row.forEach((row, i) => {
    const at = row - chunk.first_row;
    if (outcomes[at] !== 'p') return; // decided already: the first outcome stands
    const c = d.codes[i];
    outcomes[at] = c.length === 0 ? done : 'r';
    codes[at] = c;
    if (c.length === 0) approved++;
    else rejected++;
  });
  await tx.query(
    `update ${SCHEMA}.batch_chunks set outcomes = $5, codes = $6, ${d.kind === 'loans' ? 'approved = approved' : 'accepted = accepted'} + $7, rejected = rejected + $8
      where bank = $1 and kind = $2 and batch_ref = $3 and first_row = $4`,
    [d.bank, d.kind, d.batchRef, d.firstRow, outcomes.join(''), packCodes(codes), approved, rejected],
  );
}

export { RECORD_SEPARATOR };
