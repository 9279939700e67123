import { Static, Type } from '@sinclair/typebox';
import { BORROWER_ID_TYPES_V1, BORROWER_TYPES_V1, BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';
import { Code, Day, Decimal, Enum, Equal, Exact, Fen, FiledRate, Flags, Index, RowNumber, SameType, Time } from '../schema';

export const IssueTermsV2Schema = Exact(
  {
    programmeVersion: Day('effective_from of the version'),
    province: Type.String({ pattern: '^[0-9]{2}$' }),
    fundBacked: Type.Boolean(),
    parties: Type.Array(Exact({ role: Type.String({ examples: ['bank', 'guarantor', 'reguarantor', 'fund'] }), participant: Type.String(), sharePct: Decimal() })),
    claimGraceDays: Type.Integer({ minimum: 0 }),
    claimCoversInterest: Type.Boolean(),
    fundCapPct: Decimal(),
    breakerPct: Decimal(),
  },
  'a programme version as it applies to this chunk\'s bank: $bank replaced by the lending bank',
);

export const LoansDecidedV2Schema = Exact({
  programme: Type.String(),
  bank: Type.String(),
  batchRef: Type.String(),
  firstRow: RowNumber(),
  decidedAt: Time(),
  row: Type.Array(RowNumber(), { description: 'every filed loan of the chunk, in filing order' }),
  loanId: Type.Array(Type.String()),
  codes: Type.Array(Type.Array(Code()), { description: 'per loan: [] approved, else every rejection code (or UNPROCESSABLE)' }),
  terms: Type.Array(IssueTermsV2Schema, { description: 'the versions the approved loans were issued under' }),
  issued: Exact(
    {
      index: Type.Array(Index()),
      terms: Type.Array(Index(), { description: 'index into `terms`' }),
      borrowerIdType: Type.Array(Enum(BORROWER_ID_TYPES_V1)),
      borrowerId: Type.Array(Type.String()),
      borrowerName: Type.Array(Type.String()),
      borrowerType: Type.Array(Enum(BORROWER_TYPES_V1)),
      industryCode: Type.Array(Type.String()),
      industrySection: Type.Array(Type.String()),
      regionCode: Type.Array(Type.String()),
      sciTech: Flags('Y or N per loan'),
      agriRelated: Flags('Y or N per loan'),
      inclusive: Flags('small, micro and agriculture business: every type but medium, or agri_related'),
      principalFen: Type.Array(Fen()),
      interestRatePct: Type.Array(FiledRate()),
      guaranteeFeeRatePct: Type.Array(FiledRate()),
      disbursedOn: Type.Array(Day()),
      maturesOn: Type.Array(Day()),
      termDays: Type.Array(Type.Integer({ minimum: 1 })),
      guaranteeFeeFen: Type.Array(Fen(), { description: 'round(principal x fee rate x term days / 365)' }),
      reguaranteeFeePct: Type.Array(Decimal(), { description: 'the re-guarantee fee percent that applies (by the loan\'s principal)' }),
      lists: Type.Optional(
        Type.Array(Type.Array(Type.String()), {
          description: 'per loan, the ids of the recommended lists its borrower was on at its disbursement date, sorted ([] on none); absent from chunks decided before lists existed',
        }),
      ),
    },
    'the approved loans, columnar; `index` points into the chunk\'s `row`/`loanId`',
  ),
});

/**
 * Underwriting decided a chunk of filed loans (one loans-filed.v2 message): every loan's outcome,
 * and for the approved ones (the guarantees issued, business date = disbursed_on) the terms they
 * were issued under, so that no consumer looks anything up. Replaces guarantee-issued.v1 and
 * loan-rejected.v1. Columnar, as loans-filed.v2; the guarantee id is `{bank}/{loanId}`.
 *
 * Key: the programme id.
 */
export const loansDecidedV2 = {
  topic: 'g2g.underwriting.loans-decided.v2',
  version: 2,
  key: (v: LoansDecidedV2) => v.programme,
  schema: LoansDecidedV2Schema,
} as const;

/** A programme version as it applies to this chunk's bank: `$bank` replaced by the lending bank. */
export interface IssueTermsV2 {
  /** effective_from of the version */
  programmeVersion: string;
  province: string;
  fundBacked: boolean;
  parties: { role: string; participant: string; sharePct: string }[];
  claimGraceDays: number;
  claimCoversInterest: boolean;
  fundCapPct: string;
  breakerPct: string;
}

export interface LoansDecidedV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  decidedAt: string;
  /** every filed loan of the chunk, in filing order */
  row: number[];
  loanId: string[];
  /** per loan: [] approved, else every rejection code (or UNPROCESSABLE) */
  codes: string[][];
  /** the versions the approved loans were issued under */
  terms: IssueTermsV2[];
  issued: IssuedLoansV2;
}

/** The approved loans, columnar; `index` points into the chunk's `row`/`loanId`. */
export interface IssuedLoansV2 {
  index: number[];
  /** index into `terms` */
  terms: number[];
  borrowerIdType: ('USCC' | 'RID')[];
  borrowerId: string[];
  borrowerName: string[];
  borrowerType: BorrowerTypeV1[];
  industryCode: string[];
  industrySection: string[];
  regionCode: string[];
  /** Y or N per loan */
  sciTech: string;
  agriRelated: string;
  /** small, micro and agriculture business: every type but medium, or agri_related */
  inclusive: string;
  principalFen: string[];
  interestRatePct: string[];
  guaranteeFeeRatePct: string[];
  disbursedOn: string[];
  maturesOn: string[];
  termDays: number[];
  /** round(principal x fee rate x term days / 365) */
  guaranteeFeeFen: string[];
  /** the re-guarantee fee percent that applies (by the loan's principal) */
  reguaranteeFeePct: string[];
  /** per loan, the ids of the recommended lists its borrower was on at its disbursement date, sorted ([] on none); absent from chunks decided before lists existed */
  lists?: string[][];
}

// tsc fails here when the schema and the interface drift apart
type _LoansDecidedV2 = SameType<Equal<Static<typeof LoansDecidedV2Schema>, LoansDecidedV2>>;
