/** A repayment was booked; at zero outstanding the guarantee is released. Key: the guarantee id. */
export const guaranteeRepaidV1 = {
  topic: 'g2g.compensation.guarantee-repaid.v1',
  version: 1,
  key: (v: GuaranteeRepaidV1) => v.guaranteeId,
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
