import { termWithin } from '../dates';
import { compareDecimal } from '../risk/risk-model';
import { BorrowerType } from '../identifiers';
import { Fen } from '../money';
import { Rate } from '../rate';
import { Programme } from './programme';

/** What underwriting knows of a filed loan. */
export interface LoanApplication {
  bank: string;
  borrowerId: string;
  borrowerType: BorrowerType;
  industrySection: string;
  regionCode: string;
  principal: Fen;
  interestRate: Rate;
  guaranteeFeeRate: Rate;
  disbursedOn: string;
  maturesOn: string;
  /** the recommended lists the borrower is on at `disbursedOn` (absent: on none) */
  lists?: readonly string[];
  /** the loan's risk score at decision, given when the programme version names `max_risk_score` */
  riskScore?: string;
}

/** The programme's book when the loan is decided: what earlier decisions already consumed. */
export interface ProgrammeBook {
  suspended: boolean;
  /** outstanding principal of the whole programme */
  programmeOutstanding: Fen;
  /** outstanding principal of this loan's bank in the programme */
  bankOutstanding: Fen;
  /** outstanding principal of this loan's borrower in the programme, across banks */
  borrowerOutstanding: Fen;
}

export type RejectionCode =
  | 'PROGRAMME_NOT_EFFECTIVE'
  | 'BANK_NOT_IN_PROGRAMME'
  | 'BORROWER_TYPE'
  | 'BORROWER_LIMIT'
  | 'TERM'
  | 'FEE_RATE'
  | 'INTEREST_RATE'
  | 'INDUSTRY'
  | 'REGION'
  | 'NOT_ON_LIST'
  | 'RISK_SCORE'
  | 'QUOTA'
  | 'PROGRAMME_SUSPENDED';

interface Rule {
  code: RejectionCode;
  /** a gate: when it fails, the loan is outside the programme and no other rule is judged */
  gate?: true;
  /** true when the loan passes */
  passes(p: Programme, loan: LoanApplication, book: ProgrammeBook): boolean;
}

/**
 * PROGRAMME_NOT_EFFECTIVE, the first rule: the version of the programme that applies is the
 * latest effective on the loan's disbursement date; none is effective yet, the loan is refused
 * with this code alone.
 */
export function programmeVersionOn(versions: readonly Programme[], disbursedOn: string): Programme | undefined {
  let found: Programme | undefined;
  for (const v of versions) if (v.effectiveFrom <= disbursedOn && (!found || v.effectiveFrom >= found.effectiveFrom)) found = v;
  return found;
}

/** The programme's eligibility rules, in the order their codes are reported. Limits are inclusive. */
export const underwritingRules: readonly Rule[] = [
  { code: 'BANK_NOT_IN_PROGRAMME', gate: true, passes: (p, l) => p.banks.includes(l.bank) },
  { code: 'BORROWER_TYPE', passes: (p, l) => p.borrowerTypes.includes(l.borrowerType) },
  { code: 'BORROWER_LIMIT', passes: (p, l, b) => b.borrowerOutstanding + l.principal <= p.maxBorrowerPrincipal },
  { code: 'TERM', passes: (p, l) => termWithin(l.disbursedOn, l.maturesOn, p.termMonths.min, p.termMonths.max) },
  { code: 'FEE_RATE', passes: (p, l) => l.guaranteeFeeRate <= p.maxGuaranteeFeeRate },
  { code: 'INTEREST_RATE', passes: (p, l) => l.interestRate <= p.maxInterestRate },
  { code: 'INDUSTRY', passes: (p, l) => !p.excludedIndustrySections.includes(l.industrySection) },
  { code: 'REGION', passes: (p, l) => l.regionCode.startsWith(p.province) },
  // who the borrower is, like the rules above it; the programme's capacity and state come after
  { code: 'NOT_ON_LIST', passes: (p, l) => p.requiredLists.length === 0 || p.requiredLists.some((id) => l.lists?.includes(id) === true) },
  // only for a programme that opts in; a threshold with no score to compare is a fault, not a pass
  {
    code: 'RISK_SCORE',
    passes: (p, l) => {
      if (p.maxRiskScore === null) return true;
      if (l.riskScore === undefined) throw new Error('RISK_SCORE: the programme names max_risk_score and the loan has no score');
      return compareDecimal(l.riskScore, p.maxRiskScore) <= 0;
    },
  },
  {
    code: 'QUOTA',
    passes: (p, l, b) => {
      if (b.programmeOutstanding + l.principal > p.programmeQuota) return false;
      const line = p.bankQuotas.get(l.bank);
      return line === undefined || b.bankOutstanding + l.principal <= line;
    },
  },
  { code: 'PROGRAMME_SUSPENDED', passes: (_p, _l, b) => !b.suspended },
];

/** Every rule the loan fails under this version; empty means approved. A failed gate is reported alone. */
export function rejectionCodes(programme: Programme, loan: LoanApplication, book: ProgrammeBook): RejectionCode[] {
  const codes: RejectionCode[] = [];
  for (const rule of underwritingRules) {
    if (rule.passes(programme, loan, book)) continue;
    if (rule.gate) return [rule.code];
    codes.push(rule.code);
  }
  return codes;
}

/** Every rule the loan fails under the programme's versions: PROGRAMME_NOT_EFFECTIVE first, then rejectionCodes. */
export function decideLoan(versions: readonly Programme[], loan: LoanApplication, book: ProgrammeBook): { codes: RejectionCode[]; version?: Programme } {
  const version = programmeVersionOn(versions, loan.disbursedOn);
  if (!version) return { codes: ['PROGRAMME_NOT_EFFECTIVE'] };
  return { codes: rejectionCodes(version, loan, book), version };
}
