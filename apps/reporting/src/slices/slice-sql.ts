import { RISK_MODEL } from '@g2g/domain';
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

/**
 * The slice fields: each a column of r_guarantees, and of a figure cell (`c`: bank, industry,
 * borrower type) or of the cell's terms (`t`: programme, Fund backing, guarantor, province).
 */
const SLICE_COLUMNS: readonly (readonly [keyof Slice, string, 'c' | 't'])[] = [
  ['programme', 'programme', 't'],
  ['bank', 'bank', 'c'],
  ['fundBacked', 'fund_backed', 't'],
  ['guarantor', 'guarantor', 't'],
  ['province', 'province', 't'],
  ['industrySection', 'industry_section', 'c'],
  ['borrowerType', 'borrower_type', 'c'],
];

/**
 * The conditions for a slice, as the figures read it, each value one placeholder used by both:
 * on a guarantee (`alias` names r_guarantees) and on a figure cell (`c`, joined with its terms
 * `t`). Every field given must hold; a re-guarantor is one that takes a share in the terms.
 */
export function sliceConditions(slice: Slice, p: Params, alias = 'g'): { guarantees: string; cells: string } {
  const guarantees: string[] = [];
  const cells: string[] = [];
  for (const [field, column, onCell] of SLICE_COLUMNS) {
    if (slice[field] === undefined) continue;
    const value = p.add(slice[field]);
    guarantees.push(`${alias}.${column} = ${value}`);
    cells.push(`${onCell}.${column} = ${value}`);
  }
  if (slice.reguarantor !== undefined) {
    const value = p.add(slice.reguarantor);
    guarantees.push(`exists (select 1 from ${SCHEMA}.r_terms rt where rt.terms_id = ${alias}.terms_id and ${value} = any(rt.reguarantors))`);
    cells.push(`${value} = any(t.reguarantors)`);
  }
  // a recommended list: the guarantees whose borrower was on it when they were issued (their terms say so)
  if (slice.list !== undefined) {
    const value = p.add(slice.list);
    guarantees.push(`exists (select 1 from ${SCHEMA}.r_terms rt where rt.terms_id = ${alias}.terms_id and ${value} = any(rt.lists))`);
    cells.push(`${value} = any(t.lists)`);
  }
  // a risk label: the guarantees the committed model labelled so; no cell holds labels, so the
  // figures of a label are read from the facts (figures()) and no cell is in its slice
  if (slice.riskLabel !== undefined) {
    const [code, version] = [p.add(slice.riskLabel), p.add(RISK_MODEL.version)];
    guarantees.push(`exists (select 1 from ${SCHEMA}.r_risk_labels l where l.guarantee_id = ${alias}.guarantee_id and l.model_version = ${version} and ${code} = any(l.labels))`);
    cells.push('false');
  }
  const all = (conditions: string[]) => (conditions.length > 0 ? conditions.join(' and ') : 'true');
  return { guarantees: all(guarantees), cells: all(cells) };
}

/** The conditions on a guarantee (`alias` names r_guarantees) for a slice (sliceConditions). */
export function sliceCondition(slice: Slice, p: Params, alias = 'g'): string {
  return sliceConditions(slice, p, alias).guarantees;
}

/** The guarantees a participant is a party to, in any role (bank, guarantor, re-guarantor, Fund). */
export function partyCondition(participant: string, p: Params, alias = 'g'): string {
  return `${alias}.terms_id in (select t.terms_id from ${SCHEMA}.r_terms t, jsonb_array_elements(t.parties) tp where tp->>'participant' = ${p.add(participant)})`;
}

/** `alias.recorded_at` no later than the as-of time (the placeholder of an ISO time, or 'infinity'). */
export const knownBy = (alias: string, asOf: string) => `${alias}.recorded_at <= ${asOf}::timestamptz`;

/** `alias.recorded_at` after the as-of time (the placeholder of an ISO time): what knownBy leaves out. */
export const recordedAfter = (alias: string, asOf: string) => `${alias}.recorded_at > ${asOf}::timestamptz`;

/** 5 million yuan in fen: the bound of the share of principal at most 5 million per borrower (and the cells' small_fen per loan). */
export const FIVE_MILLION_YUAN_FEN = 500_000_000n;

/** A numeric sum read as text, as a bigint of fen. */
export const fenOf = (text: string | null | undefined): bigint => BigInt(text ?? '0');
