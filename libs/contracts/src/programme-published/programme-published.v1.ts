/**
 * An operator published a version of a programme, effective for loans disbursed from its date.
 * Key: the programme id. The document is the JSON of domain.md section 5, as published.
 */
export const programmePublishedV1 = {
  topic: 'g2g.underwriting.programme-published.v1',
  version: 1,
  key: (v: ProgrammePublishedV1) => v.programme.id,
} as const;

export interface ProgrammeDocumentV1 {
  id: string;
  name: string;
  effective_from: string;
  province: string;
  banks: string[];
  parties: { role: string; participant: string; share_pct: string }[];
  borrower_types: string[];
  max_borrower_principal: string;
  term_months: { min: number; max: number };
  max_guarantee_fee_rate_pct: string;
  max_interest_rate_pct: string;
  excluded_industry_sections: string[];
  programme_quota: string;
  bank_quotas: Record<string, string>;
  reguarantee_fee_pct: { default: string; principal_at_most_5m: string };
  claim_grace_days: number;
  claim_covers_interest: boolean;
  fund_cap_pct: string;
  breaker_pct: string;
}

export interface ProgrammePublishedV1 {
  programme: ProgrammeDocumentV1;
  publishedAt: string;
}
