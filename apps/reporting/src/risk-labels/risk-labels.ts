import { RiskLabelledV1, RisksLabelledV1 } from '@g2g/contracts';
import { Sql, joined } from '@g2g/event-store';

const SCHEMA = 'reporting';

/** The read model of the labels: one row per guarantee and model version, pointing into the log. */
export const RISK_LABELS_READ_MODEL = {
  r_risk_labels: ['guarantee_id', 'model_version', 'score', 'labels', 'issued_on', 'position', 'idx'],
} as const;

export const riskLabelsMigration = {
  version: 120,
  name: 'risk labels: each guarantee\'s score and label codes per model version, pointing into the log',
  sql: `
    create table {schema}.r_risk_labels (
      guarantee_id text not null,
      model_version text not null,
      score text not null,
      labels text[] not null,
      issued_on date not null,
      position bigint not null,
      idx int not null,
      primary key (guarantee_id, model_version)
    );
  `,
};

/** A labelled chunk's rows, and its place in the feeds of the guarantees' parties (not the bank's). */
export async function projectRiskLabels(tx: Sql, e: { position: bigint; data: RisksLabelledV1 }, feed: (participants: Iterable<string>) => Promise<void>): Promise<void> {
  const r = e.data;
  const l = r.loans;
  if (l.loanId.length === 0) return;
  await tx.query(
    `insert into ${SCHEMA}.r_risk_labels (guarantee_id, model_version, score, labels, issued_on, position, idx)
     -- a chunk of one guarantee without a label joins to '', which string_to_array makes no element, and unnest then a null
     select g, $1, s, case when coalesce(c, '') = '' then '{}'::text[] else string_to_array(c, ' ') end, d::date, $2::bigint, i::int
       from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f'), string_to_array($5, E'\\x1f'), string_to_array($6, E'\\x1f'), string_to_array($7, E'\\x1f')) as t(g, s, c, d, i)
     on conflict do nothing`,
    [
      r.modelVersion,
      e.position.toString(),
      joined(l.loanId.map((id) => `${r.bank}/${id}`)),
      joined(l.score),
      joined(l.labels.map((ls) => ls.map((x) => x.code).join(' '))),
      joined(l.disbursedOn),
      joined(l.loanId.map((_, i) => String(i))),
    ],
  );
  await feed(l.parties.flat());
}

/** The guarantees of a labelled chunk a participant is party to (everyone with '': the history), as risk-labelled.v1. */
export function riskLabelMessages(r: RisksLabelledV1, participant: string): { k: number; value: RiskLabelledV1 }[] {
  const l = r.loans;
  const out: { k: number; value: RiskLabelledV1 }[] = [];
  l.loanId.forEach((loanId, k) => {
    if (participant !== '' && !l.parties[k].includes(participant)) return;
    out.push({
      k,
      value: {
        guaranteeId: `${r.bank}/${loanId}`,
        programme: r.programme,
        bank: r.bank,
        loanId,
        modelVersion: r.modelVersion,
        issuedOn: l.disbursedOn[k],
        score: l.score[k],
        labels: l.labels[k],
        contributions: r.features.map((feature, j) => ({ feature, value: l.values[k][j], contribution: l.contributions[k][j] })),
        labelledAt: r.labelledAt,
      },
    });
  });
  return out;
}

