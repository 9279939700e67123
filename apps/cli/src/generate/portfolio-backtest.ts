import { BacktestFigures, RiskExample, RiskFact, RiskLimits, RiskModel, backtest, replayRisk, trainRiskModel } from '@g2g/domain';
import { Portfolio, portfolioFacts } from './generate-portfolio';

/** The demo programme's limits (domain.md 5), which the synthetic portfolios are issued under. */
export const DEMO_LIMITS: RiskLimits = { maxBorrowerPrincipalFen: 1_000_000_000n, termMonthsMax: 36, maxInterestRatePct: '8.00' };

/**
 * Training examples from a history: each guarantee's features as they were at its issue, and
 * whether it was claimed by the end of the history.
 */
export function examplesOf(facts: readonly RiskFact[], limitsOf: (l: unknown) => RiskLimits = () => DEMO_LIMITS): RiskExample[] {
  const claimed = new Set(facts.flatMap((f) => (f.type === 'claimed' ? [f.guaranteeId] : [])));
  return replayRisk(facts, null, limitsOf).map((r) => ({ x: r.x, claimed: claimed.has(r.guaranteeId) }));
}

/** How a model would have ranked the claims of a history, scoring each guarantee at its issue. */
export function backtestFacts(facts: readonly RiskFact[], model: RiskModel, limitsOf: (l: unknown) => RiskLimits = () => DEMO_LIMITS): BacktestFigures {
  const claimed = new Set(facts.flatMap((f) => (f.type === 'claimed' ? [f.guaranteeId] : [])));
  return backtest(replayRisk(facts, model, limitsOf).map((r) => ({ score: Number(r.assessment!.score), claimed: claimed.has(r.guaranteeId) })));
}

export function trainOnPortfolio(p: Portfolio, options: { version: string; seed: number; source: string; epochs?: number }): RiskModel {
  return trainRiskModel(examplesOf(portfolioFacts(p).facts), options);
}

export function backtestPortfolio(p: Portfolio, model: RiskModel): BacktestFigures {
  return backtestFacts(portfolioFacts(p).facts, model);
}
