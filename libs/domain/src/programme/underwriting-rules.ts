import { termWithin } from '../dates';
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
  | 'BORROWER_TYPE'
  | 'BORROWER_LIMIT'
  | 'TERM'
  | 'FEE_RATE'
  | 'INTEREST_RATE'
  | 'INDUSTRY'
  | 'REGION'
  | 'QUOTA'
  | 'PROGRAMME_SUSPENDED';

interface Rule {
  code: RejectionCode;
  /** true when the loan passes */
  passes(p: Programme, loan: LoanApplication, book: ProgrammeBook): boolean;
}

/** The programme's eligibility rules, in the order their codes are reported. Limits are inclusive. */
export const underwritingRules: readonly Rule[] = [
  { code: 'BORROWER_TYPE', passes: (p, l) => p.borrowerTypes.includes(l.borrowerType) },
  { code: 'BORROWER_LIMIT', passes: (p, l, b) => b.borrowerOutstanding + l.principal <= p.maxBorrowerPrincipal },
  { code: 'TERM', passes: (p, l) => termWithin(l.disbursedOn, l.maturesOn, p.termMonths.min, p.termMonths.max) },
  { code: 'FEE_RATE', passes: (p, l) => l.guaranteeFeeRate <= p.maxGuaranteeFeeRate },
  { code: 'INTEREST_RATE', passes: (p, l) => l.interestRate <= p.maxInterestRate },
  { code: 'INDUSTRY', passes: (p, l) => !p.excludedIndustrySections.includes(l.industrySection) },
  { code: 'REGION', passes: (p, l) => l.regionCode.startsWith(p.province) },
  {
    code: 'QUOTA',
    passes: (p, l, b) => {
      if (b.programmeOutstanding + l.principal > p.programmeQuota) return false;
      const line = p.bankQuotas[l.bank];
      return line === undefined || b.bankOutstanding + l.principal <= line;
    },
  },
  { code: 'PROGRAMME_SUSPENDED', passes: (_p, _l, b) => !b.suspended },
];

/** Every rule the loan fails; empty means approved. */
export function rejectionCodes(programme: Programme, loan: LoanApplication, book: ProgrammeBook): RejectionCode[] {
  return underwritingRules.filter((rule) => !rule.passes(programme, loan, book)).map((rule) => rule.code);
}
