import { ClaimPaidV1, IssueTermsV2, LoansDecidedV2, RecoverySharedV1, ReleaseRemindersV1, ServicingDecidedV2, ServicingFiledV2 } from '@g2g/contracts';
import { GuaranteeState, LossBearingParty, nextReminderOn, parseSharePct } from '@g2g/domain';
import { EventStore, Sql, joined } from '@g2g/event-store';
import { createHash } from 'node:crypto';

export const SCHEMA = 'compensation';
export const store = new EventStore(SCHEMA);

/** The tables compensation's events are projected into. */
export const COMPENSATION_STATE = {
  c_terms: ['terms_id', 'programme', 'document'],
  c_guarantees: ['guarantee_id', 'programme', 'terms_id', 'bank', 'borrower_id', 'status', 'principal_fen', 'outstanding_fen', 'claim', 'events', 'matures_on', 'next_reminder_on', 'last_reminder_on'],
  c_programmes: ['programme', 'principal_guaranteed_fen', 'compensation_paid_fen'],
  c_waiting: ['guarantee_id', 'chunk', 'row', 'filed'],
  c_reminders: ['guarantee_id', 'due_on', 'reminded_on'],
} as const;

/** The guarantees of a decided chunk as compensation keeps them: approved (in force) and rejected. */
export interface GuaranteesRecordedV2 {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  terms: { id: string; document: IssueTermsV2 }[];
  /** `maturesOn`: for the release reminders (absent from the events recorded before them: those guarantees are never reminded) */
  approved: { loanId: string[]; borrowerId: string[]; principalFen: string[]; terms: number[]; maturesOn?: string[] };
  rejected: string[];
}

/** A servicing row that names a guarantee compensation has not heard of yet: it waits for it. */
export interface ServicingWaitingV1 {
  /** the servicing chunk's key */
  chunk: string;
  rows: { guaranteeId: string; row: number; filed: ServicingFiledV2 }[];
}

export const termsIdOf = (t: IssueTermsV2) => createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 16);
export const servicingChunkKey = (f: { bank: string; kind: string; batchRef: string; firstRow: number }) => `${f.bank}:${f.kind}:${f.batchRef}:${f.firstRow}`;

/** The decided chunk's guarantees, as the event compensation records of them. */
export function guaranteesRecorded(d: LoansDecidedV2): GuaranteesRecordedV2 {
  const approvedAt = new Set(d.issued.index);
  return {
    programme: d.programme,
    bank: d.bank,
    batchRef: d.batchRef,
    firstRow: d.firstRow,
    terms: d.terms.map((document) => ({ id: termsIdOf(document), document })),
    approved: { loanId: d.issued.index.map((k) => d.loanId[k]), borrowerId: d.issued.borrowerId, principalFen: d.issued.principalFen, terms: d.issued.terms, maturesOn: d.issued.maturesOn },
    rejected: d.loanId.filter((_, k) => !approvedAt.has(k)),
  };
}

export interface HeldGuarantee {
  state: GuaranteeState;
  terms: IssueTermsV2 | null;
  bank: string;
  borrowerId: string | null;
  /** compensation's events on this guarantee so far: the next one's sequence is events + 1 */
  events: number;
}

interface Row {
  guarantee_id: string;
  programme: string;
  bank: string;
  borrower_id: string | null;
  status: GuaranteeState['status'];
  principal_fen: string;
  outstanding_fen: string;
  claim: { unpaidPrincipalFen: string; claimedOn: string; losses: { role: string; participant: string; amountFen: string }[]; recoveredFen: string } | null;
  events: number;
  document: IssueTermsV2 | null;
}

/** Loads and locks the guarantees a chunk names (in id order, so two chunks never deadlock); the unknown are absent. */
export async function lockGuarantees(tx: Sql, ids: readonly string[]): Promise<Map<string, HeldGuarantee>> {
  const rows = await tx.query<Row>(
    `select g.guarantee_id, g.programme, g.bank, g.borrower_id, g.status, g.principal_fen::text, g.outstanding_fen::text, g.claim, g.events, t.document
       from ${SCHEMA}.c_guarantees g left join ${SCHEMA}.c_terms t using (terms_id)
      where g.guarantee_id = any(string_to_array($1, E'\\x1f')) order by g.guarantee_id for update of g`,
    [joined([...new Set(ids)])],
  );
  return new Map(
    rows.map((r) => [
      r.guarantee_id,
      {
        terms: r.document,
        bank: r.bank,
        borrowerId: r.borrower_id,
        events: r.events,
        state: {
          guaranteeId: r.guarantee_id,
          programme: r.programme,
          status: r.status,
          principal: BigInt(r.principal_fen),
          outstanding: BigInt(r.outstanding_fen),
          parties: (r.document?.parties ?? []).map((p) => ({ role: p.role, participant: p.participant, sharePct: parseSharePct(p.sharePct)! })),
          claim: r.claim
            ? {
                unpaidPrincipal: BigInt(r.claim.unpaidPrincipalFen),
                claimedOn: r.claim.claimedOn,
                losses: r.claim.losses.map((l): LossBearingParty => ({ role: l.role, participant: l.participant, loss: BigInt(l.amountFen) })),
                recovered: BigInt(r.claim.recoveredFen),
              }
            : undefined,
        },
      },
    ]),
  );
}

