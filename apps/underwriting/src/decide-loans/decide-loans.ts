import { GuaranteeIssuedV1, LoanFiledV1, LoanRejectedV1, guaranteeIssuedV1, loanRejectedV1 } from '@g2g/contracts';
import {
  Programme,
  ProgrammeBook,
  formatRate,
  guaranteeFee,
  isInclusive,
  industrySection,
  parseRate,
  partiesFor,
  readProgramme,
  reguaranteeFeePct,
  rejectionCodes,
  splitByShares,
  termDays,
} from '@g2g/domain';
import { EventStore, NewEvent, OutboxMessage, Sql, StreamAppend, describeError, enqueue } from '@g2g/event-store';
import { programmeVersions } from '@g2g/platform';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';

type Decision = { filing: LoanFiledV1; issued?: GuaranteeIssuedV1; rejected?: LoanRejectedV1; unprocessable?: string };

/**
 * Decides filed loans in the order they were filed. Each programme's book row is locked for the
 * transaction, so quotas and borrower limits stay exact however many batches and banks file at
 * once; a loan already decided is skipped, so redelivery decides nothing twice.
 */
export async function decideLoans(tx: Sql, filings: readonly LoanFiledV1[], now: Date): Promise<Decision[]> {
  const decided = new Set(
    (await tx.query<{ guarantee_id: string }>(`select guarantee_id from ${SCHEMA}.loans where guarantee_id = any($1::text[])`, [filings.map((f) => f.guaranteeId)])).map(
      (r) => r.guarantee_id,
    ),
  );
  const todo = filings.filter((f) => !decided.has(f.guaranteeId) && (decided.add(f.guaranteeId), true));
  const byProgramme = new Map<string, LoanFiledV1[]>();
  for (const f of todo) byProgramme.set(f.programme, [...(byProgramme.get(f.programme) ?? []), f]);

  const decisions: Decision[] = [];
  for (const [programmeId, loans] of byProgramme) decisions.push(...(await decideForProgramme(tx, programmeId, loans, now)));
  await record(tx, decisions, now);
  return decisions;
}

async function decideForProgramme(tx: Sql, programmeId: string, loans: LoanFiledV1[], now: Date): Promise<Decision[]> {
  await tx.query(`insert into ${SCHEMA}.programme_books (programme) values ($1) on conflict do nothing`, [programmeId]);
  const [bookRow] = await tx.query<{ suspended: boolean; outstanding_fen: string }>(
    `select suspended, outstanding_fen::text from ${SCHEMA}.programme_books where programme = $1 for update`,
    [programmeId],
  );
  let programmeOutstanding = BigInt(bookRow.outstanding_fen);
  const bankOutstanding = await exposures(tx, 'bank_exposure', 'bank', programmeId, loans.map((l) => l.bank));
  const borrowerOutstanding = await exposures(tx, 'borrower_exposure', 'borrower_id', programmeId, loans.map((l) => l.borrower.id));
  const versions = (await programmeVersions(tx, SCHEMA, programmeId)).map((doc) => readProgramme(doc)).flatMap((r) => (r.ok ? [r.programme] : []));

  const decisions: Decision[] = [];
  for (const filing of loans) {
    const programme = versionFor(versions, filing.disbursedOn);
    const book: ProgrammeBook = {
      suspended: bookRow.suspended,
      programmeOutstanding,
      bankOutstanding: bankOutstanding.get(filing.bank) ?? 0n,
      borrowerOutstanding: borrowerOutstanding.get(filing.borrower.id) ?? 0n,
    };
    let principal: bigint;
    let decided: { codes: string[]; issued?: GuaranteeIssuedV1 };
    try {
      principal = BigInt(filing.principalFen);
      decided = judge(programme, filing, principal, book, now);
    } catch (error) {
      // A row the rules cannot compute with (validation should have caught it): answered, not parked.
      decisions.push({ filing, rejected: { ...ref(filing), codes: ['UNPROCESSABLE'], decidedAt: now.toISOString() }, unprocessable: describeError(error) });
      continue;
    }
    if (!decided.issued) {
      decisions.push({ filing, rejected: { ...ref(filing), codes: decided.codes, decidedAt: now.toISOString() } });
      continue;
    }
    programmeOutstanding += principal;
    bankOutstanding.set(filing.bank, book.bankOutstanding + principal);
    borrowerOutstanding.set(filing.borrower.id, book.borrowerOutstanding + principal);
    decisions.push({ filing, issued: decided.issued });
  }

  await tx.query(`update ${SCHEMA}.programme_books set outstanding_fen = $2 where programme = $1`, [programmeId, programmeOutstanding.toString()]);
  await saveExposures(tx, 'bank_exposure', 'bank', programmeId, bankOutstanding);
  await saveExposures(tx, 'borrower_exposure', 'borrower_id', programmeId, borrowerOutstanding);
  return decisions;
}

