import {
  AmountByPartyV1,
  BreakerApproachedV1,
  ClaimPaidV1,
  GuaranteeRepaidV1,
  LoansDecidedV2,
  ProgrammeSuspendedV1,
  RecoverySharedV1,
  ServicingDecidedV2,
  ServicingFiledV2,
  breakerApproachedV1,
  programmeSuspendedV1,
  servicingDecidedV2,
} from '@g2g/contracts';
import { Part, decideClaim, decideRecovery, decideRepayment, decimalRatio, evolveClaimed, evolveRecovered, evolveRepaid, parseRate, warningLinePct } from '@g2g/domain';
import { NewEvent, OutboxMessage, Sql, describeError, enqueue, isConnectionError, isRetryable, pgCode } from '@g2g/event-store';
import {
  GuaranteesRecordedV2,
  HeldGuarantee,
  SCHEMA,
  ServicingWaitingV1,
  applyCompensationEvents,
  guaranteesRecorded,
  lockGuarantees,
  servicingChunkKey,
  store,
} from './guarantee-book';
import { applyRiskEvents, labelGuarantees } from '../risk-labels/risk-labels';

const amounts = (parts: readonly { role: string; participant: string; amount?: bigint; loss?: bigint }[]): AmountByPartyV1[] =>
  parts.map((p) => ({ role: p.role, participant: p.participant, amountFen: (p.amount ?? p.loss ?? 0n).toString() }));

/**
 * Records a decided chunk's guarantees (approved ones in force, rejected ones so that a row on
 * them is NOT_IN_FORCE), adds their principal to the programme's total, then decides any rows
 * that arrived before their guarantee did.
 */
export async function recordGuarantees(tx: Sql, decided: readonly LoansDecidedV2[], now: Date): Promise<void> {
  for (const d of decided) {
    const streamId = `recorded:${d.bank}:${d.batchRef}:${d.firstRow}`;
    if ((await store.version(tx, streamId)) > 0) continue; // recorded already
    const event = { type: 'compensation.guarantees-recorded.v2', data: guaranteesRecorded(d) };
    await store.append(tx, [{ streamId, expected: 'no_stream', events: [event] }]);
    await applyCompensationEvents(tx, [event]);
    await labelGuarantees(tx, d, now);
    await decideWaiting(tx, event.data, now);
  }
}

async function decideWaiting(tx: Sql, r: GuaranteesRecordedV2, now: Date): Promise<void> {
  const ids = [...r.approved.loanId, ...r.rejected].map((l) => `${r.bank}/${l}`);
  const waiting = await tx.query<{ chunk: string; row: number; filed: ServicingFiledV2 }>(
    `select chunk, row, filed from ${SCHEMA}.c_waiting where guarantee_id = any($1::text[]) order by seq`,
    [ids],
  );
  for (const w of waiting) await decideServicing(tx, [w.filed], now);
}

/**
 * Decides a chunk of repayment, claim or recovery rows in the order filed, each on its loan's
 * locked state (a claim also on its programme's locked losses, so the Fund cap and the breaker
 * see every claim before it). A row for a loan compensation has not heard of yet waits for it.
 * One event per chunk, published as servicing-decided.v2.
 */
export async function decideServicing(tx: Sql, chunks: readonly ServicingFiledV2[], now: Date): Promise<void> {
  for (const f of chunks) {
    const recordedAt = now.toISOString();
    const ids = f.loanId.map((l) => `${f.bank}/${l}`);
    const held = await lockGuarantees(tx, ids);
    const d: ServicingDecidedV2 = { bank: f.bank, batchRef: f.batchRef, kind: f.kind, firstRow: f.firstRow, decidedAt: recordedAt, row: [], loanId: [], codes: [], repaid: [], claims: [], recoveries: [] };
    const waiting: ServicingWaitingV1['rows'] = [];
    const outbox: OutboxMessage[] = [];
    const unprocessable: { row: number; error: string }[] = [];
    const losses = new Map<string, { principal: bigint; paid: bigint }>();
    for (let i = 0; i < f.row.length; i++) {
      const g = held.get(ids[i]);
      if (!g) {
        waiting.push({ guaranteeId: ids[i], row: f.row[i], filed: rowOf(f, i) });
        continue;
      }
      const index = d.row.push(f.row[i]) - 1;
      d.loanId.push(f.loanId[i]);
      try {
        const code = await decideRow(tx, f, i, g, d, index, losses, outbox, recordedAt);
        d.codes.push(code ? [code] : []);
      } catch (error) {
        // the database's trouble goes up (the transaction is rerun or the batch retried); a row
        // the rules cannot compute with is answered, not parked
        if (isRetryable(error) || isConnectionError(error) || pgCode(error)) throw error;
        d.codes.push(['UNPROCESSABLE']);
        unprocessable.push({ row: f.row[i], error: describeError(error) });
      }
    }
    const events: NewEvent[] = [];
    if (d.row.length > 0) {
      events.push({
        type: 'compensation.servicing-decided.v2',
        data: d,
        metadata: unprocessable.length > 0 ? { unprocessable } : undefined,
        publish: { topic: servicingDecidedV2.topic, key: servicingDecidedV2.key(d) },
      });
    }
    if (waiting.length > 0) events.push({ type: 'compensation.servicing-waiting.v1', data: { chunk: servicingChunkKey(f), rows: waiting } satisfies ServicingWaitingV1 });
    if (events.length === 0) continue;
    const streamId = `servicing:${servicingChunkKey(f)}`;
    const version = await store.version(tx, streamId);
    await store.append(tx, [{ streamId, expected: version === 0 ? 'no_stream' : version, events }]);
    await applyCompensationEvents(tx, events);
    await applyRiskEvents(tx, events);
    await enqueue(tx, SCHEMA, outbox);
  }
}