type Event = { type: string; data?: any };

/** Applies compensation's events to its tables, the same live and in a rebuild. */
export async function applyCompensationEvents(tx: Sql, events: readonly Event[]): Promise<void> {
  for (const e of events) {
    if (e.type === 'compensation.guarantees-recorded.v2') await recorded(tx, e.data as GuaranteesRecordedV2);
    else if (e.type === 'compensation.servicing-decided.v2') await decided(tx, e.data as ServicingDecidedV2);
    else if (e.type === RELEASE_REMINDERS_EVENT) await reminded(tx, e.data as ReleaseRemindersV1);
    else if (e.type === 'compensation.servicing-waiting.v1') {
      const d = e.data as ServicingWaitingV1;
      await tx.query(
        `insert into ${SCHEMA}.c_waiting (guarantee_id, chunk, row, filed)
         select g, $1, r::int, f::jsonb from unnest($2::text[], $3::text[], $4::text[]) as t(g, r, f)`,
        [d.chunk, d.rows.map((r) => r.guaranteeId), d.rows.map((r) => String(r.row)), d.rows.map((r) => JSON.stringify(r.filed))],
      );
    }
  }
}

async function recorded(tx: Sql, d: GuaranteesRecordedV2): Promise<void> {
  for (const t of d.terms) {
    await tx.query(`insert into ${SCHEMA}.c_terms (terms_id, programme, document) values ($1, $2, $3) on conflict do nothing`, [t.id, d.programme, JSON.stringify(t.document)]);
  }
  const a = d.approved;
  const ids = [...a.loanId.map((l) => `${d.bank}/${l}`), ...d.rejected.map((l) => `${d.bank}/${l}`)];
  if (ids.length === 0) return;
  const matures = [...a.loanId.map((_, i) => a.maturesOn?.[i] ?? ''), ...d.rejected.map(() => '')];
  await tx.query(
    `insert into ${SCHEMA}.c_guarantees (guarantee_id, programme, terms_id, bank, borrower_id, status, principal_fen, outstanding_fen, events, matures_on, next_reminder_on)
     select g, $1, nullif(t, ''), $2, nullif(b, ''), s, p::numeric, p::numeric, 0, nullif(m, '')::date, nullif(n, '')::date
       from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f'), string_to_array($5, E'\\x1f'), string_to_array($6, E'\\x1f'), string_to_array($7, E'\\x1f'),
                   string_to_array($8, E'\\x1f'), string_to_array($9, E'\\x1f')) as x(g, t, b, s, p, m, n)
     on conflict (guarantee_id) do nothing`,
    [
      d.programme,
      d.bank,
      joined(ids),
      joined([...a.terms.map((t) => d.terms[t].id), ...d.rejected.map(() => '')]),
      joined([...a.borrowerId, ...d.rejected.map(() => '')]),
      joined([...a.loanId.map(() => 'in_force'), ...d.rejected.map(() => 'rejected')]),
      joined([...a.principalFen, ...d.rejected.map(() => '0')]),
      joined(matures),
      joined(matures.map((m) => (m === '' ? '' : nextReminderOn(m, null)))),
    ],
  );
  const principal = a.principalFen.reduce((s, p) => s + BigInt(p), 0n);
  await tx.query(
    `insert into ${SCHEMA}.c_programmes as c (programme, principal_guaranteed_fen) values ($1, $2)
     on conflict (programme) do update set principal_guaranteed_fen = c.principal_guaranteed_fen + excluded.principal_guaranteed_fen`,
    [d.programme, principal.toString()],
  );
}

