import {
  ClaimPaidV1,
  GuaranteeCededV1,
  GuaranteeIssuedV1,
  GuaranteeRepaidV1,
  OperatorActionRecordedV1,
  ProgrammeResumedV1,
  ProgrammeSuspendedV1,
  RecoverySharedV1,
  claimPaidV1,
  guaranteeCededV1,
  guaranteeIssuedV1,
  guaranteeRepaidV1,
  operatorActionRecordedV1,
  programmeResumedV1,
  programmeSuspendedV1,
  recoverySharedV1,
} from '@g2g/contracts';
import { Sql } from '@g2g/event-store';
import { SCHEMA } from '../record-log/record-log.consumer';

/** An event of reporting's log as the projector reads it. */
export interface LoggedEvent<D = any> {
  position: bigint;
  type: string;
  data: D;
  recordedAt: string;
}

/** The read-model tables the projector fills (and a rebuild empties). */
export const READ_MODEL_TABLES = ['r_guarantees', 'r_parties', 'r_reguarantee_fees', 'r_principal_changes', 'r_releases', 'r_claims', 'r_claim_amounts', 'r_recoveries', 'r_feed', 'r_audit_trail'];

type Columns = Record<string, { type: string; values: unknown[] }>;

async function insert(tx: Sql, table: string, cols: Columns): Promise<void> {
  const names = Object.keys(cols);
  if (names.length === 0 || cols[names[0]].values.length === 0) return;
  const params = names.map((n) => cols[n].values);
  await tx.query(
    `insert into ${SCHEMA}.${table} (${names.join(', ')})
     select * from unnest(${names.map((n, i) => `$${i + 1}::${cols[n].type}[]`).join(', ')}) on conflict do nothing`,
    params,
  );
}

function columns<T>(rows: T[], spec: Record<string, [string, (r: T) => unknown]>): Columns {
  return Object.fromEntries(Object.entries(spec).map(([name, [type, get]]) => [name, { type, values: rows.map(get) }]));
}

/**
 * Applies a page of the log to the read models, with set-based statements. Facts go to their own
 * tables keyed by the event, so a page's order does not matter and applying it again changes
 * nothing. Feeds are numbered by the event's log position, stable across rebuilds.
 */
