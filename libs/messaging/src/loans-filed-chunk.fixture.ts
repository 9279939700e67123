import { LoansFiledV2 } from '@g2g/contracts';

export const FIXTURE_BORROWER_ID = '91350100M000100Y43';
export const FIXTURE_BORROWER_NAME = '某某科技有限公司';

/** A loans-filed.v2 chunk of batch `batchRef` from `firstRow`, a loan per principal given (fen as written: a test may write them wrong). */
export function loansFiledChunk(batchRef: string, firstRow: number, principalFen: string[]): LoansFiledV2 {
  const n = principalFen.length;
  const col = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  return {
    bank: 'ICBC',
    batchRef,
    programme: 'P1',
    firstRow,
    filedAt: '2026-01-05T08:00:00.000Z',
    loans: {
      row: col((i) => firstRow + i),
      loanId: col((i) => `${batchRef}-${firstRow + i}`),
      borrowerIdType: col(() => 'USCC' as const),
      borrowerId: col(() => FIXTURE_BORROWER_ID),
      borrowerName: col(() => FIXTURE_BORROWER_NAME),
      borrowerType: col(() => 'micro' as const),
      industryCode: col(() => 'C1311'),
      regionCode: col(() => '110105'),
      sciTech: 'N'.repeat(n),
      agriRelated: 'N'.repeat(n),
      principalFen,
      interestRatePct: col(() => '4.5'),
      guaranteeFeeRatePct: col(() => '0.8'),
      disbursedOn: col(() => '2025-03-01'),
      maturesOn: col(() => '2026-03-01'),
    },
  };
}
