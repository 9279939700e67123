import { GuaranteesCededV2, LoansDecidedV2, guaranteesCededV2 } from '@g2g/contracts';
import { cessionsOf, parseRate, parseSharePct } from '@g2g/domain';
import { EventStore, Sql } from '@g2g/event-store';

export const SCHEMA = 'cession';
export const store = new EventStore(SCHEMA);

/** The tables cession's events are projected into. */
export const CESSION_STATE = {
  cession_chunks: ['stream_id', 'participant', 'statement_month', 'loans', 'risk_fen', 'fee_fen'],
} as const;

const streamOf = (d: { bank: string; batchRef: string; firstRow: number }) => `ceded:${d.bank}:${d.batchRef}:${d.firstRow}`;

/**
 * Books each re-guarantor's and the Fund's part of a chunk's issued guarantees, and the fee each
 * charges the guarantor (cessionsOf). One event per chunk, published as guarantees-ceded.v2; a
 * chunk already ceded is skipped.
 */
export function cessionOf(d: LoansDecidedV2, now: Date): GuaranteesCededV2 | null {
  const n = d.issued.index.length;
  if (n === 0) return null;
  const parts = new Map<string, { participant: string; role: string; riskFen: string[]; feeFen: string[] }>();
  const guarantees: GuaranteesCededV2['guarantees'] = { loanId: [], guarantor: [], principalFen: [], termDays: [], cededOn: [], feePct: [] };
  const terms = d.terms.map((t) => ({ parties: t.parties.map((p) => ({ participant: p.participant, role: p.role, sharePct: parseSharePct(p.sharePct)! })), guarantor: t.parties.find((p) => p.role === 'guarantor')!.participant }));
  for (let i = 0; i < n; i++) {
    const t = terms[d.issued.terms[i]];
    const principal = BigInt(d.issued.principalFen[i]);
    guarantees.loanId.push(d.loanId[d.issued.index[i]]);
    guarantees.guarantor.push(t.guarantor);
    guarantees.principalFen.push(d.issued.principalFen[i]);
    guarantees.termDays.push(d.issued.termDays[i]);
    guarantees.cededOn.push(d.issued.disbursedOn[i]);
    guarantees.feePct.push(d.issued.reguaranteeFeePct[i]);
    for (const c of cessionsOf(principal, t.parties, parseRate(d.issued.reguaranteeFeePct[i])!, d.issued.termDays[i])) {
      let part = parts.get(c.participant);
      if (!part) parts.set(c.participant, (part = { participant: c.participant, role: c.role, riskFen: new Array(i).fill(''), feeFen: new Array(i).fill('') }));
      part.riskFen.push(c.risk.toString());
      part.feeFen.push(c.fee.toString());
    }
    for (const part of parts.values()) {
      if (part.riskFen.length === i) {
        part.riskFen.push('');
        part.feeFen.push('');
      }
    }
  }
  return { programme: d.programme, bank: d.bank, batchRef: d.batchRef, firstRow: d.firstRow, cededAt: now.toISOString(), guarantees, parts: [...parts.values()] };
}

export async function cedeGuarantees(tx: Sql, decided: readonly LoansDecidedV2[], now: Date): Promise<void> {
  for (const d of decided) {
    const ceded = cessionOf(d, now);
    if (!ceded) continue;
    const streamId = streamOf(ceded);
    if ((await store.version(tx, streamId)) > 0) continue; // ceded already
    const event = { type: 'cession.guarantees-ceded.v2', data: ceded, publish: { topic: guaranteesCededV2.topic, key: guaranteesCededV2.key(ceded) } };
    await store.append(tx, [{ streamId, expected: 'no_stream', events: [event] }]);
    await applyCessionEvents(tx, [{ ...event, streamId }]);
  }
}

/** The statement index: per chunk, participant and month, how many loans and what risk and fees. */
export async function applyCessionEvents(tx: Sql, events: readonly { type: string; data?: any; streamId: string }[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'cession.guarantees-ceded.v2') continue;
    const d = e.data as GuaranteesCededV2;
    const totals = new Map<string, { participant: string; month: string; loans: number; risk: bigint; fee: bigint }>();
    for (const part of d.parts) {
      part.riskFen.forEach((risk, i) => {
        if (risk === '') return;
        const month = d.guarantees.cededOn[i].slice(0, 7);
        const key = `${part.participant}|${month}`;
        const t = totals.get(key) ?? { participant: part.participant, month, loans: 0, risk: 0n, fee: 0n };
        t.loans++;
        t.risk += BigInt(risk);
        t.fee += BigInt(part.feeFen[i]);
        totals.set(key, t);
      });
    }
    const rows = [...totals.values()];
    if (rows.length === 0) continue;
    await tx.query(
      `insert into ${SCHEMA}.cession_chunks (stream_id, participant, statement_month, loans, risk_fen, fee_fen)
       select $1, p, m, l::int, r::numeric, f::numeric
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as t(p, m, l, r, f)`,
      [e.streamId, rows.map((r) => r.participant), rows.map((r) => r.month), rows.map((r) => String(r.loans)), rows.map((r) => r.risk.toString()), rows.map((r) => r.fee.toString())],
    );
  }
}
