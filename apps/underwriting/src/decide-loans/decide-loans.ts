import { IssueTermsV2, LoanOutcomesV2, LoansDecidedV2, LoansFiledV2, loanOutcomesV2, loansDecidedV2 } from '@g2g/contracts';
import { Book, FiledLoan, LoanChunk, LoanChunkDecided, Programme, RISK_MODEL, RiskGate, businessDateProblem, checkRegionCode, chunkKey, decideChunk, formatRate, industrySection, partiesFor, readProgramme } from '@g2g/domain';
import { LOOKUP, NewEvent, Sql, joined } from '@g2g/event-store';
import { claimHistoryOf, programmeVersions } from '@g2g/platform';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';
import { listsOnDates, onKey } from '../recommended-lists/list-projection';
import { CLAIM_HISTORY, applyBookEvents, bookStream, lockBook, store } from './book-projection';

/**
 * Decides chunks of filed loans in the order they were filed. Each programme's book is locked
 * for the transaction, so quotas, bank lines and borrower limits stay exact however many batches
 * and banks file at once; the decision is the pure `decideChunk` on the slice of the book the
 * chunk touches, and its one event (published as loans-decided.v2) is appended to the book's
 * stream and projected into the book's tables in the same transaction. A chunk already decided
 * decides nothing.
 */
export async function decideLoanChunks(tx: Sql, chunks: readonly LoansFiledV2[], now: Date): Promise<LoansDecidedV2[]> {
  const out: LoansDecidedV2[] = [];
  for (const filed of chunks) {
    const book = await lockBook(tx, filed.programme);
    const chunk = loanChunkOf(filed);
    const [decided] = await tx.query(`select 1 from ${SCHEMA}.decided_chunks where bank = $1 and batch_ref = $2 and first_row = $3`, [filed.bank, filed.batchRef, filed.firstRow]);
    if (decided) continue;
    const borrowers = [...new Set(chunk.loans.map((l) => l.borrowerId))];
    const [exposures, [bank]] = await Promise.all([
      tx.query<{ borrower_id: string; o: string }>(
        // one index lookup per borrower, whatever the table's statistics say (see LOOKUP in @g2g/event-store)
        `select b.id as borrower_id, e.o
           from unnest(string_to_array($2, E'\\x1f')) as b(id)
           cross join lateral (select outstanding_fen::text as o from ${SCHEMA}.borrower_exposure e where e.programme = $1 and e.borrower_id = b.id ${LOOKUP}) e`,
        [filed.programme, joined(borrowers)],
      ),
      tx.query<{ o: string }>(`select outstanding_fen::text as o from ${SCHEMA}.bank_exposure where programme = $1 and bank = $2`, [filed.programme, filed.bank]),
    ]);
    const state: Book = {
      programme: filed.programme,
      versions: await versionsOf(tx, filed.programme),
      suspended: book.suspended,
      outstanding: book.outstanding,
      byBank: new Map(bank ? [[filed.bank, BigInt(bank.o)]] : []),
      byBorrower: new Map(exposures.map((r) => [r.borrower_id, BigInt(r.o)])),
      decided: new Set(),
    };
    // the lists each borrower is on at its loan's disbursement date: one look-up for the chunk
    // (a value no rule can compute with is left to the decision, which answers it UNPROCESSABLE)
    const asked = chunk.loans.filter((l) => typeof l.borrowerId === 'string' && !l.borrowerId.includes('\u001f') && businessDateProblem(l.disbursedOn ?? '') === null);
    const onLists = await listsOnDates(tx, asked.map((l) => ({ borrowerId: l.borrowerId, on: l.disbursedOn })));
    const decision = decideChunk(state, chunk, (borrowerId, on) => onLists.get(onKey(borrowerId, on)) ?? [], await riskGate(tx, state, chunk));
    if (!decision) continue;
    const message = loansDecided(filed, chunk, decision, now);
    await record(tx, message, book.version, decision.unprocessable, decision.scored);
    out.push(message);
  }
  return out;
}

/** Chunks underwriting cannot decide at all (their message failed every attempt): every loan rejected as UNPROCESSABLE, once. */
/** What rejectUnprocessable copies from the chunk it answers (keyOf: bank, batch, programme, first row; the rows and loan ids). */
export const UNPROCESSABLE_ANSWER_COPIES = ['/bank', '/batchRef', '/programme', '/firstRow', '/loans/row', '/loans/loanId'] as const;

