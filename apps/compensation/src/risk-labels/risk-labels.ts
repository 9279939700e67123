import { LoansDecidedV2, RisksLabelledV1, ServicingDecidedV2, risksLabelledV1 } from '@g2g/contracts';
import { RISK_MODEL, RiskContext, RiskLimits, RiskLoan, RiskModel, assessRisk, formatRate, overdueWindows, readProgramme, sliceKeys } from '@g2g/domain';
import { EventStore, NewEvent, Sql, joined } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';

const SCHEMA = 'compensation';
const store = new EventStore(SCHEMA);

export const RISKS_LABELLED_EVENT = 'compensation.risks-labelled.v1';

/** The tables the risk labels' events are projected into: the claim history they read, and the labels. */
export const RISK_STATE = {
  c_risk_guarantees: ['guarantee_id', 'programme', 'bank', 'slices'],
  c_risk_tallies: ['slice', 'issued', 'claimed'],
  c_risk_overdue: ['programme', 'bank', 'month', 'claims'],
  c_risk_labels: ['guarantee_id', 'model_version', 'score', 'labels'],
} as const;

export const riskLabelsMigration = {
  version: 110,
  name: 'risk labels: the claim history by programme, bank, region and industry, the labels given',
  sql: `
    create table {schema}.c_risk_guarantees (
      guarantee_id text primary key,
      programme text not null,
      bank text not null,
      slices text[] not null
    );
    create table {schema}.c_risk_tallies (
      slice text primary key,
      issued int not null default 0,
      claimed int not null default 0
    );
    create table {schema}.c_risk_overdue (
      programme text not null,
      bank text not null,
      month text not null,
      claims int not null default 0,
      primary key (programme, bank, month)
    );
    create table {schema}.c_risk_labels (
      guarantee_id text not null,
      model_version text not null,
      score text not null,
      labels text[] not null,
      primary key (guarantee_id, model_version)
    );
    create index c_guarantees_risk_borrower_idx on {schema}.c_guarantees (programme, borrower_id) where status = 'in_force';
  `,
};

/** The issued loans of a decided chunk as the scoring reads them. */
export function riskLoansOf(d: Pick<LoansDecidedV2, 'programme' | 'bank' | 'loanId' | 'issued'>): RiskLoan[] {
  const g = d.issued;
  return g.index.map((k, i) => riskLoanAt(d.programme, d.bank, d.loanId[k], g, i));
}

/** The loans a labelled chunk was scored on, back from its event. */
export function riskLoansOfLabelled(r: RisksLabelledV1): RiskLoan[] {
  return r.loans.loanId.map((loanId, i) => riskLoanAt(r.programme, r.bank, loanId, r.loans, i));
}

type LoanColumns = Pick<RisksLabelledV1['loans'], 'borrowerId' | 'borrowerType' | 'industrySection' | 'regionCode' | 'sciTech' | 'agriRelated' | 'principalFen' | 'interestRatePct' | 'disbursedOn' | 'maturesOn' | 'termDays'>;

/** The i-th loan of columns that a decided chunk's issued loans and a labelled chunk both carry. */
function riskLoanAt(programme: string, bank: string, loanId: string, c: LoanColumns, i: number): RiskLoan {
  return {
    guaranteeId: `${bank}/${loanId}`,
    programme,
    bank,
    borrowerId: c.borrowerId[i],
    borrowerType: c.borrowerType[i],
    industrySection: c.industrySection[i],
    regionCode: c.regionCode[i],
    sciTech: c.sciTech[i] === 'Y',
    agriRelated: c.agriRelated[i] === 'Y',
    principalFen: BigInt(c.principalFen[i]),
    interestRatePct: c.interestRatePct[i],
    disbursedOn: c.disbursedOn[i],
    maturesOn: c.maturesOn[i],
    termDays: c.termDays[i],
  };
}

/** A programme version's limits as the rules compare with them; a version that does not read gives none (no edge, no limit). */
export function limitsOfDocument(doc: unknown): RiskLimits {
  const r = readProgramme(doc);
  if (!r.ok) return { maxBorrowerPrincipalFen: 0n, termMonthsMax: 0, maxInterestRatePct: '0' };
  const p = r.programme;
  return { maxBorrowerPrincipalFen: p.maxBorrowerPrincipal, termMonthsMax: p.termMonths.max, maxInterestRatePct: formatRate(p.maxInterestRate) };
}

