import { Slice } from '../figures-api/figures';
import { SCHEMA } from '../record-log/record-log.consumer';

/**
 * Numbered statement parameters, added as the conditions of a query are written: each `add`
 * returns the placeholder (`$4`) of the value it keeps.
 */
export class Params {
  readonly values: unknown[] = [];

  constructor(...initial: unknown[]) {
    this.values.push(...initial);
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The slice fields that are columns of r_guarantees, each with its column. */
const SLICE_COLUMNS: readonly (readonly [keyof Slice, string])[] = [
  ['programme', 'programme'],
  ['bank', 'bank'],
  ['fundBacked', 'fund_backed'],
  ['guarantor', 'guarantor'],
  ['province', 'province'],
  ['industrySection', 'industry_section'],
  ['borrowerType', 'borrower_type'],
];

/**
 * The conditions on a guarantee (`alias` names r_guarantees) for a slice, as the figures read it:
 * every field given must hold; a re-guarantor is one that takes a share in the guarantee's terms.
 */
export function sliceCondition(slice: Slice, p: Params, alias = 'g'): string {
  const conditions = SLICE_COLUMNS.filter(([field]) => slice[field] !== undefined).map(([field, column]) => `${alias}.${column} = ${p.add(slice[field])}`);
  if (slice.reguarantor !== undefined) {
    conditions.push(`exists (select 1 from ${SCHEMA}.r_terms rt where rt.terms_id = ${alias}.terms_id and ${p.add(slice.reguarantor)} = any(rt.reguarantors))`);
  }
  return conditions.length > 0 ? conditions.join(' and ') : 'true';
}

/** The guarantees a participant is a party to, in any role (bank, guarantor, re-guarantor, Fund). */
export function partyCondition(participant: string, p: Params, alias = 'g'): string {
  return `${alias}.terms_id in (select t.terms_id from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) tp where tp->>'participant' = ${p.add(participant)})`;
}

/** `alias.recorded_at` no later than the as-of time (the placeholder of an ISO time, or 'infinity'). */
export const knownBy = (alias: string, asOf: string) => `${alias}.recorded_at <= ${asOf}::timestamptz`;

/** A numeric sum read as text, as a bigint of fen. */
export const fenOf = (text: string | null | undefined): bigint => BigInt(text ?? '0');
