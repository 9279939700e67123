import { LoansDecidedV2, RisksLabelledV1, ServicingDecidedV2, risksLabelledV1 } from '@g2g/contracts';
import { RISK_MODEL, RiskContext, RiskLimits, RiskLoan, RiskModel, assessRisk, readProgramme, riskLimitsOf } from '@g2g/domain';
import { EventStore, NewEvent, Sql, joined } from '@g2g/event-store';
import { claimHistoryOf, claimHistoryState, claimHistoryTables, countClaims, countIssued, programmeVersions } from '@g2g/platform';

const SCHEMA = 'compensation';
const store = new EventStore(SCHEMA);

export const RISKS_LABELLED_EVENT = 'compensation.risks-labelled.v1';

const HISTORY = claimHistoryTables(SCHEMA, 'c_');

/** The tables the risk labels' events are projected into: the claim history they read (the labels themselves are in the events, and in reporting's read model). */
export const RISK_STATE = claimHistoryState('c_');

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

export const riskLabelsNarrowed = {
  version: 111,
  // nothing read the labels' table: they are in compensation's events and in reporting's r_risk_labels.
  // A guarantee's slices were four long keys per row (550 B a guarantee with its index): its region
  // and industry section are enough, the keys are built from them (claim-history.ts)
  name: 'risk labels: no table of the labels given; a guarantee keeps its region and industry section, not its slice keys',
  sql: `
    drop table {schema}.c_risk_labels;
    alter table {schema}.c_risk_guarantees add column region_code text, add column industry_section text;
    update {schema}.c_risk_guarantees set region_code = split_part(slices[3], '|', 3), industry_section = split_part(slices[4], '|', 3);
    alter table {schema}.c_risk_guarantees alter column region_code set not null, alter column industry_section set not null, drop column slices;
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
  return riskLimitsOf(r.programme);
}

/** What compensation's tables say the platform knew, per loan of the chunk (its guarantees already recorded). */
async function contextsOf(tx: Sql, loans: readonly RiskLoan[]): Promise<RiskContext[]> {
  const programme = loans[0].programme;
  const historyOf = await claimHistoryOf(tx, HISTORY, programme, loans[0].bank, loans);
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
  return loans.map((l) => ({ ...historyOf(l), borrowerOutstandingFen: exposure.get(l.borrowerId) ?? 0n }));
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
  // read once per programme version of the chunk, not per loan
  const limits = new Map<string, RiskLimits>();
  const limitsOf = (version: string) => limits.get(version) ?? limits.set(version, limitsOfDocument(docs.find((doc) => doc.effective_from === version))).get(version)!;
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
      // the guarantees labelled for the first time count as issued (a newer model's labels count nothing again)
      const l = r.loans;
      await countIssued(tx, HISTORY, r.programme, r.bank, l.loanId.map((id, i) => ({ guaranteeId: `${r.bank}/${id}`, programme: r.programme, bank: r.bank, regionCode: l.regionCode[i], industrySection: l.industrySection[i] })));
    } else if (e.type === 'compensation.servicing-decided.v2') {
      await countClaims(tx, HISTORY, (e.data as ServicingDecidedV2).claims);
    }
  }
}
