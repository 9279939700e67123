import { Static, Type } from '@sinclair/typebox';
import { Day, Equal, Exact, Fen, SameType, Time } from '../schema';

/** The fields of a repayment booked (also the `repaid` of servicing-decided.v2, with an index). */
export const guaranteeRepaidV1Fields = {
  guaranteeId: Type.String(),
  sequence: Type.Integer({ minimum: 1, description: 'the order compensation decided this loan\'s events in (its position in the loan\'s stream)' }),
  programme: Type.String(),
  bank: Type.String(),
  borrowerId: Type.String(),
  amountFen: Fen(),
  outstandingAfterFen: Fen(),
  repaidOn: Day(),
  released: Type.Boolean({ description: 'the outstanding principal reached zero: released, business date repaidOn' }),
  recordedAt: Time(),
};
export const GuaranteeRepaidV1Schema = Exact(guaranteeRepaidV1Fields);

/** A repayment was booked; at zero outstanding the guarantee is released. Key: the guarantee id. */
export const guaranteeRepaidV1 = {
  topic: 'g2g.compensation.guarantee-repaid.v1',
  version: 1,
  key: (v: GuaranteeRepaidV1) => v.guaranteeId,
  schema: GuaranteeRepaidV1Schema,
} as const;

export interface GuaranteeRepaidV1 {
  guaranteeId: string;
  /** the order compensation decided this loan's events in (its position in the loan's stream): messages of different topics may arrive in any order */
  sequence: number;
  programme: string;
  bank: string;
  borrowerId: string;
  amountFen: string;
  outstandingAfterFen: string;
  repaidOn: string;
  /** the outstanding principal reached zero: released, business date repaidOn */
  released: boolean;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _GuaranteeRepaidV1 = SameType<Equal<Static<typeof GuaranteeRepaidV1Schema>, GuaranteeRepaidV1>>;
