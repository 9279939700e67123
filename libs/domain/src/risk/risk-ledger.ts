import { Fen } from '../money';
import { ClaimTally, RiskContext, RiskLimits, RiskLoan, monthOf, overdueWindows, regionKey } from './risk-inputs';
import { RiskAssessment, RiskModel, assessRisk, riskFeatures } from './risk-model';

/**
 * The claim history the scoring reads, as a fold of the platform's facts in the order the
 * platform learned them. Compensation keeps the same numbers in its tables (and a test compares
 * its labels with this fold's); the training and the backtest replay history through it.
 */
export type RiskFact =
  /** guarantees compensation recorded as in force: their principal counts towards their borrowers' exposure */
  | { type: 'guarantees-recorded'; programme: string; guarantees: { guaranteeId: string; borrowerId: string; principalFen: Fen }[] }
  /** guarantees labelled: their first labelling counts them as issued in their slices */
  | { type: 'risks-labelled'; loans: RiskLoan[] }
  | { type: 'repaid'; guaranteeId: string; outstandingAfterFen: Fen }
  | { type: 'claimed'; guaranteeId: string; overdueSince: string };

export interface RiskLedger {
  /** `programme|dimension|key` -> issued and claimed */
  tallies: Map<string, ClaimTally>;
  /** `programme|bank|month` -> claims whose loans fell overdue that month */
  overdue: Map<string, number>;
  guarantees: Map<string, { programme: string; borrowerId: string; outstanding: Fen; slices?: string[]; bank?: string }>;
  /** `programme|borrower` -> outstanding principal of its guarantees in force */
  borrowers: Map<string, Fen>;
}

/** The slices a guarantee's claim history is kept in: the programme, its bank, region and industry section. */
export const RISK_DIMENSIONS = ['programme', 'bank', 'region', 'industry'] as const;
export const sliceKeys = (l: Pick<RiskLoan, 'programme' | 'bank' | 'regionCode' | 'industrySection'>) => [
  `${l.programme}|programme|`,
  `${l.programme}|bank|${l.bank}`,
  `${l.programme}|region|${regionKey(l.regionCode)}`,
  `${l.programme}|industry|${l.industrySection}`,
];

export const emptyLedger = (): RiskLedger => ({ tallies: new Map(), overdue: new Map(), guarantees: new Map(), borrowers: new Map() });

const borrowerKey = (programme: string, borrowerId: string) => `${programme}|${borrowerId}`;

/** Folds one fact into the ledger (in place: a history of a million guarantees is not copied per fact) and returns it. */
export function evolveRiskLedger(s: RiskLedger, f: RiskFact): RiskLedger {
  const moveBorrower = (programme: string, borrowerId: string, delta: Fen) => {
    const k = borrowerKey(programme, borrowerId);
    s.borrowers.set(k, (s.borrowers.get(k) ?? 0n) + delta);
  };
  switch (f.type) {
    case 'guarantees-recorded':
      for (const g of f.guarantees) {
        if (s.guarantees.has(g.guaranteeId)) continue;
        s.guarantees.set(g.guaranteeId, { programme: f.programme, borrowerId: g.borrowerId, outstanding: g.principalFen });
        moveBorrower(f.programme, g.borrowerId, g.principalFen);
      }
      break;
    case 'risks-labelled':
      for (const l of f.loans) {
        const g = s.guarantees.get(l.guaranteeId);
        if (!g || g.slices) continue;
        g.slices = sliceKeys(l);
        g.bank = l.bank;
        for (const k of g.slices) {
          const t = s.tallies.get(k) ?? { issued: 0, claimed: 0 };
          s.tallies.set(k, { issued: t.issued + 1, claimed: t.claimed });
        }
      }
      break;
    case 'repaid': {
      const g = s.guarantees.get(f.guaranteeId);
      if (!g) break;
      moveBorrower(g.programme, g.borrowerId, f.outstandingAfterFen - g.outstanding);
      g.outstanding = f.outstandingAfterFen;
      break;
    }
    case 'claimed': {
      const g = s.guarantees.get(f.guaranteeId);
      if (!g) break;
      moveBorrower(g.programme, g.borrowerId, -g.outstanding);
      g.outstanding = 0n;
      if (!g.slices) break;
      for (const k of g.slices) {
        const t = s.tallies.get(k) ?? { issued: 0, claimed: 0 };
        s.tallies.set(k, { issued: t.issued, claimed: t.claimed + 1 });
      }
      const k = `${g.programme}|${g.bank}|${monthOf(f.overdueSince)}`;
      s.overdue.set(k, (s.overdue.get(k) ?? 0) + 1);
      break;
    }
  }
  return s;
}

/** What the ledger knows of a guarantee about to be labelled. */
export function riskContextOf(s: RiskLedger, loan: RiskLoan): RiskContext {
  const [programme, bank, region, industry] = sliceKeys(loan).map((k) => s.tallies.get(k) ?? { issued: 0, claimed: 0 });
  const w = overdueWindows(loan.disbursedOn);
  const count = (months: readonly string[]) => months.reduce((sum, m) => sum + (s.overdue.get(`${loan.programme}|${loan.bank}|${m}`) ?? 0), 0);
  return {
    programme,
    bank,
    region,
    industry,
    bankOverdueRecent: count(w.recent),
    bankOverdueEarlier: count(w.earlier),
    borrowerOutstandingFen: s.borrowers.get(borrowerKey(loan.programme, loan.borrowerId)) ?? 0n,
  };
}

/**
 * Labels a chunk's guarantees on the history before it (its own guarantees already recorded, so
 * each borrower's exposure includes the chunk's loans), in chunk order. Nothing is decided by
 * it: the labels inform.
 */
export function labelChunk(s: RiskLedger, model: RiskModel, loans: readonly RiskLoan[], limitsOf: (loan: RiskLoan) => RiskLimits): RiskAssessment[] {
  return loans.map((l) => assessRisk(model, l, riskContextOf(s, l), limitsOf(l)));
}

/** One labelled guarantee of a replay: its features at issuance and, with a model, its assessment. */
export interface Replayed {
  guaranteeId: string;
  x: number[];
  assessment?: RiskAssessment;
}

/**
 * Replays a history of facts, labelling each guarantee where its `risks-labelled` fact stands, on
 * what was known just before: the backtest's and the training's view of the past, and what a new
 * model version would have said at each issue (decisions are not facts of this fold: nothing
 * decided changes).
 */
export function replayRisk(facts: Iterable<RiskFact>, model: RiskModel | null, limitsOf: (loan: RiskLoan) => RiskLimits): Replayed[] {
  const s = emptyLedger();
  const out: Replayed[] = [];
  for (const f of facts) {
    if (f.type === 'risks-labelled') {
      for (const l of f.loans) {
        if (s.guarantees.get(l.guaranteeId)?.slices) continue; // labelled before: issued once
        const ctx = riskContextOf(s, l);
        const limits = limitsOf(l);
        out.push({ guaranteeId: l.guaranteeId, x: riskFeatures(l, ctx, limits), ...(model ? { assessment: assessRisk(model, l, ctx, limits) } : {}) });
      }
    }
    evolveRiskLedger(s, f);
  }
  return out;
}
