import { GuaranteeState, LossBearingParty, parseSharePct } from '@g2g/domain';
import { Sql } from '@g2g/event-store';

export const SCHEMA = 'compensation';

interface Row {
  guarantee_id: string;
  programme: string;
  programme_version: string | null;
  bank: string;
  borrower_id: string | null;
  status: GuaranteeState['status'];
  principal_fen: string;
  outstanding_fen: string;
  parties: { role: string; participant: string; sharePct: string }[];
  claim: { unpaidPrincipalFen: string; claimedOn: string; losses: { role: string; participant: string; amountFen: string }[]; recoveredFen: string } | null;
}

export interface BookedGuarantee {
  state: GuaranteeState;
  programmeVersion: string | null;
  bank: string;
  borrowerId: string | null;
}

/** Loads and locks a loan's state for this transaction; null when compensation has not heard of it yet. */
export async function lockGuarantee(tx: Sql, guaranteeId: string): Promise<BookedGuarantee | null> {
  const [r] = await tx.query<Row>(
    `select guarantee_id, programme, to_char(programme_version, 'YYYY-MM-DD') as programme_version, bank, borrower_id, status,
            principal_fen::text, outstanding_fen::text, parties, claim
       from ${SCHEMA}.c_guarantees where guarantee_id = $1 for update`,
    [guaranteeId],
  );
  if (!r) return null;
  return {
    programmeVersion: r.programme_version,
    bank: r.bank,
    borrowerId: r.borrower_id,
    state: {
      guaranteeId: r.guarantee_id,
      programme: r.programme,
      status: r.status,
      principal: BigInt(r.principal_fen),
      outstanding: BigInt(r.outstanding_fen),
      parties: r.parties.map((p) => ({ role: p.role, participant: p.participant, sharePct: parseSharePct(p.sharePct)! })),
      claim: r.claim
        ? {
            unpaidPrincipal: BigInt(r.claim.unpaidPrincipalFen),
            claimedOn: r.claim.claimedOn,
            losses: r.claim.losses.map((l): LossBearingParty => ({ role: l.role, participant: l.participant, loss: BigInt(l.amountFen) })),
            recovered: BigInt(r.claim.recoveredFen),
          }
        : undefined,
    },
  };
}

/** Writes a loan's state back after a decision. */
export async function saveGuarantee(tx: Sql, s: GuaranteeState): Promise<void> {
  await tx.query(`update ${SCHEMA}.c_guarantees set status = $2, outstanding_fen = $3, claim = $4 where guarantee_id = $1`, [
    s.guaranteeId,
    s.status,
    s.outstanding.toString(),
    s.claim
      ? JSON.stringify({
          unpaidPrincipalFen: s.claim.unpaidPrincipal.toString(),
          claimedOn: s.claim.claimedOn,
          losses: s.claim.losses.map((l) => ({ role: l.role, participant: l.participant, amountFen: l.loss.toString() })),
          recoveredFen: s.claim.recovered.toString(),
        })
      : null,
  ]);
}
