import { Static, Type } from '@sinclair/typebox';
import { Day, Decimal, Equal, Exact, Fen, Month, SameType } from '../schema';

export const GuaranteeCededV1Schema = Exact({
  guaranteeId: Type.String(),
  programme: Type.String(),
  bank: Type.String(),
  guarantor: Type.String(),
  principalFen: Fen(),
  termDays: Type.Integer({ minimum: 1 }),
  cededOn: Day(),
  statementMonth: Month('YYYY-MM of cededOn: the monthly statement it belongs to'),
  cessions: Type.Array(
    Exact({
      role: Type.String({ examples: ['reguarantor', 'fund'] }),
      participant: Type.String(),
      riskFen: Fen('its risk amount'),
      feePct: Decimal('the re-guarantee fee percent applied'),
      reguaranteeFeeFen: Fen('round(risk x fee pct x term days / 365)'),
    }),
  ),
});

/**
 * Cession booked the re-guarantors' and the Fund's parts of an issued guarantee and the
 * re-guarantee fee each charges the guarantor. Key: the guarantee id.
 */
export const guaranteeCededV1 = {
  topic: 'g2g.cession.guarantee-ceded.v1',
  version: 1,
  key: (v: GuaranteeCededV1) => v.guaranteeId,
  schema: GuaranteeCededV1Schema,
} as const;

export interface CessionV1 {
  role: 'reguarantor' | 'fund' | string;
  participant: string;
  /** its risk amount: integer fen as a decimal string */
  riskFen: string;
  /** the re-guarantee fee percent applied */
  feePct: string;
  /** round(risk x fee pct x term days / 365) */
  reguaranteeFeeFen: string;
}

export interface GuaranteeCededV1 {
  guaranteeId: string;
  programme: string;
  bank: string;
  guarantor: string;
  principalFen: string;
  termDays: number;
  cededOn: string;
  /** YYYY-MM of cededOn: the monthly statement it belongs to */
  statementMonth: string;
  cessions: CessionV1[];
}

// tsc fails here when the schema and the interface drift apart
type _GuaranteeCededV1 = SameType<Equal<Static<typeof GuaranteeCededV1Schema>, GuaranteeCededV1>>;
