import { Static, Type } from '@sinclair/typebox';
import { BORROWER_ID_TYPES_V1, BORROWER_TYPES_V1, BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';
import { Day, Decimal, Enum, Equal, Exact, Fen, FiledRate, RowNumber, SameType, Time } from '../schema';

export const GuaranteeIssuedV1Schema = Exact({
  guaranteeId: Type.String(),
  bank: Type.String(),
  loanId: Type.String(),
  batchRef: Type.String(),
  row: RowNumber(),
  programme: Type.String(),
  programmeVersion: Day('effective_from of the programme version applied'),
  province: Type.String({ pattern: '^[0-9]{2}$' }),
  fundBacked: Type.Boolean(),
  borrower: Exact({ idType: Enum(BORROWER_ID_TYPES_V1), id: Type.String(), name: Type.String(), type: Enum(BORROWER_TYPES_V1) }),
  industryCode: Type.String(),
  industrySection: Type.String(),
  regionCode: Type.String(),
  sciTech: Type.Boolean(),
  agriRelated: Type.Boolean(),
  inclusive: Type.Boolean({ description: 'small, micro and agriculture business (every type but medium, or agri_related)' }),
  principalFen: Fen(),
  interestRatePct: FiledRate(),
  guaranteeFeeRatePct: FiledRate(),
  disbursedOn: Day(),
  maturesOn: Day(),
  termDays: Type.Integer({ minimum: 1 }),
  guaranteeFeeFen: Fen('round(principal x fee rate x term days / 365)'),
  parties: Type.Array(
    Exact({
      role: Type.String({ examples: ['bank', 'guarantor', 'reguarantor', 'fund'] }),
      participant: Type.String(),
      sharePct: Decimal('exact decimal percent of principal'),
      riskFen: Fen('split(principal)'),
    }),
  ),
  reguaranteeFeePct: Decimal('re-guarantee fee percent that applies to this loan (by its principal)'),
  issuedOn: Day(),
  decidedAt: Time(),
  lists: Type.Optional(Type.Array(Type.String(), { description: 'the recommended lists the borrower was on at disbursed_on, by id (absent in guarantees issued before lists were recorded)' })),
});

/**
 * Underwriting approved a filed loan: the guarantee is issued, business date = disbursed_on.
 * Carries the programme terms it was issued under, so no consumer needs to look them up.
 * Key: the guarantee id `{bank}/{loan_id}`.
 */
export const guaranteeIssuedV1 = {
  topic: 'g2g.underwriting.guarantee-issued.v1',
  version: 1,
  key: (v: GuaranteeIssuedV1) => v.guaranteeId,
  schema: GuaranteeIssuedV1Schema,
} as const;

export interface GuaranteePartyV1 {
  role: 'bank' | 'guarantor' | 'reguarantor' | 'fund' | string;
  participant: string;
  /** exact decimal percent of principal */
  sharePct: string;
  /** split(principal): integer fen as a decimal string */
  riskFen: string;
}

export interface GuaranteeIssuedV1 {
  guaranteeId: string;
  bank: string;
  loanId: string;
  batchRef: string;
  row: number;
  programme: string;
  /** effective_from of the programme version applied */
  programmeVersion: string;
  province: string;
  fundBacked: boolean;
  borrower: { idType: 'USCC' | 'RID'; id: string; name: string; type: BorrowerTypeV1 };
  industryCode: string;
  industrySection: string;
  regionCode: string;
  sciTech: boolean;
  agriRelated: boolean;
  /** small, micro and agriculture business (every type but medium, or agri_related) */
  inclusive: boolean;
  principalFen: string;
  interestRatePct: string;
  guaranteeFeeRatePct: string;
  disbursedOn: string;
  maturesOn: string;
  termDays: number;
  /** round(principal x fee rate x term days / 365) */
  guaranteeFeeFen: string;
  parties: GuaranteePartyV1[];
  /** re-guarantee fee percent that applies to this loan (by its principal) */
  reguaranteeFeePct: string;
  issuedOn: string;
  decidedAt: string;
  /** the recommended lists the borrower was on at disbursed_on, by id (absent in guarantees issued before lists were recorded) */
  lists?: string[];
}

// tsc fails here when the schema and the interface drift apart
type _GuaranteeIssuedV1 = SameType<Equal<Static<typeof GuaranteeIssuedV1Schema>, GuaranteeIssuedV1>>;