export async function project(tx: Sql, events: readonly LoggedEvent[]): Promise<void> {
  const of = <T>(topic: string) => events.filter((e) => e.type === topic) as LoggedEvent<T>[];

  const issued = of<GuaranteeIssuedV1>(guaranteeIssuedV1.topic);
  await insert(
    tx,
    'r_guarantees',
    columns(issued, {
      guarantee_id: ['text', (e) => e.data.guaranteeId],
      programme: ['text', (e) => e.data.programme],
      bank: ['text', (e) => e.data.bank],
      guarantor: ['text', (e) => e.data.parties.find((p) => p.role === 'guarantor')!.participant],
      province: ['text', (e) => e.data.province],
      fund_backed: ['boolean', (e) => e.data.fundBacked],
      industry_section: ['text', (e) => e.data.industrySection],
      borrower_type: ['text', (e) => e.data.borrower.type],
      borrower_id: ['text', (e) => e.data.borrower.id],
      sci_tech: ['boolean', (e) => e.data.sciTech],
      inclusive: ['boolean', (e) => e.data.inclusive],
      principal_fen: ['numeric', (e) => e.data.principalFen],
      interest_rate_pct: ['numeric', (e) => e.data.interestRatePct],
      fee_rate_pct: ['numeric', (e) => e.data.guaranteeFeeRatePct],
      guarantee_fee_fen: ['numeric', (e) => e.data.guaranteeFeeFen],
      issued_on: ['date', (e) => e.data.issuedOn],
      matures_on: ['date', (e) => e.data.maturesOn],
      recorded_at: ['timestamptz', (e) => e.recordedAt],
    }),
  );
  const parties = issued.flatMap((e) => e.data.parties.map((p) => ({ g: e.data.guaranteeId, ...p })));
  await insert(tx, 'r_parties', columns(parties, { guarantee_id: ['text', (p) => p.g], participant: ['text', (p) => p.participant], role: ['text', (p) => p.role], share_pct: ['numeric', (p) => p.sharePct] }));

  const ceded = of<GuaranteeCededV1>(guaranteeCededV1.topic).flatMap((e) => e.data.cessions.map((c) => ({ e, c })));
  await insert(
    tx,
    'r_reguarantee_fees',
    columns(ceded, {
      guarantee_id: ['text', (x) => x.e.data.guaranteeId],
      participant: ['text', (x) => x.c.participant],
      fee_fen: ['numeric', (x) => x.c.reguaranteeFeeFen],
      recorded_at: ['timestamptz', (x) => x.e.recordedAt],
    }),
  );

  const repaid = of<GuaranteeRepaidV1>(guaranteeRepaidV1.topic);
  const claims = of<ClaimPaidV1>(claimPaidV1.topic);
  const changes = [
    ...repaid.map((e) => ({ e, g: e.data.guaranteeId, kind: 'repayment', date: e.data.repaidOn, amount: e.data.amountFen })),
    ...claims.map((e) => ({ e, g: e.data.guaranteeId, kind: 'claim', date: e.data.claimedOn, amount: e.data.unpaidPrincipalFen })),
  ];
  await insert(
    tx,
    'r_principal_changes',
    columns(changes, {
      position: ['bigint', (c) => c.e.position.toString()],
      guarantee_id: ['text', (c) => c.g],
      kind: ['text', (c) => c.kind],
      business_date: ['date', (c) => c.date],
      amount_fen: ['numeric', (c) => c.amount],
      recorded_at: ['timestamptz', (c) => c.e.recordedAt],
    }),
  );
  const releases = [
    ...repaid.filter((e) => e.data.released).map((e) => ({ e, g: e.data.guaranteeId, kind: 'repaid', date: e.data.repaidOn })),
    ...claims.map((e) => ({ e, g: e.data.guaranteeId, kind: 'claimed', date: e.data.claimedOn })),
  ];
  await insert(
    tx,
    'r_releases',
    columns(releases, { guarantee_id: ['text', (r) => r.g], kind: ['text', (r) => r.kind], released_on: ['date', (r) => r.date], recorded_at: ['timestamptz', (r) => r.e.recordedAt] }),
  );
  await insert(
    tx,
    'r_claims',
    columns(claims, {
      guarantee_id: ['text', (e) => e.data.guaranteeId],
      claimed_on: ['date', (e) => e.data.claimedOn],
      unpaid_principal_fen: ['numeric', (e) => e.data.unpaidPrincipalFen],
      compensation_fen: ['numeric', (e) => e.data.compensationFen],
      fund_paid: ['boolean', (e) => e.data.fundPaid],
      recorded_at: ['timestamptz', (e) => e.recordedAt],
    }),
  );
  const amounts = claims.flatMap((e) =>
    (['part', 'support', 'loss'] as const).flatMap((kind) =>
      (kind === 'part' ? e.data.parts : kind === 'support' ? e.data.support : e.data.losses).map((a) => ({ g: e.data.guaranteeId, kind, ...a })),
    ),
  );
  await insert(
    tx,
    'r_claim_amounts',
    columns(amounts, {
      guarantee_id: ['text', (a) => a.g],
      kind: ['text', (a) => a.kind],
      participant: ['text', (a) => a.participant],
      role: ['text', (a) => a.role],
      amount_fen: ['numeric', (a) => a.amountFen],
    }),
  );
  const recoveries = of<RecoverySharedV1>(recoverySharedV1.topic).flatMap((e) => e.data.parts.map((p) => ({ e, p })));
  await insert(
    tx,
    'r_recoveries',
    columns(recoveries, {
      position: ['bigint', (r) => r.e.position.toString()],
      guarantee_id: ['text', (r) => r.e.data.guaranteeId],
      participant: ['text', (r) => r.p.participant],
      role: ['text', (r) => r.p.role],
      recovered_on: ['date', (r) => r.e.data.recoveredOn],
      amount_fen: ['numeric', (r) => r.p.amountFen],
      recorded_at: ['timestamptz', (r) => r.e.recordedAt],
    }),
  );

  await projectFeeds(tx, events);

  // the audit trail: every operator action, whichever service recorded it, numbered by its log position
  const actions = events.filter((e) => operatorActionRecordedV1.carries(e.type)) as LoggedEvent<OperatorActionRecordedV1>[];
  await insert(
    tx,
    'r_audit_trail',
    columns(actions, {
      seq: ['bigint', (e) => e.position.toString()],
      action_id: ['text', (e) => e.data.actionId],
      service: ['text', (e) => e.data.service],
      action: ['text', (e) => e.data.action],
      actor: ['text', (e) => e.data.actor.participant],
      actor_key_id: ['text', (e) => e.data.actor.keyId],
      subject: ['text', (e) => e.data.subject],
      details: ['jsonb', (e) => JSON.stringify(e.data.details)],
      recorded_at: ['timestamptz', (e) => e.data.recordedAt],
    }),
  );
}

