import {
  BreakerApproachedV1,
  GuaranteesCededV2,
  IssueTermsV2,
  LoansDecidedV2,
  OperatorActionRecordedV1,
  ProgrammeResumedV1,
  ProgrammeSuspendedV1,
  ReleaseRemindersV1,
  RisksLabelledV1,
  ServicingDecidedV2,
  breakerApproachedV1,
  guaranteesCededV2,
  loansDecidedV2,
  operatorActionRecordedV1,
  programmeResumedV1,
  programmeSuspendedV1,
  releaseRemindersV1,
  risksLabelledV1,
  servicingDecidedV2,
} from '@g2g/contracts';
import { LOOKUP, Sql, joined } from '@g2g/event-store';
import { createHash } from 'node:crypto';
import { CELL, issuedCells } from '../migrations';
import { SCHEMA } from '../record-log/record-log.consumer';
import { RISK_LABELS_READ_MODEL, projectRiskLabels } from '../risk-labels/risk-labels';

/** An event of reporting's log as the projector reads it. */
export interface LoggedEvent<D = any> {
  position: bigint;
  type: string;
  data: D;
  recordedAt: string;
}

/** The read-model tables the projector fills (and a rebuild empties), with the columns a check compares. */
export const READ_MODELS = {
  r_terms: ['terms_id', 'programme', 'programme_version', 'province', 'fund_backed', 'guarantor', 'reguarantors', 'parties', 'lists'],
  r_guarantees: ['guarantee_id', 'programme', 'bank', 'terms_id', 'guarantor', 'province', 'fund_backed', 'industry_section', 'borrower_type', 'borrower_id', 'sci_tech', 'inclusive', 'principal_fen', 'interest_rate_pct', 'fee_rate_pct', 'guarantee_fee_fen', 'issued_on', 'matures_on', 'recorded_at', 'position', 'idx'],
  r_rejections: ['guarantee_id', 'position', 'idx'],
  r_reguarantee_fees: ['guarantee_id', 'participant', 'fee_fen', 'recorded_at', 'position'],
  r_principal_changes: ['position', 'idx', 'guarantee_id', 'kind', 'business_date', 'amount_fen', 'recorded_at'],
  r_releases: ['guarantee_id', 'kind', 'released_on', 'recorded_at'],
  r_claims: ['guarantee_id', 'claimed_on', 'unpaid_principal_fen', 'compensation_fen', 'fund_paid', 'recorded_at', 'position', 'idx'],
  r_claim_amounts: ['guarantee_id', 'kind', 'participant', 'role', 'amount_fen'],
  r_recoveries: ['position', 'idx', 'participant', 'guarantee_id', 'role', 'recovered_on', 'amount_fen', 'recorded_at'],
  r_feed: ['participant', 'position'],
  r_chunks: ['kind', 'bank', 'batch_ref', 'first_row', 'position'],
  r_issued_cells: ['issued_on', 'terms_id', 'bank', 'industry_section', 'borrower_type', 'loans', 'principal_fen', 'inclusive_fen', 'sci_loans', 'sci_fen', 'small_fen', 'fee_weighted', 'interest_weighted', 'fees_fen', 'parts_fen'],
  r_fee_cells: ['issued_on', 'terms_id', 'bank', 'industry_section', 'borrower_type', 'participant', 'fee_fen', 'fees'],
  r_borrowers: ['borrower_id', 'loans', 'first_guarantee'],
  r_repeat_loans: ['guarantee_id', 'borrower_id', 'issued_on', 'terms_id', 'bank', 'industry_section', 'borrower_type', 'principal_fen', 'sci_tech'],
  r_audit_trail: ['seq', 'action_id', 'service', 'action', 'actor', 'actor_key_id', 'subject', 'details', 'recorded_at'],
  ...RISK_LABELS_READ_MODEL,
} as const;
export const READ_MODEL_TABLES = Object.keys(READ_MODELS);

/**
 * The id of a set of terms: a programme version as it applies to a bank, and the recommended lists
 * the borrowers of its guarantees were on (none: the id terms had before lists existed).
 */
export const termsIdOf = (programme: string, t: IssueTermsV2, lists: readonly string[] = []) => {
  const hash = createHash('sha256').update(programme).update(JSON.stringify(t));
  if (lists.length > 0) hash.update(`\u0000lists:${JSON.stringify(lists)}`);
  return hash.digest('hex').slice(0, 16);
};

/**
 * Inserts rows given as columns, each column joined into one parameter and split by the database.
 * `then`, when given, receives the rows actually inserted as `ins` (a rerun inserts none) and adds
 * the statements that follow from them, in the same statement.
 */
