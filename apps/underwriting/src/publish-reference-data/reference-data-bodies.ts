import { ParticipantKindV1 } from '@g2g/contracts';
import { BORROWER_TYPES, INDUSTRY_SECTIONS, LIST_ID_PATTERN, MAX_GRACE_DAYS, RISK_SCORE_PATTERN, RISK_SCORE_PROBLEM, MAX_TERM_MONTHS, PROVINCE_PREFIXES, businessDateProblem, isValidDate, parseRate, parseSharePct, parseYuan } from '@g2g/domain';
import { Check, Nested, RefusedAs, problem } from '@g2g/platform';
import { IsOptional } from 'class-validator';
import { RevocationRequest } from './api-keys';

// The documents operators publish reference data with, as they are checked at the HTTP edge:
// every field's form (its JSON type, its text, its range, its list of values). What a whole
// programme must satisfy (shares summing to 100, the bank's 20%, min not above max) and what the
// registry must hold (the participants it names) are judged after, by the domain's readProgramme
// and by PublishReferenceData.

export const PARTICIPANT_KINDS: readonly ParticipantKindV1[] = ['bank', 'guarantor', 'reguarantor', 'fund', 'regulator', 'operator'];

const text = (v: unknown): v is string => typeof v === 'string';
const yuan = (v: unknown) => text(v) && parseYuan(v) !== null;
const rate = (v: unknown) => text(v) && parseRate(v) !== null;
const whole = (min: number, max: number) => (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const list = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;
const firstNotIn = (v: unknown, known: (x: unknown) => boolean) => (Array.isArray(v) ? v.find((x) => !known(x)) : undefined);

const listIds = (v: unknown) => Array.isArray(v) && v.every((id) => text(id) && LIST_ID_PATTERN.test(id));

const Yuan = (field: string) => Check(yuan, { message: `${field} must be yuan as a decimal string, e.g. "1000000.00"` });
const Rate = (field: string) => Check(rate, { message: `${field} must be a percentage as a decimal string with at most 4 decimals` });

/** One participant (or a new version of it): the body of `POST /participants`, alone or in a list. */
@RefusedAs({ status: 422, code: 'INVALID_PARTICIPANT', message: 'the participant document has problems', listed: true })
export class ParticipantBody {
  @Check((c) => text(c) && /^[A-Z0-9][A-Z0-9-]{0,31}$/.test(c), { message: 'code: 1-32 upper-case letters, digits or dashes' })
  code!: string;

  @Check((k) => (PARTICIPANT_KINDS as readonly unknown[]).includes(k), { message: `kind: one of ${PARTICIPANT_KINDS.join(', ')}` })
  kind!: string;

  @Check((n) => text(n) && n.trim().length > 0 && n.length <= 200, { message: 'name: 1-200 characters' })
  name!: string;

  /** guarantors: net assets, for leverage */
  @IsOptional()
  @Check(yuan, { message: 'net_assets: yuan as a decimal string' })
  net_assets?: string | null;

  /** from when this version holds (default 2000-01-01) */
  @IsOptional()
  @Check((d) => text(d) && isValidDate(d), { message: 'effective_from: a date YYYY-MM-DD' })
  effective_from?: string | null;
}

export class PartyBody {
  @Check((r) => ['bank', 'guarantor', 'reguarantor', 'fund'].includes(r), { message: 'role: one of bank, guarantor, reguarantor, fund' })
  role!: string;

  @Check(text, { message: 'each party needs a role and a participant' })
  participant!: string;

  @Check((s) => text(s) && parseSharePct(s) !== null, { message: 'share_pct must be a percentage from 0 to 100' })
  share_pct!: string;
}

export class TermMonthsBody {
  @Check(whole(1, MAX_TERM_MONTHS), { message: `term_months.min must be a whole number from 1 to ${MAX_TERM_MONTHS}` })
  min!: number;

  @Check(whole(1, MAX_TERM_MONTHS), { message: `term_months.max must be a whole number from 1 to ${MAX_TERM_MONTHS}` })
  max!: number;
}

export class ReguaranteeFeeBody {
  @Rate('reguarantee_fee_pct.default')
  default!: string;

  @Rate('reguarantee_fee_pct.principal_at_most_5m')
  principal_at_most_5m!: string;
}

/** A version of a programme (domain.md section 5): the body of `POST /programmes`. */
@RefusedAs({ status: 422, code: 'INVALID_PROGRAMME', message: 'the programme document has problems', listed: true })
export class ProgrammeBody {
  @Check((v) => text(v) && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v), { message: 'id must be a string matching /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/' })
  id!: string;

  @Check((v) => text(v) && /^.+$/.test(v), { message: 'name must be a string matching /^.+$/' })
  name!: string;

  @Check((v) => text(v) && businessDateProblem(v) === null, { message: 'effective_from must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31' })
  effective_from!: string;

  @Check((v) => text(v) && PROVINCE_PREFIXES.includes(v), { message: (a) => (text(a.value) && /^\d\d$/.test(a.value) ? `province ${a.value} is not a province code` : 'province must be a string matching /^\\d\\d$/') })
  province!: string;

  @Check((v) => list(v) && v.every(text), { message: 'banks must list at least one bank code' })
  banks!: string[];

  @Nested(() => PartyBody, { each: true, message: 'parties must list the risk-sharing parties, each with a role, a participant and a share_pct' })
  @Check(list, { message: 'parties must list the risk-sharing parties' })
  parties!: PartyBody[];

  @Check((v) => firstNotIn(v, (t) => (BORROWER_TYPES as readonly unknown[]).includes(t)) === undefined, { message: (a) => `unknown borrower type ${String(firstNotIn(a.value, (t) => (BORROWER_TYPES as readonly unknown[]).includes(t)))}` })
  @Check(list, { message: 'borrower_types must list at least one type' })
  borrower_types!: string[];

  @Yuan('max_borrower_principal')
  max_borrower_principal!: string;

  @Nested(() => TermMonthsBody, { message: 'term_months must be {"min": months, "max": months}' })
  term_months!: TermMonthsBody;

  @Rate('max_guarantee_fee_rate_pct')
  max_guarantee_fee_rate_pct!: string;

  @Rate('max_interest_rate_pct')
  max_interest_rate_pct!: string;

  @Check((v) => firstNotIn(v, (s) => text(s) && Object.hasOwn(INDUSTRY_SECTIONS, s)) === undefined, { message: (a) => `unknown industry section ${String(firstNotIn(a.value, (s) => text(s) && Object.hasOwn(INDUSTRY_SECTIONS, s)))}` })
  @Check(Array.isArray, { message: 'excluded_industry_sections must list industry sections (none: [])' })
  excluded_industry_sections!: string[];

  @Yuan('programme_quota')
  programme_quota!: string;

  // a map of bank codes: kept as it came (a code may be any text, `constructor` too), each line judged
  @Check((v) => firstNotIn(v === null || typeof v !== 'object' ? [] : Object.values(v), yuan) === undefined, {
    message: (a) => `bank_quotas.${Object.keys(a.value).find((k) => !yuan(a.value[k]))} must be yuan as a decimal string, e.g. "1000000.00"`,
  })
  @Check((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'bank_quotas must be an object of bank code to yuan (none: {})' })
  bank_quotas!: Record<string, string>;

  @Nested(() => ReguaranteeFeeBody, { message: 'reguarantee_fee_pct must be {"default": percent, "principal_at_most_5m": percent}' })
  reguarantee_fee_pct!: ReguaranteeFeeBody;

  @Check(whole(0, MAX_GRACE_DAYS), { message: `claim_grace_days must be a whole number from 0 to ${MAX_GRACE_DAYS}` })
  claim_grace_days!: number;

  @Check((v) => typeof v === 'boolean', { message: 'claim_covers_interest must be true or false' })
  claim_covers_interest!: boolean;

  @Rate('fund_cap_pct')
  fund_cap_pct!: string;

  @Rate('breaker_pct')
  breaker_pct!: string;

  /** recommended lists a borrower must be on one of (NOT_ON_LIST); the lists must be published */
  @IsOptional()
  @Check(listIds, { message: 'required_lists must list recommended list ids (letters, digits, . _ -, at most 64)' })
  required_lists?: string[];

  /** recommended lists the programme favours: recorded, not enforced */
  @IsOptional()
  @Check(listIds, { message: 'preferred_lists must list recommended list ids (letters, digits, . _ -, at most 64)' })
  preferred_lists?: string[];

  /** opt-in: a loan whose risk score at decision is above it is rejected (RISK_SCORE) */
  @IsOptional()
  @Check((v) => text(v) && RISK_SCORE_PATTERN.test(v), { message: RISK_SCORE_PROBLEM })
  max_risk_score?: string;
}

const KEY_ID = /^[0-9a-f]{16}$/;

/** `{"key_id": "..."}` or `{"all": true}`, exactly one of them: the body of `POST /participants/{code}/api-keys/revoke`. */
@RefusedAs({ status: 400, code: 'BAD_REVOCATION' })
export class RevocationBody {
  @Check((k) => k === undefined || (text(k) && KEY_ID.test(k)), { message: 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)' })
  @Check((k, b: RevocationBody) => (k === undefined) !== (b.all === undefined), {
    message: 'send {"key_id": "<16 hex digits>"} to revoke one key, or {"all": true} to revoke every key of the participant',
  })
  key_id?: string;

  @Check((all) => all === undefined || all === true, { message: 'all: true to revoke every key (or send key_id instead)' })
  all?: true;

  request(): RevocationRequest {
    return this.all === true ? { all: true } : { keyId: this.key_id! };
  }
}