/** One row of a chunk, as a chunk of its own (a row that waits is decided alone later). */
function rowOf(f: ServicingFiledV2, i: number): ServicingFiledV2 {
  const pick = (c?: string[]) => (c ? [c[i]] : undefined);
  return {
    bank: f.bank,
    batchRef: f.batchRef,
    kind: f.kind,
    firstRow: f.firstRow,
    filedAt: f.filedAt,
    row: [f.row[i]],
    loanId: [f.loanId[i]],
    ...(f.amountFen ? { amountFen: pick(f.amountFen) } : {}),
    ...(f.on ? { on: pick(f.on) } : {}),
    ...(f.overdueSince ? { overdueSince: pick(f.overdueSince), claimedOn: pick(f.claimedOn), unpaidPrincipalFen: pick(f.unpaidPrincipalFen), unpaidInterestFen: pick(f.unpaidInterestFen) } : {}),
  };
}

/** Decides row i on its held state (which it moves on); returns the rejection code, or null when accepted. */
async function decideRow(
  tx: Sql,
  f: ServicingFiledV2,
  i: number,
  g: HeldGuarantee,
  d: ServicingDecidedV2,
  index: number,
  losses: Map<string, { principal: bigint; paid: bigint }>,
  outbox: OutboxMessage[],
  recordedAt: string,
): Promise<string | null> {
  const { state } = g;
  const guaranteeId = state.guaranteeId;
  if (f.kind === 'repayment') {
    const decision = decideRepayment(state, BigInt(f.amountFen![i]));
    if (decision.outcome === 'rejected') return decision.code;
    g.state = evolveRepaid(state, decision);
    const v: GuaranteeRepaidV1 = {
      guaranteeId,
      sequence: ++g.events,
      programme: state.programme,
      bank: g.bank,
      borrowerId: g.borrowerId ?? '',
      amountFen: f.amountFen![i],
      outstandingAfterFen: decision.outstandingAfter.toString(),
      repaidOn: f.on![i],
      released: decision.released,
      recordedAt,
    };
    d.repaid.push({ ...v, index });
    return null;
  }
  if (f.kind === 'recovery') {
    const decision = decideRecovery(state, BigInt(f.amountFen![i]));
    if (decision.outcome === 'rejected') return decision.code;
    g.state = evolveRecovered(state, decision);
    const v: RecoverySharedV1 = {
      guaranteeId,
      sequence: ++g.events,
      programme: state.programme,
      bank: g.bank,
      amountFen: f.amountFen![i],
      recoveredOn: f.on![i],
      parts: amounts(decision.parts),
      recoveredTotalFen: decision.recoveredAfter.toString(),
      recordedAt,
    };
    d.recoveries.push({ ...v, index });
    return null;
  }
  // claims of one programme take turns on its losses row: the cap and the breaker see every claim before
  let programme = losses.get(state.programme);
  if (!programme) {
    await tx.query(`insert into ${SCHEMA}.c_programmes (programme) values ($1) on conflict do nothing`, [state.programme]);
    const [row] = await tx.query<{ principal: string; paid: string }>(
      `select principal_guaranteed_fen::text as principal, compensation_paid_fen::text as paid from ${SCHEMA}.c_programmes where programme = $1 for update`,
      [state.programme],
    );
    programme = { principal: BigInt(row.principal), paid: BigInt(row.paid) };
    losses.set(state.programme, programme);
  }
  const t = g.terms;
  if (!t) throw new Error(`no terms for the guarantee ${guaranteeId}`);
  const claim = { overdueSince: f.overdueSince![i], claimedOn: f.claimedOn![i], unpaidPrincipal: BigInt(f.unpaidPrincipalFen![i]), unpaidInterest: BigInt(f.unpaidInterestFen![i]) };
  const breakerPct = parseRate(t.breakerPct)!;
  const decision = decideClaim(
    state,
    claim,
    { claimGraceDays: t.claimGraceDays, claimCoversInterest: t.claimCoversInterest, fundCapPct: parseRate(t.fundCapPct)!, breakerPct },
    { principalGuaranteed: programme.principal, compensationPaid: programme.paid },
  );
  if (decision.outcome === 'rejected') return decision.code;
  g.state = evolveClaimed(state, decision, claim.claimedOn);
  programme.paid = decision.lossRatio.compensationPaid;
  const lossRatio = decimalRatio(decision.lossRatio.compensationPaid, decision.lossRatio.principalGuaranteed) ?? '0';
  const v: ClaimPaidV1 = {
    guaranteeId,
    sequence: ++g.events,
    programme: state.programme,
    bank: g.bank,
    borrowerId: g.borrowerId ?? '',
    overdueSince: claim.overdueSince,
    claimedOn: claim.claimedOn,
    unpaidPrincipalFen: f.unpaidPrincipalFen![i],
    unpaidInterestFen: f.unpaidInterestFen![i],
    claimAmountFen: decision.claimAmount.toString(),
    parts: amounts(decision.parts as Part[]),
    compensationFen: decision.compensation.toString(),
    support: amounts(decision.support),
    fundPaid: decision.fundPaid,
    losses: amounts(decision.losses),
    lossRatio,
    recordedAt,
  };
  d.claims.push({ ...v, index });
  // the early warning goes out before the suspension it may come with (the outbox keeps their order)
  if (decision.warns) {
    const regulators = await tx.query<{ code: string }>(`select distinct code from ${SCHEMA}.ref_participants where kind = 'regulator' order by code`);
    const w: BreakerApproachedV1 = {
      programme: state.programme,
      lossRatio,
      warningPct: warningLinePct(breakerPct),
      breakerPct: t.breakerPct,
      guaranteeId,
      warnedOn: claim.claimedOn,
      recipients: [
        ...t.parties.filter((p) => p.role !== 'bank').map((p) => ({ role: p.role, participant: p.participant })),
        ...regulators.map((r) => ({ role: 'regulator', participant: r.code })),
      ],
      recordedAt,
    };
    outbox.push({ topic: breakerApproachedV1.topic, key: breakerApproachedV1.key(w), value: w });
  }
  if (decision.suspends) {
    const s: ProgrammeSuspendedV1 = { programme: state.programme, lossRatio, breakerPct: t.breakerPct, guaranteeId, suspendedOn: claim.claimedOn, recordedAt };
    outbox.push({ topic: programmeSuspendedV1.topic, key: programmeSuspendedV1.key(s), value: s });
  }
  return null;
}