async function insertColumns(
  tx: Sql,
  table: string,
  columns: Columns,
  conflict = 'on conflict do nothing',
  then?: string,
): Promise<void> {
  const names = Object.keys(columns);
  if (columns[names[0]][1].length === 0) return;
  const splits = names.map((n, i) => `string_to_array($${i + 1}, E'\\x1f')`);
  const casts = names.map((n, i) => (columns[n][0] === 'text' ? `c${i}` : `nullif(c${i}, '')::${columns[n][0]}`));
  const insert = `insert into ${SCHEMA}.${table} (${names.join(', ')})
     select ${casts.join(', ')} from unnest(${splits.join(', ')}) as t(${names.map((_, i) => `c${i}`).join(', ')}) ${conflict}`;
  await tx.query(then ? `with ins as (${insert} returning *) ${then}` : insert, names.map((n) => joined(columns[n][1])));
}

const CELL_KEYS = `${CELL}, participant`;
/** adds `columns` of the rows given to the cells they fall in */
const addTo = (table: string, key: string, columns: string[]) =>
  `on conflict (${key}) do update set ${columns.map((c) => `${c} = ${SCHEMA}.${table}.${c} + excluded.${c}`).join(', ')}`;

/**
 * What follows from newly issued guarantees (`ins`): their new business and each party's part
 * added to their cells, the re-guarantee fees already known for them added to theirs, and the
 * borrowers counted; a borrower's guarantees go to r_repeat_loans once it has more than one.
 */
const AFTER_ISSUED = `
  , cells as (
      ${issuedCells('ins', SCHEMA)}
      ${addTo('r_issued_cells', CELL, ['loans', 'principal_fen', 'inclusive_fen', 'sci_loans', 'sci_fen', 'small_fen', 'fee_weighted', 'interest_weighted', 'fees_fen'])},
        parts_fen = (select array_agg(a + b order by n) from unnest(${SCHEMA}.r_issued_cells.parts_fen, excluded.parts_fen) with ordinality u(a, b, n)))
  , fees as (
      insert into ${SCHEMA}.r_fee_cells
      select i.issued_on, i.terms_id, i.bank, i.industry_section, i.borrower_type, f.participant, sum(f.fee_fen), count(*)
        from ins i cross join lateral (select participant, fee_fen from ${SCHEMA}.r_reguarantee_fees f where f.guarantee_id = i.guarantee_id ${LOOKUP}) f
       group by ${CELL_KEYS}
      ${addTo('r_fee_cells', CELL_KEYS, ['fee_fen', 'fees'])})
  , borrowers as (
      insert into ${SCHEMA}.r_borrowers
      select borrower_id, count(*), min(guarantee_id) from ins group by borrower_id
      on conflict (borrower_id) do update
        set loans = ${SCHEMA}.r_borrowers.loans + excluded.loans, first_guarantee = least(${SCHEMA}.r_borrowers.first_guarantee, excluded.first_guarantee)
      returning borrower_id, loans)
  insert into ${SCHEMA}.r_repeat_loans
  select i.guarantee_id, i.borrower_id, ${CELL}, i.principal_fen, i.sci_tech from ins i join borrowers b using (borrower_id) where b.loans > 1
  union all
  -- the one guarantee of a borrower that had one before this statement (r_borrowers as it was then)
  select g.guarantee_id, g.borrower_id, g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, g.principal_fen, g.sci_tech
    from borrowers b
    cross join lateral (select loans, first_guarantee from ${SCHEMA}.r_borrowers was where was.borrower_id = b.borrower_id ${LOOKUP}) was
    cross join lateral (select * from ${SCHEMA}.r_guarantees g where g.guarantee_id = was.first_guarantee ${LOOKUP}) g
   where was.loans = 1 and b.loans > 1
  on conflict do nothing`;

/** Re-guarantee fees newly recorded (`ins`) added to the cells of their guarantees already known. */
const AFTER_FEES = `
  insert into ${SCHEMA}.r_fee_cells
  select g.issued_on, g.terms_id, g.bank, g.industry_section, g.borrower_type, f.participant, sum(f.fee_fen), count(*)
    from ins f cross join lateral (select ${CELL} from ${SCHEMA}.r_guarantees g where g.guarantee_id = f.guarantee_id ${LOOKUP}) g
   group by ${CELL_KEYS}
  ${addTo('r_fee_cells', CELL_KEYS, ['fee_fen', 'fees'])}`;

