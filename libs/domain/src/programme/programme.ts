import { MAX_GRACE_DAYS, MAX_TERM_MONTHS, businessDateProblem } from '../dates';
import { BORROWER_TYPES, BorrowerType, INDUSTRY_SECTIONS, PROVINCE_PREFIXES } from '../identifiers';
import { Fen, parseYuan } from '../money';
import { HUNDRED_PCT, Rate, parseRate, parseSharePct } from '../rate';
import { ShareholdingParty, checkShares } from '../split';

/** A programme version as published (the JSON document of the domain specification, section 5). */
export interface ProgrammeDocument {
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
  /** recommended lists: a borrower on none of them on the disbursement date is rejected (NOT_ON_LIST) */
  required_lists?: string[];
  /** recommended lists the programme favours: recorded, not enforced */
  preferred_lists?: string[];
  /** opt-in: a loan whose risk score at decision is above it is rejected (RISK_SCORE); a decimal from 0 to 1 */
  max_risk_score?: string;
}

/** The same version with exact numbers: fen as bigint, rates scaled by 10^4. */
export interface Programme {
  id: string;
  name: string;
  effectiveFrom: string;
  province: string;
  banks: readonly string[];
  /** `$bank` stands for the lending bank of each loan */
  parties: readonly ShareholdingParty[];
  borrowerTypes: readonly BorrowerType[];
  maxBorrowerPrincipal: Fen;
  termMonths: { min: number; max: number };
  maxGuaranteeFeeRate: Rate;
  maxInterestRate: Rate;
  excludedIndustrySections: readonly string[];
  programmeQuota: Fen;
  /** a bank's line in the programme, by bank code (a Map: no code is taken for a property of every object) */
  bankQuotas: ReadonlyMap<string, Fen>;
  reguaranteeFee: { defaultPct: Rate; principalAtMost5mPct: Rate };
  claimGraceDays: number;
  claimCoversInterest: boolean;
  fundCapPct: Rate;
  breakerPct: Rate;
  fundBacked: boolean;
  /** ids of recommended lists; empty: the programme requires none */
  requiredLists: readonly string[];
  preferredLists: readonly string[];
  /** the highest risk score (a decimal of at most 4 places, 0 to 1) a loan may have; null: the score decides nothing */
  maxRiskScore: string | null;
}

/** A recommended list's id, as a programme's: a letter or digit, then letters, digits, `.`, `_`, `-`. */
export const LIST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const LENDING_BANK = '$bank';

/** A risk score threshold as a programme names it: 0 to 1, at most 4 decimal places (the scores' own). */
export const RISK_SCORE_PATTERN = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
export const RISK_SCORE_PROBLEM = 'max_risk_score must be a decimal from 0 to 1 with at most 4 places, as a string (for example "0.35")';

export interface ProgrammeProblem {
  field: string;
  message: string;
}