/** The rules on one filed loan: the codes it fails, or the guarantee issued. Pure; may throw on data no rule can compute with. */
function judge(programme: Programme | undefined, filing: LoanFiledV1, principal: bigint, book: ProgrammeBook, now: Date): { codes: string[]; issued?: GuaranteeIssuedV1 } {
  const section = industrySection(filing.industryCode);
  const codes = !programme
    ? ['PROGRAMME_NOT_EFFECTIVE']
    : !programme.banks.includes(filing.bank)
      ? ['BANK_NOT_IN_PROGRAMME']
      : rejectionCodes(
          programme,
          {
            bank: filing.bank,
            borrowerId: filing.borrower.id,
            borrowerType: filing.borrower.type,
            industrySection: section,
            regionCode: filing.regionCode,
            principal,
            interestRate: rateOf(filing.interestRatePct),
            guaranteeFeeRate: rateOf(filing.guaranteeFeeRatePct),
            disbursedOn: filing.disbursedOn,
            maturesOn: filing.maturesOn,
          },
          book,
        );
  if (codes.length > 0 || !programme) return { codes };
  return { codes, issued: issue(programme, filing, section, now) };
}

function rateOf(text: string) {
  const rate = parseRate(text);
  if (rate === null) throw new RangeError('a rate that is not an exact decimal');
  return rate;
}

/** Filed loans underwriting cannot decide at all (their message failed every attempt): each rejected as UNPROCESSABLE. */
export async function rejectUnprocessable(tx: Sql, filings: readonly LoanFiledV1[], why: string, now: Date): Promise<void> {
  const decided = new Set(
    (await tx.query<{ guarantee_id: string }>(`select guarantee_id from ${SCHEMA}.loans where guarantee_id = any($1::text[])`, [filings.map((f) => f.guaranteeId)])).map((r) => r.guarantee_id),
  );
  const todo = filings.filter((f) => !decided.has(f.guaranteeId) && (decided.add(f.guaranteeId), true));
  await record(
    tx,
    todo.map((filing) => ({ filing, rejected: { ...ref(filing), codes: ['UNPROCESSABLE'], decidedAt: now.toISOString() }, unprocessable: why })),
    now,
  );
}

function issue(programme: Programme, f: LoanFiledV1, section: string, now: Date): GuaranteeIssuedV1 {
  const principal = BigInt(f.principalFen);
  const days = termDays(f.disbursedOn, f.maturesOn);
  const parties = partiesFor(programme, f.bank);
  const risks = splitByShares(principal, parties);
  return {
    ...ref(f),
    programmeVersion: programme.effectiveFrom,
    province: programme.province,
    fundBacked: programme.fundBacked,
    borrower: f.borrower,
    industryCode: f.industryCode,
    industrySection: section,
    regionCode: f.regionCode,
    sciTech: f.sciTech,
    agriRelated: f.agriRelated,
    inclusive: isInclusive(f.borrower.type, f.agriRelated),
    principalFen: f.principalFen,
    interestRatePct: f.interestRatePct,
    guaranteeFeeRatePct: f.guaranteeFeeRatePct,
    disbursedOn: f.disbursedOn,
    maturesOn: f.maturesOn,
    termDays: days,
    guaranteeFeeFen: guaranteeFee(principal, parseRate(f.guaranteeFeeRatePct)!, days).toString(),
    parties: parties.map((p, i) => ({ role: p.role, participant: p.participant, sharePct: formatRate(p.sharePct), riskFen: risks[i].amount.toString() })),
    reguaranteeFeePct: formatRate(reguaranteeFeePct(principal, programme.reguaranteeFee)),
    issuedOn: f.disbursedOn,
    decidedAt: now.toISOString(),
  };
}

