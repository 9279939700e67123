import { guaranteeFee, reguaranteeFeePct, termDays } from '../fees';
import { BorrowerIdType, BorrowerType, industrySection, isInclusive } from '../identifiers';
import { Fen } from '../money';
import { Rate, parseRate } from '../rate';
import { ClaimHistory, RiskLoan, riskLimitsOf } from '../risk/risk-inputs';
import { RiskModel, assessRisk } from '../risk/risk-model';
import { Programme } from './programme';
import { ProgrammeBook, RejectionCode, decideLoan, programmeVersionOn } from './underwriting-rules';

/**
 * A programme's book: what underwriting decides a chunk of filed loans against, and the fold of
 * the programme's book stream (`book:{programme}`). Decisions take a chunk in filing order, so
 * that a limit consumed by an earlier loan counts for the later ones; `decideChunk` and
 * `evolveBook` share `withApproved`, so deciding and replaying cannot drift apart.
 */

/** A valid loan row as intake filed it. */
export interface FiledLoan {
  row: number;
  loanId: string;
  borrowerIdType: BorrowerIdType;
  borrowerId: string;
  borrowerName: string;
  borrowerType: BorrowerType;
  industryCode: string;
  regionCode: string;
  sciTech: boolean;
  agriRelated: boolean;
  principal: Fen;
  /** exact decimals as filed */
  interestRatePct: string;
  guaranteeFeeRatePct: string;
  disbursedOn: string;
  maturesOn: string;
}

/** A chunk of filed loans of one bank's batch: (bank, batchRef, firstRow) is its key. */
export interface LoanChunk {
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  loans: readonly FiledLoan[];
}

export function chunkKey(c: { bank: string; batchRef: string; firstRow: number }): string {
  return `${c.bank}/${c.batchRef}/${c.firstRow}`;
}

export interface Book {
  programme: string;
  /** the published versions of the programme */
  versions: readonly Programme[];
  suspended: boolean;
  /** outstanding principal of the programme */
  outstanding: Fen;
  byBank: ReadonlyMap<string, Fen>;
  /** by borrower id, across banks; a shell may hold only the borrowers a chunk names */
  byBorrower: ReadonlyMap<string, Fen>;
  /** keys of the chunks decided */
  decided: ReadonlySet<string>;
}

export function emptyBook(programme: string): Book {
  return { programme, versions: [], suspended: false, outstanding: 0n, byBank: new Map(), byBorrower: new Map(), decided: new Set() };
}

/** An approved loan: the terms it was issued under, computed once here for every consumer. */
export interface IssuedLoan {
  /** index into the chunk's loans */
  index: number;
  version: Programme;
  industrySection: string;
  inclusive: boolean;
  termDays: number;
  guaranteeFee: Fen;
  reguaranteeFeePct: Rate;
  /** the recommended lists its borrower was on at its disbursement date, whatever the programme requires */
  lists: readonly string[];
}

/**
 * The recommended lists a borrower is on at a date: a lookup the caller makes for the chunk's
 * borrowers before deciding (underwriting reads its lists' versions), passed in so that the
 * decision stays a function of its inputs.
 */
export type ListsOn = (borrowerId: string, on: string) => readonly string[];

const ON_NO_LIST: ListsOn = () => [];

/**
 * What the platform knows of a loan's slices' claim history when it is decided (underwriting
 * reads its own for the chunk before deciding): asked only for loans of a programme version that
 * names `max_risk_score`. A gated loan decided without one is a fault (UNPROCESSABLE), never a
 * score on no history.
 */
export interface RiskGate {
  historyOf: (loan: RiskLoan) => ClaimHistory;
  model: RiskModel;
}

export type LoanCode = RejectionCode | 'UNPROCESSABLE';

/** The one event a chunk's decision is. */
export interface LoanChunkDecided {
  type: 'loan-chunk-decided';
  programme: string;
  bank: string;
  batchRef: string;
  firstRow: number;
  /** per loan of the chunk: [] approved, else every code */
  codes: LoanCode[][];
  issued: IssuedLoan[];
  /** what the approved loans add to the book */
  approved: { borrowerId: string; principal: Fen }[];
  /** loans no rule could be applied to, with the error, for operators */
  unprocessable: { index: number; error: string }[];
  /** loans scored because their programme version names max_risk_score: the score and the labels' codes, for the record */
  scored: { index: number; score: string; labels: string[] }[];
}

/** Principal that stopped being outstanding: repaid, or claimed. */
export interface PrincipalFreed {
  type: 'principal-freed';
  freed: readonly { bank: string; borrowerId: string; amount: Fen }[];
}

export type BookEvent =
  | LoanChunkDecided
  | PrincipalFreed
  | { type: 'programme-suspended' }
  | { type: 'programme-resumed' }
  | { type: 'programme-version-published'; version: Programme };

/** The book with one more approved loan; what decide and evolve both do. */
function withApproved(book: Mutable, bank: string, borrowerId: string, principal: Fen): void {
  book.outstanding += principal;
  book.byBank.set(bank, (book.byBank.get(bank) ?? 0n) + principal);
  book.byBorrower.set(borrowerId, (book.byBorrower.get(borrowerId) ?? 0n) + principal);
}

interface Mutable {
  outstanding: Fen;
  byBank: Map<string, Fen>;
  byBorrower: Map<string, Fen>;
}

function mutable(book: Book): Mutable {
  return { outstanding: book.outstanding, byBank: new Map(book.byBank), byBorrower: new Map(book.byBorrower) };
}

