import { RiskFact, RiskLoan, addDays, addMonths, daysBetween, parseRate, parseYuan } from '@g2g/domain';
import { GeneratedRow, generateRows } from './generate-batch';
import { Prng } from './prng';

/**
 * A synthetic portfolio with a life after issue: monthly cohorts of generated loans (each a
 * batch), then for each loan either a claim (it defaulted) or its repayment in full at maturity.
 * Whether a loan defaults is drawn from a seeded logistic model of documented features
 * (DEFAULT_MODEL), or, with `defaults: 'independent'`, with one probability for every loan: a
 * portfolio whose defaults a model must not be able to rank.
 */

export type DefaultDependence = 'dependent' | 'independent';

export interface PortfolioOptions {
  /** loans in all, spread evenly over the cohorts */
  loans: number;
  bank: string;
  seed: number;
  defaults: DefaultDependence;
  /** monthly cohorts (default 24) */
  cohorts?: number;
  /** the first cohort's start (default 2025-01-01, the demo programme's first day) */
  startDate?: string;
}

/**
 * The generator's default model: log-odds of a default = intercept + the sum of these, over the
 * loan as filed. The features the platform's model reads include most of them directly (rate,
 * term, borrower kind) and the rest through the claim history (industry, region).
 */
export const DEFAULT_MODEL = {
  intercept: -3.1,
  /** per percentage point of interest above 5 */
  interestRatePoint: 0.55,
  /** per year of term above 1.5 */
  termYear: 0.5,
  /** an individual business or a farmer */
  individualOrFarmer: 0.8,
  /** construction (F) or hospitality (H) */
  riskyIndustry: 0.9,
  /** a loan in one of the RISKY_REGIONS */
  riskyRegion: 1.0,
  /** a technology-based firm */
  sciTech: -0.5,
} as const;
export const RISKY_INDUSTRIES = ['F', 'H'];
/** Beijing districts (and the first codes of other provinces' lists) whose loans default more. */
export const RISKY_REGIONS = ['110111', '110112', '110113', '110114'];
/** The default probability of every loan of an independent portfolio: about the dependent one's mean. */
export const INDEPENDENT_DEFAULT_PROBABILITY = 0.08;

export interface PortfolioLoan {
  batchRef: string;
  row: GeneratedRow;
  loan: RiskLoan;
  probability: number;
  /** a default: when the loan fell overdue and when the bank claims (the grace of 90 days and up to 30 more) */
  claim: { overdueSince: string; claimedOn: string } | null;
}

export interface Portfolio {
  /** each cohort's batch: its ref, the day it is filed (its first disbursement day), its rows */
  batches: { batchRef: string; filedOn: string; rows: GeneratedRow[] }[];
  loans: PortfolioLoan[];
}

const PROGRAMME = 'NFGF-G2G-BJ-2025';

/** Whether the demo programme's fixed rules would issue the row (sections J and K, term, rate and fee caps). */
function issuable(v: GeneratedRow['values']): boolean {
  const section = (v.industry_code ?? '')[0];
  if (section === 'J' || section === 'K') return false;
  if ((parseRate(v.interest_rate_pct ?? '') ?? 0n) > 80_000n || (parseRate(v.guarantee_fee_rate_pct ?? '') ?? 0n) > 10_000n) return false;
  return (v.matures_on ?? '') <= addMonths(v.disbursed_on ?? '', 36);
}

export function defaultProbability(loan: RiskLoan, defaults: DefaultDependence): number {
  if (defaults === 'independent') return INDEPENDENT_DEFAULT_PROBABILITY;
  const m = DEFAULT_MODEL;
  const rate = Number(parseRate(loan.interestRatePct) ?? 0n) / 10_000;
  const logit =
    m.intercept +
    m.interestRatePoint * (rate - 5) +
    m.termYear * (loan.termDays / 365 - 1.5) +
    (loan.borrowerType === 'individual_business' || loan.borrowerType === 'farmer' ? m.individualOrFarmer : 0) +
    (RISKY_INDUSTRIES.includes(loan.industrySection) ? m.riskyIndustry : 0) +
    (RISKY_REGIONS.includes(loan.regionCode) ? m.riskyRegion : 0) +
    (loan.sciTech ? m.sciTech : 0);
  return 1 / (1 + Math.exp(-logit));
}

