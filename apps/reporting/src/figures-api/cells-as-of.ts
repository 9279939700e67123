import { LOOKUP } from '@g2g/event-store';
import { CELL } from '../migrations';
import { SCHEMA } from '../record-log/record-log.consumer';
import { knownBy } from '../slices/slice-sql';

const recordedAfter = (alias: string, asOf: string) => `${alias}.recorded_at > ${asOf}::timestamptz`;

/**
 * The figure cells as the platform knew them at a past time: the cells now, less what the facts
 * recorded after that time added to them (docs/adr/0013). Sums are linear, so each later fact is a
 * row of negated sums in its cell; a figure sums the union as it sums the cells. It costs what was
 * recorded since that time (found by the recorded_at indexes), not everything recorded before it.
 *
 * Each function takes the placeholder of the as-of time (an ISO time), or undefined for now, and
 * gives a relation to write after `from`, with the columns of its table. A cell can then sum to
 * nothing: what counts things (loans, fees) tells a cell of nothing from one of zero amounts.
 */

const PART = `case when p.party->>'role' = 'guarantor' then null else floor(g.principal_fen * (p.party->>'sharePct')::numeric / 100) end`;
/** the principal of a loan of at most 5 million yuan (the cells' small_fen) */
const SMALL_LOAN_FEN = 500_000_000n;

/** r_issued_cells as known at `asOf`. */
export function issuedCellsAsOf(asOf: string | undefined): string {
  if (asOf === undefined) return `${SCHEMA}.r_issued_cells`;
  // a later guarantee's parts: the floor of each share, the guarantor the rest, negated, in the order of its terms' parties
  const parts = `(select array_agg(-x.amount order by x.n) from (
      select p.n, coalesce(${PART}, g.principal_fen - coalesce(sum(${PART}) over (), 0)) as amount
        from jsonb_array_elements(t.parties) with ordinality p(party, n)) x)`;
  return `(select issued_on, terms_id, bank, industry_section, borrower_type, loans, principal_fen, inclusive_fen, sci_loans, sci_fen, small_fen,
                  fee_weighted, interest_weighted, fees_fen, parts_fen
             from ${SCHEMA}.r_issued_cells
           union all
           select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, -1::bigint, -g.principal_fen,
                  case when g.inclusive then -g.principal_fen else 0 end, -(g.sci_tech::int)::bigint, case when g.sci_tech then -g.principal_fen else 0 end,
                  case when g.principal_fen <= ${SMALL_LOAN_FEN} then -g.principal_fen else 0 end,
                  -(g.principal_fen * g.fee_rate_pct * 10000), -(g.principal_fen * g.interest_rate_pct * 10000), -g.guarantee_fee_fen, ${parts}
             from ${SCHEMA}.r_guarantees g join ${SCHEMA}.r_terms t using (terms_id)
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
