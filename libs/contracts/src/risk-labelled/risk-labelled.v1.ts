import { Static, Type } from '@sinclair/typebox';
import { Code, Day, Equal, Exact, SameType, Time } from '../schema';

/** A score or a feature's value or contribution: 4 decimals, a sign where it is negative. */
export const Signed4 = (description?: string) => Type.String({ pattern: '^-?(0|[1-9][0-9]*)\\.[0-9]{4}$', ...(description ? { description } : {}) });

export const RiskLabelV1Schema = Exact(
  {
    code: Code(),
    reason: Type.String({ description: 'why, with the numbers it was judged on' }),
    feature: Type.Optional(Type.String({ description: 'the model\'s feature the label speaks of' })),
    contribution: Type.Optional(Signed4('that feature\'s contribution to the score\'s log-odds')),
  },
  'a label: what it says of the guarantee, and why',
);

export const RiskLabelledV1Schema = Exact({
  guaranteeId: Type.String(),
  programme: Type.String(),
  bank: Type.String(),
  loanId: Type.String(),
  modelVersion: Type.String({ description: 'the model file that scored it (libs/domain/src/risk/models)' }),
  issuedOn: Day(),
  score: Signed4('the probability of a claim the model gives, 0.0000 to 1.0000'),
  labels: Type.Array(RiskLabelV1Schema),
  contributions: Type.Array(Exact({ feature: Type.String(), value: Signed4(), contribution: Signed4() }), { description: 'every feature of the model, in its order' }),
  labelledAt: Time(),
});

/**
 * One guarantee's risk score and labels, as the feeds and the loan history answer them (built from
 * risks-labelled.v1). They inform: no decision depends on them.
 */
export const riskLabelledV1 = {
  topic: 'g2g.compensation.risk-labelled.v1',
  version: 1,
  key: (v: RiskLabelledV1) => v.guaranteeId,
  schema: RiskLabelledV1Schema,
} as const;

export interface RiskLabelV1 {
  code: string;
  /** why, with the numbers it was judged on */
  reason: string;
  /** the model's feature the label speaks of */
  feature?: string;
  /** that feature's contribution to the score's log-odds */
  contribution?: string;
}

export interface RiskLabelledV1 {
  guaranteeId: string;
  programme: string;
  bank: string;
  loanId: string;
  /** the model file that scored it */
  modelVersion: string;
  issuedOn: string;
  /** the probability of a claim the model gives, 0.0000 to 1.0000 */
  score: string;
  labels: RiskLabelV1[];
  /** every feature of the model, in its order */
  contributions: { feature: string; value: string; contribution: string }[];
  labelledAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _RiskLabelledV1 = SameType<Equal<Static<typeof RiskLabelledV1Schema>, RiskLabelledV1>>;