type Columns = Record<string, [type: string, values: readonly (string | number | bigint)[]]>;

/** Rows of several events of a page, column by column, written by one statement at the end of the page. */
class PageRows {
  private readonly columns = new Map<string, [string, (string | number | bigint)[]]>();

  add(columns: Columns): void {
    for (const [name, [type, values]] of Object.entries(columns)) {
      const column = this.columns.get(name) ?? this.columns.set(name, [type, []]).get(name)!;
      for (const v of values) column[1].push(v);
    }
  }

  get(): Columns | null {
    return this.columns.size > 0 ? Object.fromEntries(this.columns) : null;
  }
}

/**
 * Applies a page of the log to the read models, with set-based statements. Facts go to their own
 * tables keyed by the event (its log position and the row within it), so a page's order does not
 * matter and applying it again changes nothing. Feeds point into the log.
 */
export async function project(tx: Sql, events: readonly LoggedEvent[]): Promise<void> {
  // the guarantees and the fees of the whole page go in one statement each, so that a page of many
  // chunks adds to each figure cell once (a projection that is behind catches up in larger steps)
  const guarantees = new PageRows();
  const fees = new PageRows();
  for (const e of events) {
    switch (e.type) {
      case loansDecidedV2.topic:
        await decided(tx, e as LoggedEvent<LoansDecidedV2>, guarantees);
        break;
      case guaranteesCededV2.topic:
        await ceded(tx, e as LoggedEvent<GuaranteesCededV2>, fees);
        break;
      case servicingDecidedV2.topic:
        await servicing(tx, e as LoggedEvent<ServicingDecidedV2>);
        break;
      case programmeSuspendedV1.topic:
      case programmeResumedV1.topic:
        await programmeFeed(tx, e as LoggedEvent<ProgrammeSuspendedV1 | ProgrammeResumedV1>);
        break;
      case breakerApproachedV1.topic:
        // the warning names whom it warns: its guarantee's parties but the bank, and the regulators
        await feed(tx, e, (e.data as BreakerApproachedV1).recipients.map((r) => r.participant));
        break;
      case releaseRemindersV1.topic:
        // a reminder goes to the guarantee's bank (the message's) and its guarantor
        await feed(tx, e, [(e.data as ReleaseRemindersV1).bank, ...(e.data as ReleaseRemindersV1).reminders.map((r) => r.guarantor).filter((g) => g !== '')]);
        break;
      case risksLabelledV1.topic:
        await projectRiskLabels(tx, e as LoggedEvent<RisksLabelledV1>, (participants) => feed(tx, e, participants));
        break;
      default:
        if (operatorActionRecordedV1.carries(e.type)) await auditTrail(tx, e as LoggedEvent<OperatorActionRecordedV1>);
    }
  }
  // whichever of a guarantee and its fee is written second adds the fee to the cell: either order holds
  const g = guarantees.get();
  if (g) await insertColumns(tx, 'r_guarantees', g, 'on conflict do nothing', AFTER_ISSUED);
  const f = fees.get();
  if (f) await insertColumns(tx, 'r_reguarantee_fees', f, 'on conflict do nothing', AFTER_FEES);
}

async function chunkAt(tx: Sql, kind: 'decided' | 'ceded', d: { bank: string; batchRef: string; firstRow: number }, position: bigint): Promise<void> {
  await tx.query(`insert into ${SCHEMA}.r_chunks (kind, bank, batch_ref, first_row, position) values ($1, $2, $3, $4, $5) on conflict do nothing`, [
    kind,
    d.bank,
    d.batchRef,
    d.firstRow,
    position.toString(),
  ]);
}

async function feed(tx: Sql, e: LoggedEvent, participants: Iterable<string>): Promise<void> {
  const list = [...new Set(participants)];
  if (list.length === 0) return;
  await insertColumns(tx, 'r_feed', { participant: ['text', list], position: ['bigint', list.map(() => e.position)] });
}