/** What compensation's tables say the platform knew, per loan of the chunk (its guarantees already recorded). */
async function contextsOf(tx: Sql, loans: readonly RiskLoan[]): Promise<RiskContext[]> {
  const slices = [...new Set(loans.flatMap((l) => sliceKeys(l)))];
  const tallies = new Map(
    (await tx.query<{ slice: string; issued: number; claimed: number }>(`select slice, issued, claimed from ${SCHEMA}.c_risk_tallies where slice = any(string_to_array($1, E'\\x1f'))`, [joined(slices)])).map((r) => [r.slice, r]),
  );
  const programme = loans[0].programme;
  const bank = loans[0].bank;
  const months = [...new Set(loans.flatMap((l) => Object.values(overdueWindows(l.disbursedOn)).flat()))];
  const overdue = new Map(
    (await tx.query<{ month: string; claims: number }>(`select month, claims from ${SCHEMA}.c_risk_overdue where programme = $1 and bank = $2 and month = any($3::text[])`, [programme, bank, months])).map((r) => [
      r.month,
      r.claims,
    ]),
  );
  const borrowers = [...new Set(loans.map((l) => l.borrowerId))];
  const exposure = new Map(
    (
      await tx.query<{ borrower_id: string; o: string }>(
        `select borrower_id, sum(outstanding_fen)::text as o from ${SCHEMA}.c_guarantees
          where programme = $1 and status = 'in_force' and borrower_id = any(string_to_array($2, E'\\x1f')) group by borrower_id`,
        [programme, joined(borrowers)],
      )
    ).map((r) => [r.borrower_id, BigInt(r.o)]),
  );
  const tally = (k: string) => {
    const t = tallies.get(k);
    return { issued: t?.issued ?? 0, claimed: t?.claimed ?? 0 };
  };
  return loans.map((l) => {
    const [p, b, r, i] = sliceKeys(l).map(tally);
    const w = overdueWindows(l.disbursedOn);
    const count = (ms: string[]) => ms.reduce((s, m) => s + (overdue.get(m) ?? 0), 0);
    return { programme: p, bank: b, region: r, industry: i, bankOverdueRecent: count(w.recent), bankOverdueEarlier: count(w.earlier), borrowerOutstandingFen: exposure.get(l.borrowerId) ?? 0n };
  });
}

/**
 * Scores and labels the guarantees of a decided chunk compensation has just recorded, on its
 * claim history before them, with the committed model: one event per chunk and model version,
 * published as risks-labelled.v1. Labelled already: nothing. The labels decide nothing.
 */
export async function labelGuarantees(tx: Sql, d: LoansDecidedV2, now: Date, model: RiskModel = RISK_MODEL): Promise<void> {
  if (d.issued.index.length === 0) return;
  const streamId = `risk:${d.bank}:${d.batchRef}:${d.firstRow}:${model.version}`;
  if ((await store.version(tx, streamId)) > 0) return;
  const loans = riskLoansOf(d);
  const contexts = await contextsOf(tx, loans);
  const docs = await programmeVersions(tx, SCHEMA, d.programme);
  const limitsOf = (version: string) => limitsOfDocument(docs.find((doc) => doc.effective_from === version));
  const assessments = loans.map((l, i) => assessRisk(model, l, contexts[i], limitsOf(d.terms[d.issued.terms[i]].programmeVersion)));
  const g = d.issued;
  const r: RisksLabelledV1 = {
    programme: d.programme,
    bank: d.bank,
    batchRef: d.batchRef,
    firstRow: d.firstRow,
    modelVersion: model.version,
    features: [...model.features],
    labelledAt: now.toISOString(),
    loans: {
      loanId: g.index.map((k) => d.loanId[k]),
      parties: g.terms.map((t) => d.terms[t].parties.filter((p) => p.role !== 'bank').map((p) => p.participant)),
      borrowerId: g.borrowerId,
      borrowerType: g.borrowerType,
      industrySection: g.industrySection,
      regionCode: g.regionCode,
      sciTech: g.sciTech,
      agriRelated: g.agriRelated,
      principalFen: g.principalFen,
      interestRatePct: g.interestRatePct,
      disbursedOn: g.disbursedOn,
      maturesOn: g.maturesOn,
      termDays: g.termDays,
      score: assessments.map((a) => a.score),
      labels: assessments.map((a) => a.labels),
      values: assessments.map((a) => a.contributions.map((c) => c.value)),
      contributions: assessments.map((a) => a.contributions.map((c) => c.contribution)),
    },
  };
  const event: NewEvent = { type: RISKS_LABELLED_EVENT, data: r, publish: { topic: risksLabelledV1.topic, key: risksLabelledV1.key(r) } };
  await store.append(tx, [{ streamId, expected: 'no_stream', events: [event] }]);
  await applyRiskEvents(tx, [event]);
}

