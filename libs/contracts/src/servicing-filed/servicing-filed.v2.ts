import { Static, Type } from '@sinclair/typebox';
import { Day, Enum, Equal, Fen, RowNumber, SameType, Time } from '../schema';
import { SERVICING_KINDS_V1, ServicingKindV1 } from './servicing-filed.v1';

/** The columns each kind of chunk carries (and the others it does not). */
const COLUMNS_OF_KIND: Record<ServicingKindV1, readonly string[]> = {
  repayment: ['amountFen', 'on'],
  claim: ['overdueSince', 'claimedOn', 'unpaidPrincipalFen', 'unpaidInterestFen'],
  recovery: ['amountFen', 'on'],
};
const ALL_COLUMNS = [...new Set(Object.values(COLUMNS_OF_KIND).flat())];

export const ServicingFiledV2Schema = Type.Object(
  {
    bank: Type.String(),
    batchRef: Type.String(),
    kind: Enum(SERVICING_KINDS_V1),
    firstRow: RowNumber(),
    filedAt: Time(),
    row: Type.Array(RowNumber()),
    loanId: Type.Array(Type.String()),
    amountFen: Type.Optional(Type.Array(Fen(), { description: 'repayments and recoveries: the amount' })),
    on: Type.Optional(Type.Array(Day(), { description: 'repayments: repaid_on; recoveries: recovered_on' })),
    overdueSince: Type.Optional(Type.Array(Day(), { description: 'claims' })),
    claimedOn: Type.Optional(Type.Array(Day(), { description: 'claims' })),
    unpaidPrincipalFen: Type.Optional(Type.Array(Fen(), { description: 'claims' })),
    unpaidInterestFen: Type.Optional(Type.Array(Fen(), { description: 'claims' })),
  },
  {
    additionalProperties: false,
    allOf: SERVICING_KINDS_V1.map((kind) => ({
      if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] },
      then: {
        type: 'object',
        required: [...COLUMNS_OF_KIND[kind]],
        // a column of another kind is refused (a `false` schema: its path is named)
        properties: Object.fromEntries(ALL_COLUMNS.filter((c) => !COLUMNS_OF_KIND[kind].includes(c)).map((c) => [c, false])),
      },
    })),
  },
);

/**
 * A chunk of valid repayment, claim or recovery rows a bank filed for loans it filed (up to
 * 1,000, in file order). Compensation decides them. Key: the bank, so that every row of a loan is
 * decided in the order filed, whatever batch it came in.
 */
export const servicingFiledV2 = {
  topic: 'g2g.intake.servicing-filed.v2',
  version: 2,
  key: (v: ServicingFiledV2) => v.bank,
  schema: ServicingFiledV2Schema,
} as const;

export interface ServicingFiledV2 {
  bank: string;
  batchRef: string;
  kind: ServicingKindV1;
  firstRow: number;
  filedAt: string;
  row: number[];
  loanId: string[];
  /** repayments and recoveries: the amount, integer fen */
  amountFen?: string[];
  /** repayments: repaid_on; recoveries: recovered_on */
  on?: string[];
  /** claims */
  overdueSince?: string[];
  claimedOn?: string[];
  unpaidPrincipalFen?: string[];
  unpaidInterestFen?: string[];
}

// tsc fails here when the schema and the interface drift apart
type _ServicingFiledV2 = SameType<Equal<Static<typeof ServicingFiledV2Schema>, ServicingFiledV2>>;
