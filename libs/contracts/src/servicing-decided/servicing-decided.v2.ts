import { ClaimPaidV1 } from '../claim-paid/claim-paid.v1';
import { GuaranteeRepaidV1 } from '../guarantee-repaid/guarantee-repaid.v1';
import { RecoverySharedV1 } from '../recovery-shared/recovery-shared.v1';
import { ServicingKindV1 } from '../servicing-filed/servicing-filed.v1';

/**
 * Compensation decided a chunk of servicing rows: each row's outcome, and the facts of the
 * accepted ones (index into the chunk's rows): repayments (and releases), claims paid with their
 * compensation, support and losses, recoveries shared. Replaces servicing-decided.v1,
 * guarantee-repaid.v1, claim-paid.v1 and recovery-shared.v1 on the wire; the facts keep those
 * shapes. Key: the bank.
 */
export const servicingDecidedV2 = {
  topic: 'g2g.compensation.servicing-decided.v2',
  version: 2,
  key: (v: ServicingDecidedV2) => v.bank,
} as const;

export interface ServicingDecidedV2 {
  bank: string;
  batchRef: string;
  kind: ServicingKindV1;
  firstRow: number;
  decidedAt: string;
  row: number[];
  loanId: string[];
  /** per row: [] accepted, else its one code */
  codes: string[][];
  repaid: (GuaranteeRepaidV1 & { index: number })[];
  claims: (ClaimPaidV1 & { index: number })[];
  recoveries: (RecoverySharedV1 & { index: number })[];
}