/**
 * Each participant's feed: approvals and cessions for the guarantees it is party to (not the bank:
 * banks read their batch results), claims and recoveries for every party, and a programme's
 * suspension and resumption for every participant the programme names (its parties and banks).
 */
async function projectFeeds(tx: Sql, events: readonly LoggedEvent[]): Promise<void> {
  const rows: { participant: string; e: LoggedEvent; key: string }[] = [];
  const add = (e: LoggedEvent, key: string, participants: Iterable<string>) => {
    for (const participant of new Set(participants)) rows.push({ participant, e, key });
  };
  const suspendedOrResumed: LoggedEvent[] = [];
  for (const e of events) {
    if (e.type === guaranteeIssuedV1.topic) add(e, e.data.guaranteeId, (e.data as GuaranteeIssuedV1).parties.filter((p) => p.role !== 'bank').map((p) => p.participant));
    else if (e.type === guaranteeCededV1.topic) add(e, e.data.guaranteeId, [e.data.guarantor, ...(e.data as GuaranteeCededV1).cessions.map((c) => c.participant)]);
    else if (e.type === claimPaidV1.topic || e.type === recoverySharedV1.topic) add(e, e.data.guaranteeId, (e.data.parts as { participant: string }[]).map((p) => p.participant));
    else if (e.type === programmeSuspendedV1.topic || e.type === programmeResumedV1.topic) suspendedOrResumed.push(e);
  }
  for (const e of suspendedOrResumed) {
    const programme = (e.data as ProgrammeSuspendedV1 | ProgrammeResumedV1).programme;
    const [{ participants }] = await tx.query<{ participants: string[] | null }>(
      `select array_agg(distinct participant) as participants from (
         select jsonb_array_elements(document->'parties')->>'participant' as participant from ${SCHEMA}.ref_programmes where id = $1
         union select jsonb_array_elements_text(document->'banks') from ${SCHEMA}.ref_programmes where id = $1) x
        where participant <> '$bank'`,
      [programme],
    );
    add(e, programme, participants ?? []);
  }
  await insert(
    tx,
    'r_feed',
    columns(rows, {
      participant: ['text', (r) => r.participant],
      seq: ['bigint', (r) => r.e.position.toString()],
      topic: ['text', (r) => r.e.type],
      key: ['text', (r) => r.key],
      value: ['jsonb', (r) => JSON.stringify(r.e.data)],
      recorded_at: ['timestamptz', (r) => r.e.recordedAt],
    }),
  );
}
