import { Static, Type } from '@sinclair/typebox';
import { BORROWER_TYPES_V1 } from '../loan-filed/loan-filed.v1';
import { Day, Equal, SameType, Time } from '../schema';

// The grammars underwriting reads a programme document with (readProgramme, domain.md section 5).
const yuan = () => Type.String({ pattern: '^[0-9]+(\\.[0-9]{1,2})?$', description: 'yuan as a decimal string, e.g. "1000000.00"' });
const pct = () => Type.String({ pattern: '^[0-9]+(\\.[0-9]{1,4})?$', description: 'a percentage with at most 4 decimals' });
const months = () => Type.Integer({ minimum: 1, maximum: 600 });
const listId = () => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

/**
 * The document is the operator's, published as underwriting accepted it, so it is checked for
 * what underwriting's reading of it checks and may carry fields of the operator's own beside them
 * (no `additionalProperties: false`, here or in its parts).
 */
export const ProgrammeDocumentV1Schema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  name: Type.String({ minLength: 1 }),
  effective_from: Day(),
  province: Type.String({ pattern: '^[0-9]{2}$' }),
  banks: Type.Array(Type.String(), { minItems: 1 }),
  parties: Type.Array(Type.Object({ role: Type.String(), participant: Type.String(), share_pct: pct() }), { minItems: 1 }),
  borrower_types: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...BORROWER_TYPES_V1] }), { minItems: 1 }),
  max_borrower_principal: yuan(),
  term_months: Type.Object({ min: months(), max: months() }),
  max_guarantee_fee_rate_pct: pct(),
  max_interest_rate_pct: pct(),
  excluded_industry_sections: Type.Array(Type.String({ pattern: '^[A-Z]$' })),
  programme_quota: yuan(),
  bank_quotas: Type.Record(Type.String(), yuan()),
  reguarantee_fee_pct: Type.Object({ default: pct(), principal_at_most_5m: pct() }),
  claim_grace_days: Type.Integer({ minimum: 0, maximum: 3660 }),
  claim_covers_interest: Type.Boolean(),
  fund_cap_pct: pct(),
  breaker_pct: pct(),
  required_lists: Type.Optional(Type.Array(listId(), { description: 'recommended lists: a borrower on none of them on the disbursement date is rejected NOT_ON_LIST' })),
  preferred_lists: Type.Optional(Type.Array(listId(), { description: 'recommended lists the programme favours: recorded, not enforced' })),
  max_risk_score: Type.Optional(Type.String({ pattern: '^(0(\\.\\d{1,4})?|1(\\.0{1,4})?)$', description: 'opt-in: a loan whose risk score at decision is above it is rejected RISK_SCORE' })),
});

export const ProgrammePublishedV1Schema = Type.Object({ programme: ProgrammeDocumentV1Schema, publishedAt: Time() }, { additionalProperties: false });

/**
 * An operator published a version of a programme, effective for loans disbursed from its date.
 * Key: the programme id. The document is the JSON of domain.md section 5, as published.
 */
export const programmePublishedV1 = {
  topic: 'g2g.underwriting.programme-published.v1',
  version: 1,
  key: (v: ProgrammePublishedV1) => v.programme.id,
  schema: ProgrammePublishedV1Schema,
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
  /** recommended lists: a borrower on none of them on the disbursement date is rejected NOT_ON_LIST */
  required_lists?: string[];
  /** recommended lists the programme favours: recorded, not enforced */
  preferred_lists?: string[];
  /** opt-in: a loan whose risk score at decision is above it is rejected RISK_SCORE */
  max_risk_score?: string;
}

export interface ProgrammePublishedV1 {
  programme: ProgrammeDocumentV1;
  publishedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ProgrammePublishedV1 = SameType<Equal<Static<typeof ProgrammePublishedV1Schema>, ProgrammePublishedV1>>;