type Event = { type: string; data?: any };

/**
 * Applies the events the claim history is kept from, the same live and in a rebuild: a chunk's
 * first labelling counts its guarantees as issued in their slices; a claim paid counts as claimed
 * in its guarantee's slices and in its bank's month of overdue.
 */
export async function applyRiskEvents(tx: Sql, events: readonly Event[]): Promise<void> {
  for (const e of events) {
    if (e.type === RISKS_LABELLED_EVENT) {
      const r = e.data as RisksLabelledV1;
      const loans = riskLoansOfLabelled(r);
      const ids = loans.map((l) => l.guaranteeId);
      // the slices of the guarantees labelled for the first time (a newer model's labels count nothing again)
      await tx.query(
        `with ins as (
           insert into ${SCHEMA}.c_risk_guarantees (guarantee_id, programme, bank, slices)
           select g, $1, $2, string_to_array(s, E'\\x1e') from unnest(string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f')) as t(g, s)
           on conflict do nothing returning slices)
         insert into ${SCHEMA}.c_risk_tallies as t (slice, issued)
         select s, count(*) from ins cross join unnest(ins.slices) as s group by s
         on conflict (slice) do update set issued = t.issued + excluded.issued`,
        [r.programme, r.bank, joined(ids), joined(loans.map((l) => sliceKeys(l).join('\x1e')))],
      );
      await tx.query(
        `insert into ${SCHEMA}.c_risk_labels (guarantee_id, model_version, score, labels)
         -- a chunk of one loan without a label joins to '', which string_to_array makes no element, and unnest then a null
         select g, $1, s, case when coalesce(c, '') = '' then '{}'::text[] else string_to_array(c, ' ') end
           from unnest(string_to_array($2, E'\\x1f'), string_to_array($3, E'\\x1f'), string_to_array($4, E'\\x1f')) as t(g, s, c)
         on conflict do nothing`,
        [r.modelVersion, joined(ids), joined(r.loans.score), joined(r.loans.labels.map((ls) => ls.map((x) => x.code).join(' ')))],
      );
    } else if (e.type === 'compensation.servicing-decided.v2') {
      const d = e.data as ServicingDecidedV2;
      if (d.claims.length === 0) continue;
      const ids = d.claims.map((c) => c.guaranteeId);
      const months = d.claims.map((c) => c.overdueSince.slice(0, 7));
      await tx.query(
        `with c as (select g.programme, g.bank, g.slices, x.m
                      from unnest(string_to_array($1, E'\\x1f'), string_to_array($2, E'\\x1f')) as x(id, m)
                      join ${SCHEMA}.c_risk_guarantees g on g.guarantee_id = x.id),
              tallies as (
                insert into ${SCHEMA}.c_risk_tallies as t (slice, claimed)
                select s, count(*) from c cross join unnest(c.slices) as s group by s
                on conflict (slice) do update set claimed = t.claimed + excluded.claimed)
         insert into ${SCHEMA}.c_risk_overdue as o (programme, bank, month, claims)
         select programme, bank, m, count(*) from c group by programme, bank, m
         on conflict (programme, bank, month) do update set claims = o.claims + excluded.claims`,
        [joined(ids), joined(months)],
      );
    }
  }
}
