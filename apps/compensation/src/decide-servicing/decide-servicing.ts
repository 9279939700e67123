import {
  AmountByPartyV1,
  ClaimPaidV1,
  GuaranteeIssuedV1,
  GuaranteeRepaidV1,
  LoanRejectedV1,
  ProgrammeSuspendedV1,
  RecoverySharedV1,
  ServicingDecidedV1,
  ServicingFiledV1,
  claimPaidV1,
  guaranteeRepaidV1,
  programmeSuspendedV1,
  recoverySharedV1,
  servicingDecidedV1,
} from '@g2g/contracts';
import {
  Part,
  decideClaim,
  decideRecovery,
  decideRepayment,
  decimalRatio,
  evolveClaimed,
  evolveRecovered,
  evolveRepaid,
  formatRate,
  readProgramme,
} from '@g2g/domain';
import { EventStore, NewEvent, OutboxMessage, Sql, describeError, enqueue, isConnectionError, isRetryable, pgCode } from '@g2g/event-store';
import { programmeOn } from '@g2g/platform';
import { BookedGuarantee, SCHEMA, lockGuarantee, saveGuarantee } from './guarantee-book';

const store = new EventStore(SCHEMA);

const amounts = (parts: readonly { role: string; participant: string; amount?: bigint; loss?: bigint }[]): AmountByPartyV1[] =>
  parts.map((p) => ({ role: p.role, participant: p.participant, amountFen: (p.amount ?? p.loss ?? 0n).toString() }));

/**
 * Records issued (and rejected) guarantees as compensation's starting state, adds their principal
 * to the programme's total, then decides any rows that arrived before the guarantee did.
 */
export async function recordGuarantees(tx: Sql, issued: readonly GuaranteeIssuedV1[], rejected: readonly LoanRejectedV1[], now: Date): Promise<void> {
  const rows = [
    ...issued.map((g) => ({ id: g.guaranteeId, programme: g.programme, version: g.programmeVersion, bank: g.bank, borrower: g.borrower.id, status: 'in_force', principal: g.principalFen, parties: g.parties })),
    ...rejected.map((r) => ({ id: r.guaranteeId, programme: r.programme, version: null, bank: r.bank, borrower: null, status: 'rejected', principal: '0', parties: [] })),
  ];
  if (rows.length === 0) return;
  const inserted = await tx.query<{ guarantee_id: string; programme: string; principal_fen: string }>(
    `insert into ${SCHEMA}.c_guarantees (guarantee_id, programme, programme_version, bank, borrower_id, status, principal_fen, outstanding_fen, parties)
     select g, p, v::date, b, br, s, pr::numeric, pr::numeric, pa::jsonb
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) as t(g, p, v, b, br, s, pr, pa)
     on conflict (guarantee_id) do nothing
     returning guarantee_id, programme, principal_fen::text`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.programme),
      rows.map((r) => r.version),
      rows.map((r) => r.bank),
      rows.map((r) => r.borrower),
      rows.map((r) => r.status),
      rows.map((r) => r.principal),
      rows.map((r) => JSON.stringify(r.parties.map((p) => ({ role: p.role, participant: p.participant, sharePct: p.sharePct })))),
    ],
  );
  const recorded = new Set(inserted.map((r) => r.guarantee_id));
  await store.append(
    tx,
    rows
      .filter((r) => recorded.has(r.id))
      .map((r) => ({
        streamId: `guarantee:${r.id}`,
        expected: 'no_stream' as const,
        events: [{ type: 'compensation.guarantee-recorded.v1', data: { guaranteeId: r.id, programme: r.programme, programmeVersion: r.version, bank: r.bank, borrowerId: r.borrower, status: r.status, principalFen: r.principal, parties: r.parties } }],
      })),
  );
  const byProgramme = new Map<string, bigint>();
  for (const r of inserted) byProgramme.set(r.programme, (byProgramme.get(r.programme) ?? 0n) + BigInt(r.principal_fen));
  for (const [programme, principal] of byProgramme) {
    await tx.query(
      `insert into ${SCHEMA}.c_programmes (programme, principal_guaranteed_fen) values ($1, $2)
       on conflict (programme) do update set principal_guaranteed_fen = ${SCHEMA}.c_programmes.principal_guaranteed_fen + excluded.principal_guaranteed_fen`,
      [programme, principal.toString()],
    );
  }
  const waiting = await tx.query<{ seq: string; message: ServicingFiledV1 }>(
    `delete from ${SCHEMA}.c_waiting where guarantee_id = any($1::text[]) returning seq, message`,
    [inserted.map((r) => r.guarantee_id)],
  );
  if (waiting.length > 0) {
    const ordered = [...waiting].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
    await decideServicing(tx, ordered.map((w) => w.message), now);
  }
}

