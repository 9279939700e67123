import { LoansDecidedV2 } from '@g2g/contracts';
import { EventStore, Sql, joined } from '@g2g/event-store';
import { claimHistoryState, claimHistoryTables, countClaims, countIssued } from '@g2g/platform';
import { SCHEMA } from '../publish-reference-data/publish-reference-data';

export const store = new EventStore(SCHEMA);

/** The stream of a programme's book: its decisions, the principal freed, suspensions and resumptions. */
export const bookStream = (programme: string) => `book:${programme}`;

/** The tables the book's events are projected into. */
export const BOOK_STATE = {
  programme_books: ['programme', 'suspended', 'outstanding_fen', 'version'],
  bank_exposure: ['programme', 'bank', 'outstanding_fen'],
  borrower_exposure: ['programme', 'borrower_id', 'outstanding_fen'],
  decided_chunks: ['bank', 'batch_ref', 'first_row', 'programme'],
  ...claimHistoryState(''),
} as const;

/** The claim history of the programmes' guarantees, which a programme naming max_risk_score is scored on. */
export const CLAIM_HISTORY = claimHistoryTables(SCHEMA, '');

export interface PrincipalFreedV1 {
  programme: string;
  /** the servicing chunk whose repayments and claims freed it */
  source: string;
  freed: { bank: string; borrowerId: string; amountFen: string }[];
  /** the claims among them, for the claim history (absent in events written before it was kept) */
  claims?: { guaranteeId: string; overdueSince: string }[];
}

type Event = { type: string; data?: any; streamPosition?: number };

/** Locks the programme's book for this transaction (it is created on first use): decisions of one programme take turns. */
export async function lockBook(tx: Sql, programme: string): Promise<{ suspended: boolean; outstanding: bigint; version: number }> {
  await tx.query(`insert into ${SCHEMA}.programme_books (programme) values ($1) on conflict do nothing`, [programme]);
  const [row] = await tx.query<{ suspended: boolean; outstanding_fen: string; version: number }>(
    `select suspended, outstanding_fen::text, version from ${SCHEMA}.programme_books where programme = $1 for update`,
    [programme],
  );
  return { suspended: row.suspended, outstanding: BigInt(row.outstanding_fen), version: row.version };
}

/**
 * Applies book events to the book's tables, the same live (in the transaction that appends them,
 * with the book locked) and in a rebuild. `streamPosition` is the event's place in its book stream.
 */
export async function applyBookEvents(tx: Sql, events: readonly Event[]): Promise<void> {
  for (const e of events) {
    switch (e.type) {
      case 'underwriting.loans-decided.v2': {
        const d = e.data as LoansDecidedV2;
        const byBorrower = new Map<string, bigint>();
        let total = 0n;
        d.issued.index.forEach((_, i) => {
          const p = BigInt(d.issued.principalFen[i]);
          total += p;
          byBorrower.set(d.issued.borrowerId[i], (byBorrower.get(d.issued.borrowerId[i]) ?? 0n) + p);
        });
        await move(tx, d.programme, e.streamPosition, total, new Map(total === 0n ? [] : [[d.bank, total]]), byBorrower);
        await tx.query(`insert into ${SCHEMA}.decided_chunks (bank, batch_ref, first_row, programme) values ($1, $2, $3, $4)`, [d.bank, d.batchRef, d.firstRow, d.programme]);
        const g = d.issued;
        await countIssued(
          tx,
          CLAIM_HISTORY,
          d.programme,
          d.bank,
          g.index.map((k, i) => ({ guaranteeId: `${d.bank}/${d.loanId[k]}`, programme: d.programme, bank: d.bank, regionCode: g.regionCode[i], industrySection: g.industrySection[i] })),
        );
        break;
      }
      case 'underwriting.principal-freed.v1': {
        const d = e.data as PrincipalFreedV1;
        const byBank = new Map<string, bigint>();
        const byBorrower = new Map<string, bigint>();
        let total = 0n;
        for (const f of d.freed) {
          const a = -BigInt(f.amountFen);
          total += a;
          byBank.set(f.bank, (byBank.get(f.bank) ?? 0n) + a);
          byBorrower.set(f.borrowerId, (byBorrower.get(f.borrowerId) ?? 0n) + a);
        }
        await move(tx, d.programme, e.streamPosition, total, byBank, byBorrower);
        await countClaims(tx, CLAIM_HISTORY, d.claims ?? []);
        break;
      }
      case 'underwriting.programme-suspended.v1':
      case 'underwriting.programme-resumed.v1':
        await tx.query(
          `insert into ${SCHEMA}.programme_books (programme, suspended, version) values ($1, $2, coalesce($3, 0))
           on conflict (programme) do update set suspended = excluded.suspended, version = greatest(programme_books.version, coalesce($3, programme_books.version))`,
          [e.data.programme, e.type === 'underwriting.programme-suspended.v1', e.streamPosition ?? null],
        );
        break;
      case 'registry.programme-published.v1':
        await tx.query(`insert into ${SCHEMA}.programme_books (programme) values ($1) on conflict do nothing`, [e.data.programme.id]);
        break;
    }
  }
}

/** Adds (or, negative, takes away) principal on the programme, its banks and its borrowers. */
async function move(tx: Sql, programme: string, position: number | undefined, total: bigint, byBank: Map<string, bigint>, byBorrower: Map<string, bigint>): Promise<void> {
  await tx.query(
    `insert into ${SCHEMA}.programme_books (programme, outstanding_fen, version) values ($1, $2, coalesce($3, 0))
     on conflict (programme) do update set outstanding_fen = programme_books.outstanding_fen + excluded.outstanding_fen,
                                           version = greatest(programme_books.version, coalesce($3, programme_books.version))`,
    [programme, total.toString(), position ?? null],
  );
  for (const [table, column, amounts] of [
    ['bank_exposure', 'bank', byBank],
    ['borrower_exposure', 'borrower_id', byBorrower],
  ] as const) {
    if (amounts.size === 0) continue;
    await tx.query(
      `insert into ${SCHEMA}.${table} as x (programme, ${column}, outstanding_fen)
       select $1, k, o::numeric from unnest(string_to_array($2, E'\\x1f'), string_to_array($3, E'\\x1f')) as t(k, o)
       on conflict (programme, ${column}) do update set outstanding_fen = x.outstanding_fen + excluded.outstanding_fen`,
      [programme, joined([...amounts.keys()]), joined([...amounts.values()].map(String))],
    );
  }
}
