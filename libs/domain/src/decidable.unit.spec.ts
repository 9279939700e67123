import fc from 'fast-check';
import { EARLIEST_BUSINESS_DATE, LATEST_BUSINESS_DATE, MAX_GRACE_DAYS, MAX_TERM_MONTHS, addDays, fromDayNumber, toDayNumber } from './dates';
import { guaranteeFee, reguaranteeFee, reguaranteeFeePct, termDays } from './fees';
import { decideClaim, decideRecovery, decideRepayment, evolveClaimed } from './guarantee/servicing';
import { LOAN_ROW_FIELDS, validateLoanRow } from './loan-row';
import { VALID_LOAN_ROW } from './loan-row.fixture';
import { demoProgrammeDocument } from './programme/demo-programme.fixture';
import { partiesFor, readProgramme } from './programme/programme';
import { rejectionCodes } from './programme/underwriting-rules';
import { parseRate } from './rate';
import { validateClaimRow, validateRecoveryRow, validateRepaymentRow } from './servicing-row';
import { splitByShares } from './split';

// Validation is total: a row that passes its checks can be decided by every rule, under any
// programme the platform accepts, without an exception. These properties are what make "every
// row gets exactly one outcome" hold without a dead letter.

const first = toDayNumber(EARLIEST_BUSINESS_DATE);
const last = toDayNumber(LATEST_BUSINESS_DATE);
/** Dates across the whole range the parser reads, most of them near the edges that matter. */
const dateArb = fc.oneof(
  fc.integer({ min: toDayNumber('0000-01-01'), max: toDayNumber('9999-12-31') }).map(fromDayNumber),
  fc.integer({ min: first - 40, max: first + 40 }).map(fromDayNumber),
  fc.integer({ min: last - 1200, max: last + 40 }).map(fromDayNumber),
  fc.integer({ min: first, max: last }).map(fromDayNumber),
);

/** The fixture row, in the demo programme's province. */
const VALID: Record<string, string> = { ...VALID_LOAN_ROW, region_code: '110105' };

/** A programme document the platform would accept, with its bounds pushed to the limits. */
const programmeArb = fc
  .record({
    min: fc.integer({ min: 1, max: MAX_TERM_MONTHS }),
    span: fc.integer({ min: 0, max: MAX_TERM_MONTHS }),
    grace: fc.integer({ min: 0, max: MAX_GRACE_DAYS }),
    effective: fc.integer({ min: first, max: last }).map(fromDayNumber),
  })
  .map(({ min, span, grace, effective }) => {
    const read = readProgramme({ ...demoProgrammeDocument, effective_from: effective, term_months: { min, max: Math.min(MAX_TERM_MONTHS, min + span) }, claim_grace_days: grace });
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    return read.programme;
  });

const rowArb = fc.record({
  disbursed: dateArb,
  matures: dateArb,
  principal: fc.oneof(fc.constant('0.01'), fc.constant('1000000000000.00'), fc.bigInt({ min: 1n, max: 10n ** 14n }).map((f) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`)),
  fee: fc.oneof(fc.constant('0'), fc.constant('9999.9999'), fc.integer({ min: 0, max: 99_999_999 }).map((n) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`)),
  field: fc.constantFrom(...LOAN_ROW_FIELDS),
  junk: fc.string({ unit: 'binary', maxLength: 12 }),
  mutate: fc.boolean(),
});

describe('a row that passes validation can always be decided', () => {
  it('loan rows: every underwriting rule and every fee computes, under any accepted programme', () => {
    fc.assert(
      fc.property(rowArb, programmeArb, (r, programme) => {
        const raw = { ...VALID, disbursed_on: r.disbursed, matures_on: r.matures, principal: r.principal, guarantee_fee_rate_pct: r.fee, ...(r.mutate ? { [r.field]: r.junk } : {}) };
        const checked = validateLoanRow(raw);
        if (!checked.ok) return;
        const l = checked.row;
        const loan = {
          bank: 'ICBC',
          borrowerId: l.borrowerId,
          borrowerType: l.borrowerType,
          industrySection: l.industrySection,
          regionCode: l.regionCode,
          principal: l.principalFen,
          interestRate: parseRate(l.interestRatePct)!,
          guaranteeFeeRate: parseRate(l.guaranteeFeeRatePct)!,
          disbursedOn: l.disbursedOn,
          maturesOn: l.maturesOn,
        };
        rejectionCodes(programme, loan, { suspended: false, programmeOutstanding: 0n, bankOutstanding: 0n, borrowerOutstanding: 0n });
        const days = termDays(l.disbursedOn, l.maturesOn);
        guaranteeFee(l.principalFen, loan.guaranteeFeeRate, days);
        for (const part of splitByShares(l.principalFen, partiesFor(programme, 'ICBC'))) {
          reguaranteeFee(part.amount, reguaranteeFeePct(l.principalFen, programme.reguaranteeFee), days);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('claims, repayments and recoveries: the servicing decisions compute for any accepted dates and grace', () => {
    fc.assert(
      fc.property(dateArb, dateArb, programmeArb, fc.bigInt({ min: 1n, max: 10n ** 14n }), (overdue, claimed, programme, principal) => {
        const amount = `${principal / 100n}.${String(principal % 100n).padStart(2, '0')}`;
        const state = { guaranteeId: 'ICBC/L-1', programme: programme.id, status: 'in_force' as const, principal, outstanding: principal, parties: partiesFor(programme, 'ICBC') };
        const repayment = validateRepaymentRow({ loan_id: 'L-1', amount, repaid_on: claimed });
        if (repayment.ok) decideRepayment(state, repayment.row.amountFen);
        const claim = validateClaimRow({ loan_id: 'L-1', overdue_since: overdue, claimed_on: claimed, unpaid_principal: amount, unpaid_interest: '0' });
        if (!claim.ok) return;
        const terms = { claimGraceDays: programme.claimGraceDays, claimCoversInterest: programme.claimCoversInterest, fundCapPct: programme.fundCapPct, breakerPct: programme.breakerPct };
        const d = decideClaim(state, { overdueSince: overdue, claimedOn: claimed, unpaidPrincipal: principal, unpaidInterest: 0n }, terms, { principalGuaranteed: principal, compensationPaid: 0n });
        if (d.outcome !== 'accepted') return;
        const recovery = validateRecoveryRow({ loan_id: 'L-1', amount, recovered_on: claimed });
        if (recovery.ok) decideRecovery(evolveClaimed(state, d, claimed), recovery.row.amountFen);
      }),
      { numRuns: 3_000 },
    );
  });

  it('the supported range is what the arithmetic needs: its last day plus the longest grace is still a date', () => {
    expect(addDays(LATEST_BUSINESS_DATE, MAX_GRACE_DAYS) <= '9999-12-31').toBe(true);
  });
});