async function decided(tx: Sql, e: LoggedEvent<LoansDecidedV2>, guarantees: PageRows): Promise<void> {
  const d = e.data;
  await chunkAt(tx, 'decided', d, e.position);
  // a guarantee's terms are its version's and its borrower's lists: each pair is a set of terms
  const g = d.issued;
  const ids = new Map<string, string>();
  const termsOfGuarantee = g.index.map((_, i) => {
    const lists = g.lists?.[i] ?? [];
    const key = `${g.terms[i]}\u0000${lists.join('\u0000')}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = termsIdOf(d.programme, d.terms[g.terms[i]], lists)));
    return id;
  });
  const written = new Set<string>();
  for (const [i, id] of termsOfGuarantee.entries()) {
    if (written.has(id)) continue;
    written.add(id);
    const t = d.terms[g.terms[i]];
    const guarantor = t.parties.find((p) => p.role === 'guarantor')!.participant;
    await tx.query(
      `insert into ${SCHEMA}.r_terms (terms_id, programme, programme_version, province, fund_backed, guarantor, reguarantors, parties, lists)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing`,
      [id, d.programme, t.programmeVersion, t.province, t.fundBacked, guarantor, t.parties.filter((p) => p.role !== 'bank' && p.role !== 'guarantor').map((p) => p.participant), JSON.stringify(t.parties), g.lists?.[i] ?? []],
    );
  }
  const n = g.index.length;
  const each = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const terms = (i: number) => d.terms[g.terms[i]];
  guarantees.add({
    guarantee_id: ['text', each((i) => `${d.bank}/${d.loanId[g.index[i]]}`)],
    programme: ['text', each(() => d.programme)],
    bank: ['text', each(() => d.bank)],
    terms_id: ['text', each((i) => termsOfGuarantee[i])],
    guarantor: ['text', each((i) => terms(i).parties.find((p) => p.role === 'guarantor')!.participant)],
    province: ['text', each((i) => terms(i).province)],
    fund_backed: ['boolean', each((i) => String(terms(i).fundBacked))],
    industry_section: ['text', g.industrySection],
    borrower_type: ['text', g.borrowerType],
    borrower_id: ['text', g.borrowerId],
    sci_tech: ['boolean', each((i) => String(g.sciTech[i] === 'Y'))],
    inclusive: ['boolean', each((i) => String(g.inclusive[i] === 'Y'))],
    principal_fen: ['numeric', g.principalFen],
    interest_rate_pct: ['numeric', g.interestRatePct],
    fee_rate_pct: ['numeric', g.guaranteeFeeRatePct],
    guarantee_fee_fen: ['numeric', g.guaranteeFeeFen],
    issued_on: ['date', g.disbursedOn],
    matures_on: ['date', g.maturesOn],
    recorded_at: ['timestamptz', each(() => e.recordedAt)],
    position: ['bigint', each(() => e.position)],
    idx: ['int', g.index],
  });
  const approved = new Set(g.index);
  const rejected = d.loanId.flatMap((id, k) => (approved.has(k) ? [] : [k]));
  await insertColumns(tx, 'r_rejections', {
    guarantee_id: ['text', rejected.map((k) => `${d.bank}/${d.loanId[k]}`)],
    position: ['bigint', rejected.map(() => e.position)],
    idx: ['int', rejected],
  });
  // approvals go to every party of the guarantees but the bank (banks read their batch results)
  await feed(tx, e, d.terms.flatMap((t) => t.parties.filter((p) => p.role !== 'bank').map((p) => p.participant)));
}

async function ceded(tx: Sql, e: LoggedEvent<GuaranteesCededV2>, fees: PageRows): Promise<void> {
  const d = e.data;
  await chunkAt(tx, 'ceded', d, e.position);
  const rows = d.parts.flatMap((part) => part.feeFen.flatMap((fee, i) => (fee === '' ? [] : [{ g: `${d.bank}/${d.guarantees.loanId[i]}`, participant: part.participant, fee }])));
  fees.add({
    guarantee_id: ['text', rows.map((r) => r.g)],
    participant: ['text', rows.map((r) => r.participant)],
    fee_fen: ['numeric', rows.map((r) => r.fee)],
    recorded_at: ['timestamptz', rows.map(() => e.recordedAt)],
    position: ['bigint', rows.map(() => e.position)],
  });
  await feed(tx, e, [...d.guarantees.guarantor, ...d.parts.map((p) => p.participant)]);
}

async function servicing(tx: Sql, e: LoggedEvent<ServicingDecidedV2>): Promise<void> {
  const d = e.data;
  const changes = [
    ...d.repaid.map((r) => ({ idx: r.index, g: r.guaranteeId, kind: 'repayment', date: r.repaidOn, amount: r.amountFen })),
    ...d.claims.map((c) => ({ idx: c.index, g: c.guaranteeId, kind: 'claim', date: c.claimedOn, amount: c.unpaidPrincipalFen })),
  ];
  await insertColumns(tx, 'r_principal_changes', {
    position: ['bigint', changes.map(() => e.position)],
    idx: ['int', changes.map((c) => c.idx)],
    guarantee_id: ['text', changes.map((c) => c.g)],
    kind: ['text', changes.map((c) => c.kind)],
    business_date: ['date', changes.map((c) => c.date)],
    amount_fen: ['numeric', changes.map((c) => c.amount)],
    recorded_at: ['timestamptz', changes.map(() => e.recordedAt)],
  });
  const releases = [
    ...d.repaid.filter((r) => r.released).map((r) => ({ g: r.guaranteeId, kind: 'repaid', date: r.repaidOn })),
    ...d.claims.map((c) => ({ g: c.guaranteeId, kind: 'claimed', date: c.claimedOn })),
  ];
  await insertColumns(tx, 'r_releases', {
    guarantee_id: ['text', releases.map((r) => r.g)],
    kind: ['text', releases.map((r) => r.kind)],
    released_on: ['date', releases.map((r) => r.date)],
    recorded_at: ['timestamptz', releases.map(() => e.recordedAt)],
  });
  await insertColumns(tx, 'r_claims', {
    guarantee_id: ['text', d.claims.map((c) => c.guaranteeId)],
    claimed_on: ['date', d.claims.map((c) => c.claimedOn)],
    unpaid_principal_fen: ['numeric', d.claims.map((c) => c.unpaidPrincipalFen)],
    compensation_fen: ['numeric', d.claims.map((c) => c.compensationFen)],
    fund_paid: ['boolean', d.claims.map((c) => String(c.fundPaid))],
    recorded_at: ['timestamptz', d.claims.map(() => e.recordedAt)],
    position: ['bigint', d.claims.map(() => e.position)],
    idx: ['int', d.claims.map((c) => c.index)],
  });
  const amounts = d.claims.flatMap((c) =>
    (['part', 'support', 'loss'] as const).flatMap((kind) => (kind === 'part' ? c.parts : kind === 'support' ? c.support : c.losses).map((a) => ({ g: c.guaranteeId, kind, ...a }))),
  );
  await insertColumns(tx, 'r_claim_amounts', {
    guarantee_id: ['text', amounts.map((a) => a.g)],
    kind: ['text', amounts.map((a) => a.kind)],
    participant: ['text', amounts.map((a) => a.participant)],
    role: ['text', amounts.map((a) => a.role)],
    amount_fen: ['numeric', amounts.map((a) => a.amountFen)],
  });
  const recoveries = d.recoveries.flatMap((r) => r.parts.map((p) => ({ r, p })));
  await insertColumns(tx, 'r_recoveries', {
    position: ['bigint', recoveries.map(() => e.position)],
    idx: ['int', recoveries.map((x) => x.r.index)],
    participant: ['text', recoveries.map((x) => x.p.participant)],
    guarantee_id: ['text', recoveries.map((x) => x.r.guaranteeId)],
    role: ['text', recoveries.map((x) => x.p.role)],
    recovered_on: ['date', recoveries.map((x) => x.r.recoveredOn)],
    amount_fen: ['numeric', recoveries.map((x) => x.p.amountFen)],
    recorded_at: ['timestamptz', recoveries.map(() => e.recordedAt)],
  });
  // claims and recoveries go to every party of the loan
  await feed(tx, e, [...d.claims.flatMap((c) => c.parts.map((p) => p.participant)), ...d.recoveries.flatMap((r) => r.parts.map((p) => p.participant))]);
}

/** A programme's suspension and resumption go to every participant the programme names (its parties and banks). */
async function programmeFeed(tx: Sql, e: LoggedEvent<ProgrammeSuspendedV1 | ProgrammeResumedV1>): Promise<void> {
  const [{ participants }] = await tx.query<{ participants: string[] | null }>(
    `select array_agg(distinct participant) as participants from (
       select jsonb_array_elements(document->'parties')->>'participant' as participant from ${SCHEMA}.ref_programmes where id = $1
       union select jsonb_array_elements_text(document->'banks') from ${SCHEMA}.ref_programmes where id = $1) x
      where participant <> '$bank'`,
    [e.data.programme],
  );
  await feed(tx, e, participants ?? []);
}

/** The audit trail: every operator action, whichever service recorded it, numbered by its log position. */
async function auditTrail(tx: Sql, e: LoggedEvent<OperatorActionRecordedV1>): Promise<void> {
  const a = e.data;
  await tx.query(
    `insert into ${SCHEMA}.r_audit_trail (seq, action_id, service, action, actor, actor_key_id, subject, details, recorded_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing`,
    [e.position.toString(), a.actionId, a.service, a.action, a.actor.participant, a.actor.keyId, a.subject, JSON.stringify(a.details), a.recordedAt],
  );
}
