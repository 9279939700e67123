import { BorrowerTypeV1 } from '../loan-filed/loan-filed.v1';

/**
 * Underwriting approved a filed loan: the guarantee is issued, business date = disbursed_on.
 * Carries the programme terms it was issued under, so no consumer needs to look them up.
 * Key: the guarantee id `{bank}/{loan_id}`.
 */
export const guaranteeIssuedV1 = {
  topic: 'g2g.underwriting.guarantee-issued.v1',
  version: 1,
  key: (v: GuaranteeIssuedV1) => v.guaranteeId,
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
}
