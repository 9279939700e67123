import { Static, Type } from '@sinclair/typebox';
import { BORROWER_TYPES_V1, BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';
import { RiskLabelV1, RiskLabelV1Schema, Signed4 } from '../risk-labelled/risk-labelled.v1';
import { Day, Enum, Equal, Exact, Fen, FiledRate, Flags, RowNumber, SameType, Time } from '../schema';

export const RisksLabelledV1Schema = Exact({
  programme: Type.String(),
  bank: Type.String(),
  batchRef: Type.String(),
  firstRow: RowNumber('the decided chunk\'s first row'),
  modelVersion: Type.String(),
  features: Type.Array(Type.String(), { description: 'the model\'s features, the order of every loan\'s values and contributions' }),
  labelledAt: Time(),
  loans: Exact(
    {
      loanId: Type.Array(Type.String()),
      parties: Type.Array(Type.Array(Type.String()), { description: 'every participant of the guarantee but the bank: whose feeds it goes to' }),
      borrowerId: Type.Array(Type.String()),
      borrowerType: Type.Array(Enum(BORROWER_TYPES_V1)),
      industrySection: Type.Array(Type.String()),
      regionCode: Type.Array(Type.String()),
      sciTech: Flags('Y or N per loan'),
      agriRelated: Flags('Y or N per loan'),
      principalFen: Type.Array(Fen()),
      interestRatePct: Type.Array(FiledRate()),
      disbursedOn: Type.Array(Day()),
      maturesOn: Type.Array(Day()),
      termDays: Type.Array(Type.Integer({ minimum: 1 })),
      score: Type.Array(Signed4()),
      labels: Type.Array(Type.Array(RiskLabelV1Schema)),
      values: Type.Array(Type.Array(Signed4()), { description: 'per loan, each feature\'s value' }),
      contributions: Type.Array(Type.Array(Signed4()), { description: 'per loan, each feature\'s contribution to the log-odds' }),
    },
    'the issued guarantees of the chunk, columnar, with the facts they were scored on',
  ),
});

/**
 * Compensation scored and labelled the guarantees of a decided chunk (one loans-decided.v2), on
 * what the platform knew when it recorded them: the loans, the borrower's exposure, and the
 * programme's, bank's, region's and industry's claims so far. A new model version labels the same
 * chunks again, in messages of its own; no decision changes. The guarantee id is `{bank}/{loanId}`.
 *
 * Key: the programme id.
 */
export const risksLabelledV1 = {
  topic: 'g2g.compensation.risks-labelled.v1',
  version: 1,
  key: (v: RisksLabelledV1) => v.programme,
  schema: RisksLabelledV1Schema,
} as const;

export interface RisksLabelledV1 {
  programme: string;
  bank: string;
  batchRef: string;
  /** the decided chunk's first row */
  firstRow: number;
  modelVersion: string;
  /** the model's features, the order of every loan's values and contributions */
  features: string[];
  labelledAt: string;
  loans: LabelledLoansV1;
}

/** The issued guarantees of the chunk, columnar, with the facts they were scored on. */
export interface LabelledLoansV1 {
  loanId: string[];
  /** every participant of the guarantee but the bank: whose feeds it goes to */
  parties: string[][];
  borrowerId: string[];
  borrowerType: BorrowerTypeV1[];
  industrySection: string[];
  regionCode: string[];
  /** Y or N per loan */
  sciTech: string;
  agriRelated: string;
  principalFen: string[];
  interestRatePct: string[];
  disbursedOn: string[];
  maturesOn: string[];
  termDays: number[];
  score: string[];
  labels: RiskLabelV1[][];
  /** per loan, each feature's value */
  values: string[][];
  /** per loan, each feature's contribution to the log-odds */
  contributions: string[][];
}

// tsc fails here when the schema and the interface drift apart
type _RisksLabelledV1 = SameType<Equal<Static<typeof RisksLabelledV1Schema>, RisksLabelledV1>>;
