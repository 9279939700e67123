import { Static, Type } from '@sinclair/typebox';
import { BORROWER_ID_TYPES_V1, BORROWER_TYPES_V1, BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';
import { Day, Enum, Equal, Exact, Fen, FiledRate, Flags, RowNumber, SameType, Time } from '../schema';

export const LoansFiledV2Schema = Exact({
  bank: Type.String(),
  batchRef: Type.String(),
  programme: Type.String(),
  firstRow: RowNumber('the row number of the chunk\'s first row (valid or not)'),
  filedAt: Time('when the platform received the chunk'),
  loans: Exact(
    {
      row: Type.Array(RowNumber(), { description: 'row numbers in the bank\'s file (data rows from 1)' }),
      loanId: Type.Array(Type.String()),
      borrowerIdType: Type.Array(Enum(BORROWER_ID_TYPES_V1)),
      borrowerId: Type.Array(Type.String()),
      borrowerName: Type.Array(Type.String()),
      borrowerType: Type.Array(Enum(BORROWER_TYPES_V1)),
      industryCode: Type.Array(Type.String()),
      regionCode: Type.Array(Type.String()),
      sciTech: Flags('one character per loan: Y or N'),
      agriRelated: Flags('one character per loan: Y or N'),
      principalFen: Type.Array(Fen()),
      interestRatePct: Type.Array(FiledRate(), { description: 'exact decimal percent as filed' }),
      guaranteeFeeRatePct: Type.Array(FiledRate()),
      disbursedOn: Type.Array(Day()),
      maturesOn: Type.Array(Day()),
    },
    'columnar: index i of every array (and character i of every flag string) is one loan',
  ),
});

/**
 * A chunk of valid loan rows a bank filed (up to 1,000, in file order): intake checked their
 * format and identifiers and that the bank never filed these loan ids before. Underwriting
 * decides them. Columnar: index i of every array is one loan; flags are strings of Y and N.
 *
 * Key: the programme id (its book decides the loans in filing order, on one partition).
 * (bank, batchRef, firstRow) is the chunk's identity.
 */
export const loansFiledV2 = {
  topic: 'g2g.intake.loans-filed.v2',
  version: 2,
  key: (v: LoansFiledV2) => v.programme,
  schema: LoansFiledV2Schema,
} as const;

export interface LoansFiledV2 {
  bank: string;
  batchRef: string;
  programme: string;
  /** the row number of the chunk's first row (valid or not) */
  firstRow: number;
  /** when the platform received the chunk (ISO 8601) */
  filedAt: string;
  loans: FiledLoansV2;
}

export interface FiledLoansV2 {
  /** row numbers in the bank's file (data rows from 1) */
  row: number[];
  loanId: string[];
  borrowerIdType: ('USCC' | 'RID')[];
  borrowerId: string[];
  borrowerName: string[];
  borrowerType: BorrowerTypeV1[];
  industryCode: string[];
  regionCode: string[];
  /** one character per loan: Y or N */
  sciTech: string;
  agriRelated: string;
  /** integer fen, decimal strings */
  principalFen: string[];
  /** exact decimal percent as filed */
  interestRatePct: string[];
  guaranteeFeeRatePct: string[];
  disbursedOn: string[];
  maturesOn: string[];
}

// tsc fails here when the schema and the interface drift apart
type _LoansFiledV2 = SameType<Equal<Static<typeof LoansFiledV2Schema>, LoansFiledV2>>;