async function decided(tx: Sql, d: ServicingDecidedV2): Promise<void> {
  // a guarantee's state after the last of its facts in the chunk
  const last = new Map<string, { outstanding?: string; status?: string; claim?: unknown; events: number }>();
  const at = (id: string, sequence: number) => {
    const s = last.get(id) ?? { events: 0 };
    s.events = Math.max(s.events, sequence);
    last.set(id, s);
    return s;
  };
  const facts: { sequence: number; apply: () => void }[] = [];
  for (const r of d.repaid) facts.push({ sequence: r.sequence, apply: () => Object.assign(at(r.guaranteeId, r.sequence), { outstanding: r.outstandingAfterFen, ...(r.released ? { status: 'released' } : {}) }) });
  const claims = new Map<string, ClaimPaidV1>();
  for (const c of d.claims) {
    claims.set(c.guaranteeId, c);
    facts.push({ sequence: c.sequence, apply: () => Object.assign(at(c.guaranteeId, c.sequence), { outstanding: '0', status: 'claimed', claim: claimRecord(c, '0') }) });
  }
  const recoveries: RecoverySharedV1[] = d.recoveries;
  facts.sort((a, b) => a.sequence - b.sequence).forEach((f) => f.apply());
  const recoveredTotals = new Map<string, string>();
  for (const r of recoveries) {
    at(r.guaranteeId, r.sequence);
    recoveredTotals.set(r.guaranteeId, r.recoveredTotalFen);
  }
  if (last.size > 0) {
    const entries = [...last];
    await tx.query(
      `update ${SCHEMA}.c_guarantees g
          set outstanding_fen = coalesce(x.o::numeric, g.outstanding_fen),
              status = coalesce(x.s, g.status),
              claim = coalesce(x.c::jsonb, g.claim),
              events = greatest(g.events, x.e::int)
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as x(id, o, s, c, e)
        where g.guarantee_id = x.id`,
      [
        entries.map(([id]) => id),
        entries.map(([, s]) => s.outstanding ?? null),
        entries.map(([, s]) => s.status ?? null),
        entries.map(([, s]) => (s.claim ? JSON.stringify(s.claim) : null)),
        entries.map(([, s]) => String(s.events)),
      ],
    );
  }
  for (const [id, total] of recoveredTotals) {
    await tx.query(`update ${SCHEMA}.c_guarantees set claim = jsonb_set(claim, '{recoveredFen}', to_jsonb($2::text)) where guarantee_id = $1`, [id, total]);
  }
  const paid = new Map<string, bigint>();
  for (const c of claims.values()) paid.set(c.programme, (paid.get(c.programme) ?? 0n) + BigInt(c.compensationFen));
  for (const [programme, amount] of paid) {
    await tx.query(
      `insert into ${SCHEMA}.c_programmes as c (programme, compensation_paid_fen) values ($1, $2)
       on conflict (programme) do update set compensation_paid_fen = c.compensation_paid_fen + excluded.compensation_paid_fen`,
      [programme, amount.toString()],
    );
  }
  // rows that waited for their guarantee are waiting no more
  await tx.query(`delete from ${SCHEMA}.c_waiting where chunk = $1 and row = any($2::int[])`, [servicingChunkKey(d), d.row]);
}

export function claimRecord(c: ClaimPaidV1, recoveredFen: string) {
  return { unpaidPrincipalFen: c.unpaidPrincipalFen, claimedOn: c.claimedOn, losses: c.losses, recoveredFen };
}

/** The event of a run's reminders for one bank, published as it is stored (release-reminders.v1). */
export const RELEASE_REMINDERS_EVENT = 'compensation.release-reminders.v1';

/** Reminders sent: each kept once per guarantee and schedule date, and the guarantee's next due date moved on. */
async function reminded(tx: Sql, r: ReleaseRemindersV1): Promise<void> {
  const list = r.reminders;
  await tx.query(
    `insert into ${SCHEMA}.c_reminders (guarantee_id, due_on, reminded_on)
     select g, d::date, $3::date from unnest($1::text[], $2::text[]) as x(g, d)`,
    [list.map((x) => x.guaranteeId), list.map((x) => x.dueOn), r.remindedOn],
  );
  await tx.query(
    `update ${SCHEMA}.c_guarantees g set last_reminder_on = x.d::date, next_reminder_on = x.n::date
       from unnest($1::text[], $2::text[], $3::text[]) as x(id, d, n) where g.guarantee_id = x.id`,
    [list.map((x) => x.guaranteeId), list.map((x) => x.dueOn), list.map((x) => nextReminderOn(x.maturesOn, x.dueOn))],
  );
}
