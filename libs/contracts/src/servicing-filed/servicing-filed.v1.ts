/**
 * A bank filed a valid repayment, claim or recovery row for a loan it filed. Compensation decides
 * it. One topic for the three, keyed by the guarantee id, so a loan's rows are decided in the
 * order they were filed.
 */
export const servicingFiledV1 = {
  topic: 'g2g.intake.servicing-filed.v1',
  version: 1,
  key: (v: ServicingFiledV1) => v.guaranteeId,
} as const;

export type ServicingKindV1 = 'repayment' | 'claim' | 'recovery';

export interface ServicingFiledV1 {
  kind: ServicingKindV1;
  guaranteeId: string;
  bank: string;
  loanId: string;
  batchRef: string;
  row: number;
  filedAt: string;
  repayment?: { amountFen: string; repaidOn: string };
  claim?: { overdueSince: string; claimedOn: string; unpaidPrincipalFen: string; unpaidInterestFen: string };
  recovery?: { amountFen: string; recoveredOn: string };
}