/**
 * Decides repayment, claim and recovery rows in the order filed, each on the loan's locked state
 * (and a claim on its programme's locked losses, so the Fund cap and the breaker see every claim
 * before it). A row for a loan compensation has not heard of yet waits for it.
 */
export async function decideServicing(tx: Sql, filings: readonly ServicingFiledV1[], now: Date): Promise<void> {
  const outbox: OutboxMessage[] = [];
  for (const f of filings) {
    const booked = await lockGuarantee(tx, f.guaranteeId);
    if (!booked) {
      await tx.query(`insert into ${SCHEMA}.c_waiting (guarantee_id, message) values ($1, $2)`, [f.guaranteeId, JSON.stringify(f)]);
      continue;
    }
    const stream = `guarantee:${f.guaranteeId}`;
    const version = await store.version(tx, stream);
    let decided: { events: NewEvent[]; messages: OutboxMessage[] };
    try {
      decided = await decideOne(tx, booked, f, now, version + 1);
    } catch (error) {
      // the database's trouble goes up (the transaction is rerun or the batch retried); a row
      // the rules cannot compute with is answered, not parked
      if (isRetryable(error) || isConnectionError(error) || pgCode(error)) throw error;
      decided = unprocessable(f, describeError(error), now);
    }
    await store.append(tx, [{ streamId: stream, expected: version === 0 ? 'no_stream' : version, events: decided.events }]);
    outbox.push(...decided.messages);
  }
  await enqueue(tx, SCHEMA, outbox);
}

/** A servicing row compensation cannot decide: rejected as UNPROCESSABLE, the error kept in its event for operators. */
function unprocessable(f: ServicingFiledV1, why: string, now: Date): { events: NewEvent[]; messages: OutboxMessage[] } {
  const v: ServicingDecidedV1 = { kind: f.kind, guaranteeId: f.guaranteeId, bank: f.bank, loanId: f.loanId, batchRef: f.batchRef, row: f.row, outcome: 'rejected', codes: ['UNPROCESSABLE'], decidedAt: now.toISOString() };
  return {
    events: [{ type: `compensation.${f.kind}-rejected.v1`, data: { filed: f, code: 'UNPROCESSABLE', unprocessable: why }, businessDate: null }],
    messages: [{ topic: servicingDecidedV1.topic, key: servicingDecidedV1.key(v), value: v }],
  };
}

/** Servicing rows whose message failed every attempt: each rejected as UNPROCESSABLE (once). */
export async function rejectServicingUnprocessable(tx: Sql, filings: readonly ServicingFiledV1[], why: string, now: Date): Promise<void> {
  const outbox: OutboxMessage[] = [];
  for (const f of filings) {
    const stream = `guarantee:${f.guaranteeId}`;
    const version = await store.version(tx, stream);
    const { events, messages } = unprocessable(f, why, now);
    await store.append(tx, [{ streamId: stream, expected: version === 0 ? 'no_stream' : version, events }]);
    outbox.push(...messages);
  }
  await enqueue(tx, SCHEMA, outbox);
}

