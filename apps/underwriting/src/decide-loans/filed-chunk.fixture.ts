import { LoansFiledV2 } from '@g2g/contracts';
import { usccCheckCharacter } from '@g2g/domain';

// Filed chunks as intake publishes them, for underwriting's tests.

export const borrower = (n: number) => {
  const first17 = `911101050000${String(n).padStart(5, '0')}`;
  return first17 + usccCheckCharacter(first17);
};

export interface Loan {
  n: number;
  principalFen: string;
  borrowerId: string;
  disbursedOn?: string;
  maturesOn?: string;
  regionCode?: string;
}
export const filing = (n: number, principalFen: string, borrowerId = borrower(n), more: Partial<Loan> = {}): Loan => ({ n, principalFen, borrowerId, ...more });

/** One filed chunk of a bank's batch, as intake publishes it. */
export const chunk = (bank: string, loans: Loan[], batchRef = `batch-${bank}`, programme = 'P'): LoansFiledV2 => ({
  bank,
  batchRef,
  programme,
  firstRow: loans[0].n,
  filedAt: '2025-03-01T00:00:00Z',
  loans: {
    row: loans.map((l) => l.n),
    loanId: loans.map((l) => `L${l.n}`),
    borrowerIdType: loans.map(() => 'USCC' as const),
    borrowerId: loans.map((l) => l.borrowerId),
    borrowerName: loans.map(() => 'x'),
    borrowerType: loans.map(() => 'micro' as const),
    industryCode: loans.map(() => 'C1311'),
    regionCode: loans.map((l) => l.regionCode ?? '110105'),
    sciTech: loans.map(() => 'N').join(''),
    agriRelated: loans.map(() => 'N').join(''),
    principalFen: loans.map((l) => l.principalFen),
    interestRatePct: loans.map(() => '4.5'),
    guaranteeFeeRatePct: loans.map(() => '0.8'),
    disbursedOn: loans.map((l) => l.disbursedOn ?? '2025-03-01'),
    maturesOn: loans.map((l) => l.maturesOn ?? '2026-03-01'),
  },
});