export async function rejectUnprocessable(tx: Sql, chunks: readonly LoansFiledV2[], why: string, now: Date): Promise<void> {
  for (const filed of chunks) {
    const book = await lockBook(tx, filed.programme);
    const [decided] = await tx.query(`select 1 from ${SCHEMA}.decided_chunks where bank = $1 and batch_ref = $2 and first_row = $3`, [filed.bank, filed.batchRef, filed.firstRow]);
    if (decided) continue;
    const loans = filed.loans?.row ?? [];
    const message: LoansDecidedV2 = {
      ...keyOf(filed),
      decidedAt: now.toISOString(),
      row: loans,
      loanId: filed.loans?.loanId ?? [],
      codes: loans.map(() => ['UNPROCESSABLE']),
      terms: [],
      issued: emptyIssued(),
    };
    await record(tx, message, book.version, loans.map((_, index) => ({ index, error: why })), []);
  }
}

async function record(tx: Sql, message: LoansDecidedV2, version: number, unprocessable: LoanChunkDecided['unprocessable'], scored: LoanChunkDecided['scored']): Promise<void> {
  // what made a loan unprocessable, and the risk scores a gated programme's loans were decided on,
  // are kept with the event (for operators and the audit of a RISK_SCORE), not published
  const metadata = { ...(unprocessable.length > 0 ? { unprocessable } : {}), ...(scored.length > 0 ? { riskScores: scored } : {}) };
  const event: NewEvent = {
    type: 'underwriting.loans-decided.v2',
    data: message,
    metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
    publish: { topic: loansDecidedV2.topic, key: loansDecidedV2.key(message) },
  };
  // the answer alone, for intake, in a stream of its own (the book's stream holds what moves the book)
  const outcomes: LoanOutcomesV2 = { programme: message.programme, bank: message.bank, batchRef: message.batchRef, firstRow: message.firstRow, decidedAt: message.decidedAt, row: message.row, codes: message.codes };
  await store.append(tx, [
    { streamId: bookStream(message.programme), expected: version === 0 ? 'no_stream' : version, events: [event] },
    {
      streamId: `outcomes:${message.bank}:${message.batchRef}:${message.firstRow}`,
      expected: 'no_stream',
      events: [{ type: 'underwriting.loan-outcomes.v2', data: outcomes, publish: { topic: loanOutcomesV2.topic, key: loanOutcomesV2.key(outcomes) } }],
    },
  ]);
  await applyBookEvents(tx, [{ ...event, streamPosition: version + 1 }]);
}

/**
 * The claim history of the chunk's slices, read only when a version of its programme names
 * max_risk_score (a programme that does not opt in pays nothing for the score): two index lookups.
 */
async function riskGate(tx: Sql, book: Book, chunk: LoanChunk): Promise<RiskGate | undefined> {
  if (!book.versions.some((v) => v.maxRiskScore !== null)) return undefined;
  // a value no rule can compute with is left out here and answered UNPROCESSABLE by the decision, as for the lists
  const slices = chunk.loans.flatMap((l) => {
    const section = industrySectionOf(l.industryCode);
    const readable = section !== null && typeof l.regionCode === 'string' && checkRegionCode(l.regionCode).ok && businessDateProblem(l.disbursedOn ?? '') === null;
    return readable ? [{ programme: chunk.programme, bank: chunk.bank, regionCode: l.regionCode, industrySection: section, disbursedOn: l.disbursedOn }] : [];
  });
  return { model: RISK_MODEL, historyOf: await claimHistoryOf(tx, CLAIM_HISTORY, chunk.programme, chunk.bank, slices) };
}

function industrySectionOf(code: unknown): string | null {
  try {
    return typeof code === 'string' ? industrySection(code) : null;
  } catch {
    return null;
  }
}

/** The programme's versions as the rules read them (a version that does not read is left out). */
async function versionsOf(tx: Sql, programme: string): Promise<Programme[]> {
  return (await programmeVersions(tx, SCHEMA, programme)).map((doc) => readProgramme(doc)).flatMap((r) => (r.ok ? [r.programme] : []));
}

function keyOf(f: LoansFiledV2) {
  return { programme: f.programme, bank: f.bank, batchRef: f.batchRef, firstRow: f.firstRow };
}