function ref(f: LoanFiledV1) {
  return { guaranteeId: f.guaranteeId, bank: f.bank, loanId: f.loanId, batchRef: f.batchRef, row: f.row, programme: f.programme };
}

function versionFor(versions: Programme[], disbursedOn: string): Programme | undefined {
  let found: Programme | undefined;
  for (const v of versions) if (v.effectiveFrom <= disbursedOn) found = v;
  return found;
}

async function exposures(tx: Sql, table: string, column: string, programme: string, keys: string[]): Promise<Map<string, bigint>> {
  const rows = await tx.query<{ k: string; o: string }>(
    `select ${column} as k, outstanding_fen::text as o from ${SCHEMA}.${table} where programme = $1 and ${column} = any($2::text[])`,
    [programme, [...new Set(keys)]],
  );
  return new Map(rows.map((r) => [r.k, BigInt(r.o)]));
}

async function saveExposures(tx: Sql, table: string, column: string, programme: string, values: Map<string, bigint>): Promise<void> {
  if (values.size === 0) return;
  await tx.query(
    `insert into ${SCHEMA}.${table} (programme, ${column}, outstanding_fen)
     select $1, k, o from unnest($2::text[], $3::numeric[]) as t(k, o)
     on conflict (programme, ${column}) do update set outstanding_fen = excluded.outstanding_fen`,
    [programme, [...values.keys()], [...values.values()].map(String)],
  );
}

const store = new EventStore(SCHEMA);

async function record(tx: Sql, decisions: Decision[], now: Date): Promise<void> {
  if (decisions.length === 0) return;
  const appends: StreamAppend[] = [];
  const outbox: OutboxMessage[] = [];
  for (const d of decisions) {
    const event: NewEvent = d.issued
      ? { type: 'underwriting.guarantee-issued.v1', data: d.issued, businessDate: d.issued.issuedOn }
      : { type: 'underwriting.loan-rejected.v1', data: d.unprocessable ? { ...d.rejected, unprocessable: d.unprocessable } : d.rejected, businessDate: d.unprocessable ? null : d.filing.disbursedOn };
    appends.push({ streamId: `guarantee:${d.filing.guaranteeId}`, expected: 'no_stream', events: [event] });
    outbox.push(
      d.issued
        ? { topic: guaranteeIssuedV1.topic, key: guaranteeIssuedV1.key(d.issued), value: d.issued }
        : { topic: loanRejectedV1.topic, key: loanRejectedV1.key(d.rejected!), value: d.rejected },
    );
  }
  await store.append(tx, appends);
  await tx.query(
    `insert into ${SCHEMA}.loans (guarantee_id, programme, bank, borrower_id, principal_fen, outstanding_fen, outcome, codes, decided_at)
     select g, p, b, br, pr::numeric, case when o = 'approved' then pr::numeric else 0 end, o, string_to_array(c, ','), $8
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as t(g, p, b, br, pr, o, c)`,
    [
      decisions.map((d) => d.filing.guaranteeId),
      decisions.map((d) => d.filing.programme),
      decisions.map((d) => d.filing.bank),
      decisions.map((d) => d.filing.borrower.id),
      decisions.map((d) => d.filing.principalFen),
      decisions.map((d) => (d.issued ? 'approved' : 'rejected')),
      decisions.map((d) => (d.rejected ? d.rejected.codes.join(',') : '')),
      now.toISOString(),
    ],
  );
  await enqueue(tx, SCHEMA, outbox);
}