/** The portfolio: the same options always give the same loans, defaults and dates. */
export function generatePortfolio(options: PortfolioOptions): Portfolio {
  const cohorts = options.cohorts ?? 24;
  const start = options.startDate ?? '2025-01-01';
  const perCohort = Math.max(1, Math.floor(options.loans / cohorts));
  const fate = new Prng(options.seed ^ 0x2545f491);
  const batches: Portfolio['batches'] = [];
  const loans: PortfolioLoan[] = [];
  for (let c = 0; c < cohorts; c++) {
    const startDate = addMonths(start, c);
    const batchRef = `portfolio-${options.seed}-${String(c + 1).padStart(2, '0')}`;
    // loans are disbursed within 28 days of the cohort's start, so that cohorts do not overlap
    const rows = [...generateRows({ rows: perCohort, bank: options.bank, seed: options.seed * 1000 + c, format: 'csv', startDate, loanIdPrefix: `${options.bank}-P` })].map((r) => {
      const offset = daysBetween(startDate, r.values.disbursed_on!) % 28;
      const disbursedOn = addDays(startDate, offset);
      const months = Math.max(1, Math.round(daysBetween(r.values.disbursed_on!, r.values.matures_on!) / 30.44));
      return { ...r, values: { ...r.values, disbursed_on: disbursedOn, matures_on: addMonths(disbursedOn, months) } };
    });
    batches.push({ batchRef, filedOn: startDate, rows });
    for (const row of rows) {
      const v = row.values;
      if (!issuable(v)) continue;
      const loan: RiskLoan = {
        guaranteeId: `${options.bank}/${v.loan_id}`,
        programme: PROGRAMME,
        bank: options.bank,
        borrowerId: v.borrower_id!,
        borrowerType: v.borrower_type!,
        industrySection: v.industry_code![0],
        regionCode: v.region_code!,
        sciTech: v.sci_tech === 'Y',
        agriRelated: v.agri_related === 'Y',
        principalFen: parseYuan(v.principal!)!,
        interestRatePct: v.interest_rate_pct!,
        disbursedOn: v.disbursed_on!,
        maturesOn: v.matures_on!,
        termDays: daysBetween(v.disbursed_on!, v.matures_on!),
      };
      const probability = defaultProbability(loan, options.defaults);
      const defaulted = fate.chance(probability);
      // the draw of the date is made for every loan, so that one loan's fate never shifts another's
      const at = fate.next();
      let claim: PortfolioLoan['claim'] = null;
      if (defaulted) {
        const overdueSince = addDays(loan.disbursedOn, 30 + Math.floor(at * Math.max(1, loan.termDays - 30)));
        claim = { overdueSince, claimedOn: addDays(overdueSince, 90 + Math.floor(at * 31)) };
      }
      loans.push({ batchRef, row, loan, probability, claim });
    }
  }
  return { batches, loans };
}

/**
 * The portfolio's history as the platform would learn it, in business-date order: each cohort
 * filed (its guarantees recorded, then labelled) on its first day, each claim on its claim date,
 * each repayment on its maturity; on one day, claims and repayments before filings.
 */
export function portfolioFacts(p: Portfolio): { facts: RiskFact[]; claimed: Set<string> } {
  const timeline: { on: string; order: number; fact: RiskFact }[] = [];
  for (const b of p.batches) {
    const loans = p.loans.filter((l) => l.batchRef === b.batchRef).map((l) => l.loan);
    timeline.push({ on: b.filedOn, order: 1, fact: { type: 'guarantees-recorded', programme: PROGRAMME, guarantees: loans.map((l) => ({ guaranteeId: l.guaranteeId, borrowerId: l.borrowerId, principalFen: l.principalFen })) } });
    timeline.push({ on: b.filedOn, order: 2, fact: { type: 'risks-labelled', loans } });
  }
  const claimed = new Set<string>();
  for (const l of p.loans) {
    if (l.claim) {
      claimed.add(l.loan.guaranteeId);
      timeline.push({ on: l.claim.claimedOn, order: 0, fact: { type: 'claimed', guaranteeId: l.loan.guaranteeId, overdueSince: l.claim.overdueSince } });
    } else timeline.push({ on: l.loan.maturesOn, order: 0, fact: { type: 'repaid', guaranteeId: l.loan.guaranteeId, outstandingAfterFen: 0n } });
  }
  timeline.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order));
  return { facts: timeline.map((t) => t.fact), claimed };
}

/** The servicing files a bank would send for the portfolio: claims and repayments in full, as CSV text. */
export function portfolioServicingCsv(p: Portfolio): { claims: string; repayments: string } {
  const claims = ['loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest'];
  const repayments = ['loan_id,amount,repaid_on'];
  for (const l of p.loans) {
    const v = l.row.values;
    if (l.claim) claims.push(`${v.loan_id},${l.claim.overdueSince},${l.claim.claimedOn},${v.principal},0`);
    else repayments.push(`${v.loan_id},${v.principal},${v.matures_on}`);
  }
  return { claims: `${claims.join('\n')}\n`, repayments: `${repayments.join('\n')}\n` };
}
