import { LOOKUP } from '@g2g/event-store';
import { CELL } from '../migrations';
import { SCHEMA } from '../record-log/record-log.consumer';
import { FIVE_MILLION_YUAN_FEN, knownBy, recordedAfter } from '../slices/slice-sql';

/**
 * The figure cells as the platform knew them at a past time: the cells now, less what the facts
 * recorded after that time added to them (docs/adr/0013). Sums are linear, so each later fact is a
 * row of negated sums in its cell; a figure sums the union as it sums the cells. It costs what was
 * recorded since that time (found by the recorded_at indexes), not everything recorded before it.
 *
 * Each function takes the placeholder of the as-of time (an ISO time), or undefined for now, and
 * gives a relation to write after `from`, with the columns of its table (as said otherwise). A cell can then sum to
 * nothing: what counts things (loans, fees) tells a cell of nothing from one of zero amounts.
 */

/**
 * r_issued_cells as known at `asOf`, but for the parties' parts (parts_fen), which it leaves out:
 * partiesAtEndFromCells subtracts the later guarantees' parts itself, per terms.
 */
export function issuedCellsAsOf(asOf: string | undefined): string {
  if (asOf === undefined) return `${SCHEMA}.r_issued_cells`;
  return `(select ${CELL}, loans, principal_fen, inclusive_fen, sci_loans, sci_fen, small_fen, fee_weighted, interest_weighted, fees_fen
             from ${SCHEMA}.r_issued_cells
           union all
           select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, -1::bigint, -g.principal_fen,
                  case when g.inclusive then -g.principal_fen else 0 end, -(g.sci_tech::int)::bigint, case when g.sci_tech then -g.principal_fen else 0 end,
                  case when g.principal_fen <= ${FIVE_MILLION_YUAN_FEN} then -g.principal_fen else 0 end,
                  -(g.principal_fen * g.fee_rate_pct * 10000), -(g.principal_fen * g.interest_rate_pct * 10000), -g.guarantee_fee_fen
             from ${SCHEMA}.r_guarantees g
            where ${recordedAfter('g', asOf)})`;
}

/** r_fee_cells as known at `asOf`: a fee counts once it and its guarantee are both known. */
export function feeCellsAsOf(asOf: string | undefined): string {
  if (asOf === undefined) return `${SCHEMA}.r_fee_cells`;
  // the fees recorded later (their guarantees looked up one by one), and the fees known by then of
  // the guarantees recorded later (looked up per guarantee)
  return `(select issued_on, terms_id, bank, industry_section, borrower_type, participant, fee_fen, fees from ${SCHEMA}.r_fee_cells
           union all
           select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, f.participant, -f.fee_fen, -1::bigint
             from ${SCHEMA}.r_reguarantee_fees f
            cross join lateral (select ${CELL} from ${SCHEMA}.r_guarantees g where g.guarantee_id = f.guarantee_id ${LOOKUP}) g
            where ${recordedAfter('f', asOf)}
           union all
           select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, f.participant, -f.fee_fen, -1::bigint
             from ${SCHEMA}.r_guarantees g
            cross join lateral (select participant, fee_fen from ${SCHEMA}.r_reguarantee_fees f
                                 where f.guarantee_id = g.guarantee_id and ${knownBy('f', asOf)} ${LOOKUP}) f
            where ${recordedAfter('g', asOf)})`;
}

/** r_repeat_loans as known at `asOf`: the guarantees of borrowers with more than one now, recorded by then. */
export function repeatLoansAsOf(asOf: string | undefined): string {
  if (asOf === undefined) return `${SCHEMA}.r_repeat_loans`;
  return `(select rl.* from ${SCHEMA}.r_repeat_loans rl
            where not exists (select 1 from ${SCHEMA}.r_guarantees g where g.guarantee_id = rl.guarantee_id and ${recordedAfter('g', asOf)}))`;
}
