import { ProgrammePublishedV1, RisksLabelledV1, ServicingDecidedV2 } from '@g2g/contracts';
import { RiskFact, RiskLimits, RiskLoan } from '@g2g/domain';
import { Client } from 'pg';
import { GuaranteesRecordedV2 } from '../decide-servicing/guarantee-book';
import { RISKS_LABELLED_EVENT, limitsOfDocument, riskLoansOfLabelled } from './risk-labels';

/** Compensation's history as the risk fold reads it, with the programme limits each guarantee was issued under. */
export interface RiskHistory {
  events: number;
  facts: RiskFact[];
  limitsOf: (loan: unknown) => RiskLimits;
}

/**
 * Compensation's events, in log order, as risk facts: the guarantees recorded, their first
 * labelling (the facts they were scored on), repayments and claims; the programme versions as
 * published to it, for the limits. A replay of this with a model is what that model would have
 * said at each issue.
 */
export function riskHistoryOf(events: Iterable<{ type: string; data: any }>): RiskHistory {
  const facts: RiskFact[] = [];
  const documents = new Map<string, unknown>();
  const limitsByGuarantee = new Map<string, RiskLimits>();
  const versionOf = new Map<string, string>();
  let n = 0;
  for (const e of events) {
    n++;
    if (e.type === 'registry.programme-published.v1') {
      const p = e.data as ProgrammePublishedV1;
      documents.set(`${p.programme.id}|${p.programme.effective_from}`, p.programme);
    } else if (e.type === 'compensation.guarantees-recorded.v2') {
      const r = e.data as GuaranteesRecordedV2;
      const a = r.approved;
      a.loanId.forEach((l, i) => versionOf.set(`${r.bank}/${l}`, r.terms[a.terms[i]].document.programmeVersion));
      facts.push({ type: 'guarantees-recorded', programme: r.programme, guarantees: a.loanId.map((l, i) => ({ guaranteeId: `${r.bank}/${l}`, borrowerId: a.borrowerId[i], principalFen: BigInt(a.principalFen[i]) })) });
    } else if (e.type === RISKS_LABELLED_EVENT) {
      const loans = riskLoansOfLabelled(e.data as RisksLabelledV1);
      // the limits as they were when the chunk was labelled
      for (const l of loans) limitsByGuarantee.set(l.guaranteeId, limitsOfDocument(documents.get(`${l.programme}|${versionOf.get(l.guaranteeId)}`)));
      facts.push({ type: 'risks-labelled', loans });
    } else if (e.type === 'compensation.servicing-decided.v2') {
      const d = e.data as ServicingDecidedV2;
      const ordered = [
        ...d.repaid.map((r) => ({ index: r.index, sequence: r.sequence, fact: { type: 'repaid', guaranteeId: r.guaranteeId, outstandingAfterFen: BigInt(r.outstandingAfterFen) } as RiskFact })),
        ...d.claims.map((c) => ({ index: c.index, sequence: c.sequence, fact: { type: 'claimed', guaranteeId: c.guaranteeId, overdueSince: c.overdueSince } as RiskFact })),
      ].sort((a, b) => a.index - b.index || a.sequence - b.sequence);
      facts.push(...ordered.map((o) => o.fact));
    }
  }
  return { events: n, facts, limitsOf: (loan) => limitsByGuarantee.get((loan as RiskLoan).guaranteeId) ?? limitsOfDocument(undefined) };
}

/** Reads compensation's log from a PostgreSQL database (the distributed platform's) in log order. */
export async function compensationRiskHistory(databaseUrl: string): Promise<RiskHistory> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ type: string; data: string }>(
      `select type, data::text as data from compensation.events
        where type in ('registry.programme-published.v1', 'compensation.guarantees-recorded.v2', $1, 'compensation.servicing-decided.v2')
        order by global_position`,
      [RISKS_LABELLED_EVENT],
    );
    return riskHistoryOf(rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) })));
  } finally {
    await client.end();
  }
}