/** Servicing chunks whose message failed every attempt: every row rejected as UNPROCESSABLE, once. */
/** What rejectServicingUnprocessable copies from the chunk it answers. */
export const SERVICING_ANSWER_COPIES = ['/bank', '/batchRef', '/kind', '/firstRow', '/row', '/loanId'] as const;

export async function rejectServicingUnprocessable(tx: Sql, chunks: readonly ServicingFiledV2[], why: string, now: Date): Promise<void> {
  for (const f of chunks) {
    const streamId = `servicing:${servicingChunkKey(f)}`;
    const version = await store.version(tx, streamId);
    const d: ServicingDecidedV2 = {
      bank: f.bank,
      batchRef: f.batchRef,
      kind: f.kind,
      firstRow: f.firstRow,
      decidedAt: now.toISOString(),
      row: f.row ?? [],
      loanId: f.loanId ?? [],
      codes: (f.row ?? []).map(() => ['UNPROCESSABLE']),
      repaid: [],
      claims: [],
      recoveries: [],
    };
    const event: NewEvent = { type: 'compensation.servicing-decided.v2', data: d, metadata: { unprocessable: why }, publish: { topic: servicingDecidedV2.topic, key: servicingDecidedV2.key(d) } };
    await store.append(tx, [{ streamId, expected: version === 0 ? 'no_stream' : version, events: [event] }]);
    await applyCompensationEvents(tx, [event]);
  }
}