/** Reads and checks a programme document; every problem is reported, with the field it concerns. */
export function readProgramme(doc: unknown): { ok: true; programme: Programme } | { ok: false; problems: ProgrammeProblem[] } {
  const problems: ProgrammeProblem[] = [];
  const d = (doc ?? {}) as Partial<ProgrammeDocument>;
  const text = (field: keyof ProgrammeDocument, pattern = /^.+$/): string => {
    const v = d[field];
    if (typeof v !== 'string' || !pattern.test(v)) problems.push({ field, message: `${field} must be a string matching ${pattern}` });
    return typeof v === 'string' ? v : '';
  };
  const yuan = (field: string, v: unknown): Fen => {
    const fen = typeof v === 'string' ? parseYuan(v) : null;
    if (fen === null) problems.push({ field, message: `${field} must be yuan as a decimal string, e.g. "1000000.00"` });
    return fen ?? 0n;
  };
  const rate = (field: string, v: unknown): Rate => {
    const r = typeof v === 'string' ? parseRate(v) : null;
    if (r === null) problems.push({ field, message: `${field} must be a percentage as a decimal string with at most 4 decimals` });
    return r ?? 0n;
  };
  const whole = (field: string, v: unknown, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push({ field, message: `${field} must be a whole number from ${min} to ${max}` });
    return typeof v === 'number' ? v : 0;
  };

  const id = text('id', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
  const name = text('name');
  const effectiveFrom = text('effective_from');
  if (effectiveFrom && businessDateProblem(effectiveFrom)) problems.push({ field: 'effective_from', message: 'effective_from must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31' });
  const province = text('province', /^\d\d$/);
  if (province && !PROVINCE_PREFIXES.includes(province)) problems.push({ field: 'province', message: `province ${province} is not a province code` });
  const banks = Array.isArray(d.banks) && d.banks.every((b) => typeof b === 'string') ? d.banks : [];
  if (banks.length === 0) problems.push({ field: 'banks', message: 'banks must list at least one bank code' });

  const parties: ShareholdingParty[] = [];
  if (!Array.isArray(d.parties) || d.parties.length === 0) problems.push({ field: 'parties', message: 'parties must list the risk-sharing parties' });
  for (const [i, p] of (Array.isArray(d.parties) ? d.parties : []).entries()) {
    const share = typeof p?.share_pct === 'string' ? parseSharePct(p.share_pct) : null;
    if (share === null) problems.push({ field: `parties[${i}].share_pct`, message: 'share_pct must be a percentage from 0 to 100' });
    if (typeof p?.participant !== 'string' || typeof p?.role !== 'string') {
      problems.push({ field: `parties[${i}]`, message: 'each party needs a role and a participant' });
      continue;
    }
    parties.push({ participant: p.participant, role: p.role, sharePct: share ?? 0n });
  }
  if (parties.length > 0) {
    const shares = checkShares(parties);
    if (!shares.ok) problems.push({ field: 'parties', message: { NEGATIVE_SHARE: 'no share may be negative', SHARES_NOT_100: 'shares must sum to exactly 100', NOT_ONE_GUARANTOR: 'exactly one party must be the guarantor' }[shares.reason] });
    const bank = parties.find((p) => p.role === 'bank');
    if (!bank || bank.participant !== LENDING_BANK) problems.push({ field: 'parties', message: 'the bank party must be "$bank", the lending bank' });
    else if (bank.sharePct < 20n * (HUNDRED_PCT / 100n)) problems.push({ field: 'parties', message: 'the bank keeps at least 20% of the risk (policy)' });
  }

  const borrowerTypes = Array.isArray(d.borrower_types) ? d.borrower_types : [];
  for (const t of borrowerTypes) if (!(BORROWER_TYPES as readonly string[]).includes(t)) problems.push({ field: 'borrower_types', message: `unknown borrower type ${t}` });
  if (borrowerTypes.length === 0) problems.push({ field: 'borrower_types', message: 'borrower_types must list at least one type' });

  const term = d.term_months ?? { min: -1, max: -1 };
  const termMin = whole('term_months.min', term.min, 1, MAX_TERM_MONTHS);
  const termMax = whole('term_months.max', term.max, 1, MAX_TERM_MONTHS);
  if (termMin > termMax) problems.push({ field: 'term_months', message: 'term_months.min must not exceed term_months.max' });

  const excluded = Array.isArray(d.excluded_industry_sections) ? d.excluded_industry_sections : [];
  for (const s of excluded) if (typeof s !== 'string' || !Object.hasOwn(INDUSTRY_SECTIONS, s)) problems.push({ field: 'excluded_industry_sections', message: `unknown industry section ${s}` });

  const bankQuotas = new Map<string, Fen>();
  const quotas: unknown = d.bank_quotas ?? {};
  if (typeof quotas !== 'object' || Array.isArray(quotas)) problems.push({ field: 'bank_quotas', message: 'bank_quotas must be an object of bank code to yuan' });
  else for (const [bank, amount] of Object.entries(quotas as Record<string, unknown>)) bankQuotas.set(bank, yuan(`bank_quotas.${bank}`, amount));

  const lists = (field: 'required_lists' | 'preferred_lists'): string[] => {
    const v: unknown = d[field];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((id) => typeof id === 'string' && LIST_ID_PATTERN.test(id))) {
      problems.push({ field, message: `${field} must list recommended list ids (letters, digits, . _ -, at most 64)` });
      return [];
    }
    return [...new Set(v as string[])];
  };
  const requiredLists = lists('required_lists');
  const preferredLists = lists('preferred_lists');
  let maxRiskScore: string | null = null;
  if (d.max_risk_score !== undefined) {
    if (typeof d.max_risk_score === 'string' && RISK_SCORE_PATTERN.test(d.max_risk_score)) maxRiskScore = d.max_risk_score;
    else problems.push({ field: 'max_risk_score', message: RISK_SCORE_PROBLEM });
  }

  const programme: Programme = {
    id,
    name,
    effectiveFrom,
    province,
    banks,
    parties,
    borrowerTypes: borrowerTypes.filter((t): t is BorrowerType => (BORROWER_TYPES as readonly string[]).includes(t)),
    maxBorrowerPrincipal: yuan('max_borrower_principal', d.max_borrower_principal),
    termMonths: { min: termMin, max: termMax },
    maxGuaranteeFeeRate: rate('max_guarantee_fee_rate_pct', d.max_guarantee_fee_rate_pct),
    maxInterestRate: rate('max_interest_rate_pct', d.max_interest_rate_pct),
    excludedIndustrySections: excluded,
    programmeQuota: yuan('programme_quota', d.programme_quota),
    bankQuotas,
    reguaranteeFee: {
      defaultPct: rate('reguarantee_fee_pct.default', d.reguarantee_fee_pct?.default),
      principalAtMost5mPct: rate('reguarantee_fee_pct.principal_at_most_5m', d.reguarantee_fee_pct?.principal_at_most_5m),
    },
    claimGraceDays: whole('claim_grace_days', d.claim_grace_days, 0, MAX_GRACE_DAYS),
    claimCoversInterest: d.claim_covers_interest === true,
    fundCapPct: rate('fund_cap_pct', d.fund_cap_pct),
    breakerPct: rate('breaker_pct', d.breaker_pct),
    fundBacked: parties.some((p) => p.role === 'fund'),
    requiredLists,
    preferredLists,
    maxRiskScore,
  };
  if (typeof d.claim_covers_interest !== 'boolean') problems.push({ field: 'claim_covers_interest', message: 'claim_covers_interest must be true or false' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, programme };
}

/** The programme's parties for one loan: `$bank` replaced by the lending bank. */
export function partiesFor(programme: Programme, bank: string): ShareholdingParty[] {
  return programme.parties.map((p) => (p.participant === LENDING_BANK ? { ...p, participant: bank } : p));
}
