import { Static, Type } from '@sinclair/typebox';
import { Day, Enum, Equal, Exact, Fen, RowNumber, SameType, Time } from '../schema';

export const SERVICING_KINDS_V1 = ['repayment', 'claim', 'recovery'] as const;
export type ServicingKindV1 = (typeof SERVICING_KINDS_V1)[number];

/** `kind` names the one of repayment, claim or recovery that the row carries. */
const carriesItsKind = {
  allOf: SERVICING_KINDS_V1.map((kind) => ({
    if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] },
    then: { type: 'object', required: [kind] },
  })),
};

export const ServicingFiledV1Schema = Type.Object(
  {
    kind: Enum(SERVICING_KINDS_V1),
    guaranteeId: Type.String(),
    bank: Type.String(),
    loanId: Type.String(),
    batchRef: Type.String(),
    row: RowNumber(),
    filedAt: Time(),
    repayment: Type.Optional(Exact({ amountFen: Fen(), repaidOn: Day() })),
    claim: Type.Optional(Exact({ overdueSince: Day(), claimedOn: Day(), unpaidPrincipalFen: Fen(), unpaidInterestFen: Fen() })),
    recovery: Type.Optional(Exact({ amountFen: Fen(), recoveredOn: Day() })),
  },
  { additionalProperties: false, ...carriesItsKind },
);

/**
 * A bank filed a valid repayment, claim or recovery row for a loan it filed. Compensation decides
 * it. One topic for the three, keyed by the guarantee id, so a loan's rows are decided in the
 * order they were filed.
 */
export const servicingFiledV1 = {
  topic: 'g2g.intake.servicing-filed.v1',
  version: 1,
  key: (v: ServicingFiledV1) => v.guaranteeId,
  schema: ServicingFiledV1Schema,
} as const;

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

// tsc fails here when the schema and the interface drift apart
type _ServicingFiledV1 = SameType<Equal<Static<typeof ServicingFiledV1Schema>, ServicingFiledV1>>;
