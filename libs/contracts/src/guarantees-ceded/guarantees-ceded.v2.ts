import { Static, Type } from '@sinclair/typebox';
import { Day, Decimal, Equal, Exact, Fen, FenOrEmpty, SameType, Time } from '../schema';

export const GuaranteesCededV2Schema = Exact({
  programme: Type.String(),
  bank: Type.String(),
  batchRef: Type.String(),
  firstRow: Type.Integer({ minimum: 1 }),
  cededAt: Time(),
  guarantees: Exact({
    loanId: Type.Array(Type.String()),
    guarantor: Type.Array(Type.String()),
    principalFen: Type.Array(Fen()),
    termDays: Type.Array(Type.Integer({ minimum: 1 })),
    cededOn: Type.Array(Day(), { description: 'the business date: the loan\'s disbursement' }),
    feePct: Type.Array(Decimal()),
  }),
  parts: Type.Array(
    Exact({
      participant: Type.String(),
      role: Type.String({ examples: ['reguarantor', 'fund'] }),
      riskFen: Type.Array(FenOrEmpty()),
      feeFen: Type.Array(FenOrEmpty()),
    }),
    { description: "one entry per re-guarantor or Fund of the chunk; '' where it is not a party of that loan" },
  ),
});

/**
 * Cession booked the re-guarantors' and the Fund's parts of a chunk of issued guarantees (one
 * loans-decided.v2 message's approved loans), with the re-guarantee fee each charges the
 * guarantor: round(risk x fee pct x term days / 365). Replaces guarantee-ceded.v1.
 *
 * Key: the programme id.
 */
export const guaranteesCededV2 = {
  topic: 'g2g.cession.guarantees-ceded.v2',
  version: 2,
  key: (v: GuaranteesCededV2) => v.programme,
  schema: GuaranteesCededV2Schema,
} as const;

export interface GuaranteesCededV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  cededAt: string;
  guarantees: {
    loanId: string[];
    guarantor: string[];
    principalFen: string[];
    termDays: number[];
    /** the business date: the loan's disbursement */
    cededOn: string[];
    feePct: string[];
  };
  /** one entry per re-guarantor or Fund of the chunk; '' where it is not a party of that loan */
  parts: { participant: string; role: string; riskFen: string[]; feeFen: string[] }[];
}

// tsc fails here when the schema and the interface drift apart
type _GuaranteesCededV2 = SameType<Equal<Static<typeof GuaranteesCededV2Schema>, GuaranteesCededV2>>;
