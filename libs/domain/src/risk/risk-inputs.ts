import { Fen } from '../money';
import { IsoDate, addMonths } from '../dates';
import type { Programme } from '../programme/programme';
import { formatRate } from '../rate';

/**
 * What the risk scoring reads of one issued guarantee: the loan as filed and issued. Nothing
 * here is decided by the scoring; it only reads.
 */
export interface RiskLoan {
  guaranteeId: string;
  programme: string;
  bank: string;
  borrowerId: string;
  borrowerType: string;
  industrySection: string;
  regionCode: string;
  sciTech: boolean;
  agriRelated: boolean;
  principalFen: Fen;
  /** exact decimal, as filed */
  interestRatePct: string;
  disbursedOn: IsoDate;
  maturesOn: IsoDate;
  termDays: number;
}

/** Guarantees issued in a slice of a programme so far, and how many of them were claimed. */
export interface ClaimTally {
  issued: number;
  claimed: number;
}

/**
 * What the platform knew when the guarantee was issued, within its programme: the claim
 * history of the programme, the bank, the region (county) and the industry section, the
 * bank's claims by the month their loans fell overdue, and the borrower's outstanding principal.
 */
export interface RiskContext {
  programme: ClaimTally;
  bank: ClaimTally;
  region: ClaimTally;
  industry: ClaimTally;
  /** the bank's claims whose loans fell overdue in the recent window of `overdueWindows` */
  bankOverdueRecent: number;
  /** ... and in the 3 months before it */
  bankOverdueEarlier: number;
  /** the borrower's outstanding principal in the programme, this loan included */
  borrowerOutstandingFen: Fen;
}

/** The programme's limits the rules compare with (of the version the guarantee was issued under). */
export interface RiskLimits {
  maxBorrowerPrincipalFen: Fen;
  termMonthsMax: number;
  /** exact decimal */
  maxInterestRatePct: string;
}

/** A programme version's limits as the risk rules compare with them. */
export function riskLimitsOf(p: Programme): RiskLimits {
  return { maxBorrowerPrincipalFen: p.maxBorrowerPrincipal, termMonthsMax: p.termMonths.max, maxInterestRatePct: formatRate(p.maxInterestRate) };
}

/** The claim history of a loan's slices as the platform knows it: a risk context but the borrower's exposure. */
export type ClaimHistory = Omit<RiskContext, 'borrowerOutstandingFen'>;

/**
 * A region's key for the claim history: its county-level code (GB/T 2260) as filed. A prefecture
 * would be coarser, but a municipality such as Beijing is a single prefecture.
 */
export const regionKey = (regionCode: string) => regionCode;

/** `YYYY-MM` of a date. */
export const monthOf = (date: IsoDate) => date.slice(0, 7);

/**
 * Months of the 3 before disbursement are not compared: a loan that fell overdue then cannot have
 * been claimed yet (the claim waits out a grace period, 90 days by default), so they always look
 * quiet.
 */
export const OVERDUE_LAG_MONTHS = 3;

/**
 * The months the bank's overdue trend compares: the recent three (the 4th to 6th months before the
 * disbursement month) and the three before them, newest first. Both the service and the offline
 * replay count with these.
 */
export function overdueWindows(disbursedOn: IsoDate): { readonly recent: readonly string[]; readonly earlier: readonly string[] } {
  const month = monthOf(disbursedOn);
  let w = windowsByMonth.get(month);
  if (!w) {
    const first = `${month}-01`;
    const months = [1, 2, 3, 4, 5, 6].map((k) => monthOf(addMonths(first, -(OVERDUE_LAG_MONTHS + k))));
    w = Object.freeze({ recent: Object.freeze(months.slice(0, 3)), earlier: Object.freeze(months.slice(3)) });
    // a chunk's loans share a few months: the windows are worked out once per month (a bounded memo)
    if (windowsByMonth.size >= 10_000) windowsByMonth.clear();
    windowsByMonth.set(month, w);
  }
  return w;
}
const windowsByMonth = new Map<string, { readonly recent: readonly string[]; readonly earlier: readonly string[] }>();

export const emptyContext = (): RiskContext => ({
  programme: { issued: 0, claimed: 0 },
  bank: { issued: 0, claimed: 0 },
  region: { issued: 0, claimed: 0 },
  industry: { issued: 0, claimed: 0 },
  bankOverdueRecent: 0,
  bankOverdueEarlier: 0,
  borrowerOutstandingFen: 0n,
});