/**
 * Decides a chunk of filed loans, in order, against the book: the codes of every loan, and for
 * the approved ones the terms they were issued under. A chunk already decided decides nothing
 * (null), so that a redelivered chunk changes nothing.
 */
export function decideChunk(book: Book, chunk: LoanChunk, listsOn: ListsOn = ON_NO_LIST, risk?: RiskGate): LoanChunkDecided | null {
  if (book.decided.has(chunkKey(chunk))) return null;
  const running = mutable(book);
  const codes: LoanCode[][] = [];
  const issued: IssuedLoan[] = [];
  const approved: { borrowerId: string; principal: Fen }[] = [];
  const unprocessable: { index: number; error: string }[] = [];
  const scored: LoanChunkDecided['scored'] = [];
  // a programme none of whose versions gates on the score looks up no version for it, loan by loan
  const mayGate = book.versions.some((v) => v.maxRiskScore !== null);
  chunk.loans.forEach((loan, index) => {
    try {
      const view: ProgrammeBook = {
        suspended: book.suspended,
        programmeOutstanding: running.outstanding,
        bankOutstanding: running.byBank.get(chunk.bank) ?? 0n,
        borrowerOutstanding: running.byBorrower.get(loan.borrowerId) ?? 0n,
      };
      const section = industrySection(loan.industryCode);
      const interestRate = exactRate(loan.interestRatePct);
      const guaranteeFeeRate = exactRate(loan.guaranteeFeeRatePct);
      const lists = listsOn(loan.borrowerId, loan.disbursedOn);
      const gated = mayGate ? programmeVersionOn(book.versions, loan.disbursedOn) : undefined;
      let riskScore: string | undefined;
      if (gated?.maxRiskScore != null) {
        if (!risk) throw new Error('RISK_SCORE: the programme names max_risk_score and no claim history was given to score on');
        // scored as compensation labels: the loan as filed, its borrower's exposure with it, the history so far
        const r: RiskLoan = {
          guaranteeId: `${chunk.bank}/${loan.loanId}`,
          programme: chunk.programme,
          bank: chunk.bank,
          borrowerId: loan.borrowerId,
          borrowerType: loan.borrowerType,
          industrySection: section,
          regionCode: loan.regionCode,
          sciTech: loan.sciTech,
          agriRelated: loan.agriRelated,
          principalFen: loan.principal,
          interestRatePct: loan.interestRatePct,
          disbursedOn: loan.disbursedOn,
          maturesOn: loan.maturesOn,
          termDays: termDays(loan.disbursedOn, loan.maturesOn),
        };
        const a = assessRisk(risk.model, r, { ...risk.historyOf(r), borrowerOutstandingFen: view.borrowerOutstanding + loan.principal }, riskLimitsOf(gated));
        riskScore = a.score;
        scored.push({ index, score: a.score, labels: a.labels.map((l) => l.code) });
      }
      const decided = decideLoan(
        book.versions,
        {
          bank: chunk.bank,
          borrowerId: loan.borrowerId,
          borrowerType: loan.borrowerType,
          industrySection: section,
          regionCode: loan.regionCode,
          principal: loan.principal,
          interestRate,
          guaranteeFeeRate,
          disbursedOn: loan.disbursedOn,
          maturesOn: loan.maturesOn,
          lists,
          riskScore,
        },
        view,
      );
      if (decided.codes.length > 0 || !decided.version) {
        codes.push(decided.codes);
        return;
      }
      const days = termDays(loan.disbursedOn, loan.maturesOn);
      const terms: IssuedLoan = {
        index,
        version: decided.version,
        industrySection: section,
        inclusive: isInclusive(loan.borrowerType, loan.agriRelated),
        termDays: days,
        guaranteeFee: guaranteeFee(loan.principal, guaranteeFeeRate, days),
        reguaranteeFeePct: reguaranteeFeePct(loan.principal, decided.version.reguaranteeFee),
        lists: [...lists].sort(),
      };
      withApproved(running, chunk.bank, loan.borrowerId, loan.principal);
      codes.push([]);
      issued.push(terms);
      approved.push({ borrowerId: loan.borrowerId, principal: loan.principal });
    } catch (error) {
      // data no rule can compute with (validation is meant to make this impossible): answered, not lost
      codes.push(['UNPROCESSABLE']);
      unprocessable.push({ index, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  });
  return { type: 'loan-chunk-decided', programme: chunk.programme, bank: chunk.bank, batchRef: chunk.batchRef, firstRow: chunk.firstRow, codes, issued, approved, unprocessable, scored };
}

/** The book after an event: the only way it changes. */
export function evolveBook(book: Book, event: BookEvent): Book {
  switch (event.type) {
    case 'loan-chunk-decided': {
      const next = mutable(book);
      for (const a of event.approved) withApproved(next, event.bank, a.borrowerId, a.principal);
      return { ...book, ...next, decided: new Set(book.decided).add(chunkKey(event)) };
    }
    case 'principal-freed': {
      const next = mutable(book);
      for (const f of event.freed) withApproved(next, f.bank, f.borrowerId, -f.amount);
      return { ...book, ...next };
    }
    case 'programme-suspended':
      return { ...book, suspended: true };
    case 'programme-resumed':
      return { ...book, suspended: false };
    case 'programme-version-published':
      return { ...book, versions: [...book.versions.filter((v) => v.effectiveFrom !== event.version.effectiveFrom), event.version] };
  }
}

function exactRate(text: string): Rate {
  const rate = parseRate(text);
  if (rate === null) throw new RangeError(`not an exact rate: ${text.slice(0, 20)}`);
  return rate;
}
