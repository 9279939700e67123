import { GuaranteeCededV1, GuaranteeIssuedV1, guaranteeCededV1 } from '@g2g/contracts';
import { parseRate, reguaranteeFee } from '@g2g/domain';
import { EventStore, Sql, enqueue } from '@g2g/event-store';

export const SCHEMA = 'cession';
const store = new EventStore(SCHEMA);

/**
 * Books each re-guarantor's and the Fund's part of an issued guarantee, and the re-guarantee fee
 * each charges the guarantor: round(risk x fee pct x term days / 365). A guarantee already ceded
 * is skipped.
 */
export function cessionOf(issued: GuaranteeIssuedV1): GuaranteeCededV1 {
  const feePct = parseRate(issued.reguaranteeFeePct)!;
  const guarantor = issued.parties.find((p) => p.role === 'guarantor')!.participant;
  return {
    guaranteeId: issued.guaranteeId,
    programme: issued.programme,
    bank: issued.bank,
    guarantor,
    principalFen: issued.principalFen,
    termDays: issued.termDays,
    cededOn: issued.issuedOn,
    statementMonth: issued.issuedOn.slice(0, 7),
    cessions: issued.parties
      .filter((p) => p.role !== 'bank' && p.role !== 'guarantor')
      .map((p) => ({
        role: p.role,
        participant: p.participant,
        riskFen: p.riskFen,
        feePct: issued.reguaranteeFeePct,
        reguaranteeFeeFen: reguaranteeFee(BigInt(p.riskFen), feePct, issued.termDays).toString(),
      })),
  };
}

export async function cedeGuarantees(tx: Sql, issued: readonly GuaranteeIssuedV1[]): Promise<void> {
  const known = new Set(
    (await tx.query<{ guarantee_id: string }>(`select distinct guarantee_id from ${SCHEMA}.cessions where guarantee_id = any($1::text[])`, [issued.map((i) => i.guaranteeId)])).map(
      (r) => r.guarantee_id,
    ),
  );
  const ceded = issued.filter((i) => !known.has(i.guaranteeId) && (known.add(i.guaranteeId), true)).map((i) => ({ issued: i, ceded: cessionOf(i) }));
  if (ceded.length === 0) return;
  await store.append(
    tx,
    ceded.map(({ ceded: c }) => ({ streamId: `cession:${c.guaranteeId}`, expected: 'no_stream' as const, events: [{ type: 'cession.guarantee-ceded.v1', data: c, businessDate: c.cededOn }] })),
  );
  const rows = ceded.flatMap(({ issued: i, ceded: c }) => c.cessions.map((s) => ({ i, c, s })));
  if (rows.length > 0) {
    await tx.query(
      `insert into ${SCHEMA}.cessions (guarantee_id, participant, role, programme, bank, loan_id, guarantor, principal_fen, risk_fen, fee_pct, fee_fen, term_days, ceded_on, statement_month)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::int[], $13::date[], $14::text[])`,
      [
        rows.map((r) => r.c.guaranteeId),
        rows.map((r) => r.s.participant),
        rows.map((r) => r.s.role),
        rows.map((r) => r.c.programme),
        rows.map((r) => r.c.bank),
        rows.map((r) => r.i.loanId),
        rows.map((r) => r.c.guarantor),
        rows.map((r) => r.c.principalFen),
        rows.map((r) => r.s.riskFen),
        rows.map((r) => r.s.feePct),
        rows.map((r) => r.s.reguaranteeFeeFen),
        rows.map((r) => r.c.termDays),
        rows.map((r) => r.c.cededOn),
        rows.map((r) => r.c.statementMonth),
      ],
    );
  }
  await enqueue(tx, SCHEMA, ceded.map(({ ceded: c }) => ({ topic: guaranteeCededV1.topic, key: guaranteeCededV1.key(c), value: c })));
}
