import { Static, Type } from '@sinclair/typebox';
import { ClaimPaidV1, claimPaidV1Fields } from '../claim-paid/claim-paid.v1';
import { GuaranteeRepaidV1, guaranteeRepaidV1Fields } from '../guarantee-repaid/guarantee-repaid.v1';
import { RecoverySharedV1, recoverySharedV1Fields } from '../recovery-shared/recovery-shared.v1';
import { Code, Enum, Equal, Exact, Index, RowNumber, SameType, Time } from '../schema';
import { SERVICING_KINDS_V1, ServicingKindV1 } from '../servicing-filed/servicing-filed.v1';

const atRow = { index: Index('index into the chunk\'s `row`/`loanId`') };

export const ServicingDecidedV2Schema = Exact({
  bank: Type.String(),
  batchRef: Type.String(),
  kind: Enum(SERVICING_KINDS_V1),
  firstRow: RowNumber(),
  decidedAt: Time(),
  row: Type.Array(RowNumber()),
  loanId: Type.Array(Type.String()),
  codes: Type.Array(Type.Array(Code(), { maxItems: 1 }), { description: 'per row: [] accepted, else its one code' }),
  repaid: Type.Array(Exact({ ...guaranteeRepaidV1Fields, ...atRow }), { description: 'guarantee-repaid.v1 of each accepted repayment' }),
  claims: Type.Array(Exact({ ...claimPaidV1Fields, ...atRow }), { description: 'claim-paid.v1 of each accepted claim' }),
  recoveries: Type.Array(Exact({ ...recoverySharedV1Fields, ...atRow }), { description: 'recovery-shared.v1 of each accepted recovery' }),
});

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
  schema: ServicingDecidedV2Schema,
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

// tsc fails here when the schema and the interface drift apart
type _ServicingDecidedV2 = SameType<Equal<Static<typeof ServicingDecidedV2Schema>, ServicingDecidedV2>>;