async function decideOne(tx: Sql, booked: BookedGuarantee, f: ServicingFiledV1, now: Date, sequence: number): Promise<{ events: NewEvent[]; messages: OutboxMessage[] }> {
  const recordedAt = now.toISOString();
  const { state } = booked;
  const answer = (outcome: 'accepted' | 'rejected', codes: string[]): OutboxMessage => {
    const v: ServicingDecidedV1 = { kind: f.kind, guaranteeId: f.guaranteeId, bank: f.bank, loanId: f.loanId, batchRef: f.batchRef, row: f.row, outcome, codes, decidedAt: recordedAt };
    return { topic: servicingDecidedV1.topic, key: servicingDecidedV1.key(v), value: v };
  };
  const rejectedEvent = (code: string, businessDate: string): NewEvent => ({ type: `compensation.${f.kind}-rejected.v1`, data: { filed: f, code }, businessDate });

  if (f.kind === 'repayment') {
    const r = f.repayment!;
    const d = decideRepayment(state, BigInt(r.amountFen));
    if (d.outcome === 'rejected') return { events: [rejectedEvent(d.code, r.repaidOn)], messages: [answer('rejected', [d.code])] };
    await saveGuarantee(tx, evolveRepaid(state, d));
    const v: GuaranteeRepaidV1 = {
      guaranteeId: f.guaranteeId,
      sequence,
      programme: state.programme,
      bank: booked.bank,
      borrowerId: booked.borrowerId ?? '',
      amountFen: r.amountFen,
      outstandingAfterFen: d.outstandingAfter.toString(),
      repaidOn: r.repaidOn,
      released: d.released,
      recordedAt,
    };
    return {
      events: [{ type: 'compensation.guarantee-repaid.v1', data: v, businessDate: r.repaidOn }],
      messages: [answer('accepted', []), { topic: guaranteeRepaidV1.topic, key: guaranteeRepaidV1.key(v), value: v }],
    };
  }

  if (f.kind === 'recovery') {
    const r = f.recovery!;
    const d = decideRecovery(state, BigInt(r.amountFen));
    if (d.outcome === 'rejected') return { events: [rejectedEvent(d.code, r.recoveredOn)], messages: [answer('rejected', [d.code])] };
    await saveGuarantee(tx, evolveRecovered(state, d));
    const v: RecoverySharedV1 = {
      guaranteeId: f.guaranteeId,
      sequence,
      programme: state.programme,
      bank: booked.bank,
      amountFen: r.amountFen,
      recoveredOn: r.recoveredOn,
      parts: amounts(d.parts),
      recoveredTotalFen: d.recoveredAfter.toString(),
      recordedAt,
    };
    return {
      events: [{ type: 'compensation.recovery-shared.v1', data: v, businessDate: r.recoveredOn }],
      messages: [answer('accepted', []), { topic: recoverySharedV1.topic, key: recoverySharedV1.key(v), value: v }],
    };
  }

  const c = f.claim!;
  // claims of one programme take turns on its losses row: the cap and the breaker see every claim before
  await tx.query(`insert into ${SCHEMA}.c_programmes (programme) values ($1) on conflict do nothing`, [state.programme]);
  const [losses] = await tx.query<{ principal: string; paid: string }>(
    `select principal_guaranteed_fen::text as principal, compensation_paid_fen::text as paid from ${SCHEMA}.c_programmes where programme = $1 for update`,
    [state.programme],
  );
  const doc = await programmeOn(tx, SCHEMA, state.programme, booked.programmeVersion ?? c.claimedOn);
  const read = doc ? readProgramme(doc) : null;
  if (!read?.ok) throw new Error(`programme ${state.programme} (version ${booked.programmeVersion}) is not known to compensation yet`);
  const p = read.programme;
  const d = decideClaim(
    state,
    { overdueSince: c.overdueSince, claimedOn: c.claimedOn, unpaidPrincipal: BigInt(c.unpaidPrincipalFen), unpaidInterest: BigInt(c.unpaidInterestFen) },
    { claimGraceDays: p.claimGraceDays, claimCoversInterest: p.claimCoversInterest, fundCapPct: p.fundCapPct, breakerPct: p.breakerPct },
    { principalGuaranteed: BigInt(losses.principal), compensationPaid: BigInt(losses.paid) },
  );
  if (d.outcome === 'rejected') return { events: [rejectedEvent(d.code, c.claimedOn)], messages: [answer('rejected', [d.code])] };
  await saveGuarantee(tx, evolveClaimed(state, d, c.claimedOn));
  await tx.query(`update ${SCHEMA}.c_programmes set compensation_paid_fen = $2 where programme = $1`, [state.programme, d.lossRatio.compensationPaid.toString()]);
  const lossRatio = decimalRatio(d.lossRatio.compensationPaid, d.lossRatio.principalGuaranteed) ?? '0';
  const v: ClaimPaidV1 = {
    guaranteeId: f.guaranteeId,
    sequence,
    programme: state.programme,
    bank: booked.bank,
    borrowerId: booked.borrowerId ?? '',
    overdueSince: c.overdueSince,
    claimedOn: c.claimedOn,
    unpaidPrincipalFen: c.unpaidPrincipalFen,
    unpaidInterestFen: c.unpaidInterestFen,
    claimAmountFen: d.claimAmount.toString(),
    parts: amounts(d.parts as Part[]),
    compensationFen: d.compensation.toString(),
    support: amounts(d.support),
    fundPaid: d.fundPaid,
    losses: amounts(d.losses),
    lossRatio,
    recordedAt,
  };
  const events: NewEvent[] = [{ type: 'compensation.claim-paid.v1', data: v, businessDate: c.claimedOn }];
  const messages: OutboxMessage[] = [answer('accepted', []), { topic: claimPaidV1.topic, key: claimPaidV1.key(v), value: v }];
  if (d.suspends) {
    const s: ProgrammeSuspendedV1 = { programme: state.programme, lossRatio, breakerPct: formatRate(p.breakerPct), guaranteeId: f.guaranteeId, suspendedOn: c.claimedOn, recordedAt };
    messages.push({ topic: programmeSuspendedV1.topic, key: programmeSuspendedV1.key(s), value: s });
  }
  return { events, messages };
}