/** The filed chunk as the domain takes it; a value the message got wrong surfaces in the decision as UNPROCESSABLE. */
export function loanChunkOf(f: LoansFiledV2): LoanChunk {
  const c = f.loans;
  const loans: FiledLoan[] = c.row.map((row, i) => ({
    row,
    loanId: c.loanId[i],
    borrowerIdType: c.borrowerIdType[i],
    borrowerId: c.borrowerId[i],
    borrowerName: c.borrowerName[i],
    borrowerType: c.borrowerType[i],
    industryCode: c.industryCode[i],
    regionCode: c.regionCode[i],
    sciTech: c.sciTech[i] === 'Y',
    agriRelated: c.agriRelated[i] === 'Y',
    principal: /^\d+$/.test(c.principalFen[i] ?? '') ? BigInt(c.principalFen[i]) : -1n,
    interestRatePct: c.interestRatePct[i],
    guaranteeFeeRatePct: c.guaranteeFeeRatePct[i],
    disbursedOn: c.disbursedOn[i],
    maturesOn: c.maturesOn[i],
  }));
  return { ...keyOf(f), loans };
}

/** The published form of a chunk's decision. */
export function loansDecided(f: LoansFiledV2, chunk: LoanChunk, d: LoanChunkDecided, now: Date): LoansDecidedV2 {
  const terms: IssueTermsV2[] = [];
  const termIndex = new Map<Programme, number>();
  const issued = emptyIssued();
  const c = f.loans;
  let sci = '';
  let agri = '';
  let inclusive = '';
  for (const i of d.issued) {
    let t = termIndex.get(i.version);
    if (t === undefined) {
      t = terms.push(termsOf(i.version, f.bank)) - 1;
      termIndex.set(i.version, t);
    }
    const k = i.index;
    issued.index.push(k);
    issued.terms.push(t);
    issued.borrowerIdType.push(c.borrowerIdType[k]);
    issued.borrowerId.push(c.borrowerId[k]);
    issued.borrowerName.push(c.borrowerName[k]);
    issued.borrowerType.push(c.borrowerType[k]);
    issued.industryCode.push(c.industryCode[k]);
    issued.industrySection.push(i.industrySection);
    issued.regionCode.push(c.regionCode[k]);
    sci += c.sciTech[k];
    agri += c.agriRelated[k];
    inclusive += i.inclusive ? 'Y' : 'N';
    issued.principalFen.push(c.principalFen[k]);
    issued.interestRatePct.push(c.interestRatePct[k]);
    issued.guaranteeFeeRatePct.push(c.guaranteeFeeRatePct[k]);
    issued.disbursedOn.push(c.disbursedOn[k]);
    issued.maturesOn.push(c.maturesOn[k]);
    issued.termDays.push(i.termDays);
    issued.guaranteeFeeFen.push(i.guaranteeFee.toString());
    issued.reguaranteeFeePct.push(formatRate(i.reguaranteeFeePct));
    issued.lists!.push([...i.lists]);
  }
  issued.sciTech = sci;
  issued.agriRelated = agri;
  issued.inclusive = inclusive;
  return { ...keyOf(f), decidedAt: now.toISOString(), row: chunk.loans.map((l) => l.row), loanId: chunk.loans.map((l) => l.loanId), codes: d.codes, terms, issued };
}

function termsOf(p: Programme, bank: string): IssueTermsV2 {
  return {
    programmeVersion: p.effectiveFrom,
    province: p.province,
    fundBacked: p.fundBacked,
    parties: partiesFor(p, bank).map((party) => ({ role: party.role, participant: party.participant, sharePct: formatRate(party.sharePct) })),
    claimGraceDays: p.claimGraceDays,
    claimCoversInterest: p.claimCoversInterest,
    fundCapPct: formatRate(p.fundCapPct),
    breakerPct: formatRate(p.breakerPct),
  };
}

function emptyIssued(): LoansDecidedV2['issued'] {
  return {
    index: [],
    terms: [],
    borrowerIdType: [],
    borrowerId: [],
    borrowerName: [],
    borrowerType: [],
    industryCode: [],
    industrySection: [],
    regionCode: [],
    sciTech: '',
    agriRelated: '',
    inclusive: '',
    principalFen: [],
    interestRatePct: [],
    guaranteeFeeRatePct: [],
    disbursedOn: [],
    maturesOn: [],
    termDays: [],
    guaranteeFeeFen: [],
    reguaranteeFeePct: [],
    lists: [],
  };
}

export { chunkKey };
