import { addMonths } from '../dates';
import { formatYuan } from '../money';
import { parseRate } from '../rate';
import { ClaimTally, RiskContext, RiskLimits, RiskLoan, overdueWindows, regionKey } from './risk-inputs';

/** A label on a guarantee: what it says, why (with the numbers), and the model feature behind it. */
export interface RiskLabel {
  code: RiskLabelCode;
  reason: string;
  /** the model's feature this label speaks of, whose contribution to the score is given beside it */
  feature?: string;
  /** that feature's contribution to the score's log-odds, 4 decimals */
  contribution?: string;
}

export const RISK_LABEL_CODES = [
  'EXPOSURE_NEAR_LIMIT',
  'INDUSTRY_CLAIM_RATE',
  'REGION_CLAIM_RATE',
  'BANK_OVERDUE_RISING',
  'TERM_AT_EDGE',
  'RATE_AT_EDGE',
  'MODEL_HIGH_SCORE',
] as const;
export type RiskLabelCode = (typeof RISK_LABEL_CODES)[number];

/** The borrower's exposure is near the limit from this share of it, in percent. */
export const EXPOSURE_NEAR_LIMIT_PCT = 80n;
/** A slice's claim rate counts once it has this many guarantees and claims: fewer are noise. */
export const MIN_SLICE_GUARANTEES = 20;
export const MIN_SLICE_CLAIMS = 2;
/** A slice's claim rate is above the programme's when it is at least this many times it (as a fraction 3/2). */
export const CLAIM_RATE_FACTOR = { numerator: 3, denominator: 2 } as const;
/** The bank's overdue claims are rising with at least this many in the recent three months, more than in the three before. */
export const MIN_RECENT_OVERDUE = 2;
/** The term is at the edge when it is longer than the programme's maximum less this many months. */
export const TERM_EDGE_MONTHS = 3;
/** The rate is at the edge from this share of the programme's maximum, in percent. */
export const RATE_EDGE_PCT = 90n;

type Rule = (loan: RiskLoan, ctx: RiskContext, limits: RiskLimits) => Omit<RiskLabel, 'contribution'> | null;

const pct = (part: number, whole: number) => (whole === 0 ? '0.0' : ((part * 100) / whole).toFixed(1));

/** Whether a slice's claims, over its guarantees, are above the programme's by the factor, in whole numbers. */
function claimRateAbove(slice: ClaimTally, programme: ClaimTally): boolean {
  if (slice.issued < MIN_SLICE_GUARANTEES || slice.claimed < MIN_SLICE_CLAIMS) return false;
  // slice.claimed / slice.issued > factor x programme.claimed / programme.issued
  return slice.claimed * programme.issued * CLAIM_RATE_FACTOR.denominator > programme.claimed * slice.issued * CLAIM_RATE_FACTOR.numerator;
}

function overdueReason(loan: RiskLoan, ctx: RiskContext): string {
  const w = overdueWindows(loan.disbursedOn);
  const span = (months: readonly string[]) => `${months[months.length - 1]} to ${months[0]}`;
  return `${loan.bank}'s claimed loans that fell overdue: ${ctx.bankOverdueRecent} in ${span(w.recent)}, ${ctx.bankOverdueEarlier} in ${span(w.earlier)}`;
}

const rateText = (slice: ClaimTally) => `${slice.claimed} claims of ${slice.issued} guarantees (${pct(slice.claimed, slice.issued)}%)`;

/** The rules, in the order their labels are listed; each is a named predicate with the label it gives. */
export const RISK_RULES: readonly (readonly [RiskLabelCode, Rule])[] = [
  [
    'EXPOSURE_NEAR_LIMIT',
    (loan, ctx, limits) =>
      limits.maxBorrowerPrincipalFen > 0n && ctx.borrowerOutstandingFen * 100n >= limits.maxBorrowerPrincipalFen * EXPOSURE_NEAR_LIMIT_PCT
        ? {
            code: 'EXPOSURE_NEAR_LIMIT',
            feature: 'exposure_share',
            reason: `the borrower's outstanding principal in the programme is ${formatYuan(ctx.borrowerOutstandingFen)} of the ${formatYuan(limits.maxBorrowerPrincipalFen)} limit (at least ${EXPOSURE_NEAR_LIMIT_PCT}%)`,
          }
        : null,
  ],
  [
    'INDUSTRY_CLAIM_RATE',
    (loan, ctx) =>
      claimRateAbove(ctx.industry, ctx.programme)
        ? {
            code: 'INDUSTRY_CLAIM_RATE',
            feature: 'industry_claim_rate',
            reason: `industry section ${loan.industrySection}: ${rateText(ctx.industry)}, the programme ${rateText(ctx.programme)}`,
          }
        : null,
  ],
  [
    'REGION_CLAIM_RATE',
    (loan, ctx) =>
      claimRateAbove(ctx.region, ctx.programme)
        ? {
            code: 'REGION_CLAIM_RATE',
            feature: 'region_claim_rate',
            reason: `region ${regionKey(loan.regionCode)}: ${rateText(ctx.region)}, the programme ${rateText(ctx.programme)}`,
          }
        : null,
  ],
  [
    'BANK_OVERDUE_RISING',
    (loan, ctx) =>
      ctx.bankOverdueRecent >= MIN_RECENT_OVERDUE && ctx.bankOverdueRecent > ctx.bankOverdueEarlier
        ? {
            code: 'BANK_OVERDUE_RISING',
            feature: 'bank_overdue_trend',
            reason: overdueReason(loan, ctx),
          }
        : null,
  ],
  [
    'TERM_AT_EDGE',
    (loan, _ctx, limits) =>
      limits.termMonthsMax > TERM_EDGE_MONTHS && loan.maturesOn > addMonths(loan.disbursedOn, limits.termMonthsMax - TERM_EDGE_MONTHS)
        ? {
            code: 'TERM_AT_EDGE',
            feature: 'term_years',
            reason: `matures on ${loan.maturesOn}, within ${TERM_EDGE_MONTHS} months of the programme's ${limits.termMonthsMax}-month maximum`,
          }
        : null,
  ],
  [
    'RATE_AT_EDGE',
    (loan, _ctx, limits) => {
      const rate = parseRate(loan.interestRatePct);
      const max = parseRate(limits.maxInterestRatePct);
      if (rate === null || max === null || max === 0n) return null;
      return rate * 100n >= max * RATE_EDGE_PCT
        ? {
            code: 'RATE_AT_EDGE',
            feature: 'interest_rate_pct',
            reason: `interest rate ${loan.interestRatePct}% is at least ${RATE_EDGE_PCT}% of the programme's ${limits.maxInterestRatePct}% maximum`,
          }
        : null;
    },
  ],
];

/** The rules' labels of a guarantee, in rule order (no contributions yet: the model adds them). */
export function ruleLabels(loan: RiskLoan, ctx: RiskContext, limits: RiskLimits): Omit<RiskLabel, 'contribution'>[] {
  return RISK_RULES.flatMap(([, rule]) => {
    const label = rule(loan, ctx, limits);
    return label ? [label] : [];
  });
}
