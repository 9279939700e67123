import { parseRate } from '../rate';
import { ClaimTally, RiskContext, RiskLimits, RiskLoan } from './risk-inputs';
import { RiskLabel, ruleLabels } from './risk-rules';

/**
 * The logistic model's features, in their fixed order: a model file's coefficients are in this
 * order, and a model names them so that a file trained for another list is refused. Each is a
 * plain number computed the same way on every machine (no randomness, no clock).
 */
export const RISK_FEATURES = [
  'interest_rate_pct',
  'term_years',
  'principal_log10_yuan',
  'exposure_share',
  'individual_or_farmer',
  'sci_tech',
  'agri_related',
  'industry_claim_rate',
  'region_claim_rate',
  'bank_claim_rate',
  'bank_overdue_trend',
] as const;
export type RiskFeature = (typeof RISK_FEATURES)[number];

/** A slice's claim rate, shrunk towards zero while it has few guarantees (a slice of three with one claim is not a 33 % rate). */
const SHRINK_GUARANTEES = 10;
const claimRate = (t: ClaimTally) => t.claimed / (t.issued + SHRINK_GUARANTEES);

/** The feature values of a guarantee, in RISK_FEATURES order. */
export function riskFeatures(loan: RiskLoan, ctx: RiskContext, limits: RiskLimits): number[] {
  const rate = parseRate(loan.interestRatePct) ?? 0n;
  const limit = limits.maxBorrowerPrincipalFen;
  const overdue = ctx.bankOverdueRecent + ctx.bankOverdueEarlier;
  return [
    Number(rate) / 10_000,
    loan.termDays / 365,
    Math.log10(Math.max(1, Number(loan.principalFen / 100n))),
    // the exposure as a share of the limit, to 4 decimals in exact arithmetic first
    limit > 0n ? Number((loan.principalFen > ctx.borrowerOutstandingFen ? loan.principalFen : ctx.borrowerOutstandingFen) * 10_000n / limit) / 10_000 : 0,
    loan.borrowerType === 'individual_business' || loan.borrowerType === 'farmer' ? 1 : 0,
    loan.sciTech ? 1 : 0,
    loan.agriRelated ? 1 : 0,
    claimRate(ctx.industry),
    claimRate(ctx.region),
    claimRate(ctx.bank),
    overdue === 0 ? 0 : (ctx.bankOverdueRecent - ctx.bankOverdueEarlier) / (overdue + 1),
  ];
}

/**
 * A versioned logistic model: score = 1 / (1 + e^-(intercept + sum of weight x (x - center) / scale)).
 * Its numbers are rounded to `precision` decimals when it is trained, and it is committed as a
 * file: scoring reads nothing else.
 */
export interface RiskModel {
  version: string;
  features: readonly string[];
  center: readonly number[];
  scale: readonly number[];
  intercept: number;
  weights: readonly number[];
  /** decimals the numbers above were rounded to */
  precision: number;
  /** from this score up, MODEL_HIGH_SCORE: the top tenth of the scores of the portfolio it was trained on */
  highScore: string;
  /** what it was trained on, for the record */
  trainedOn: { source: string; guarantees: number; claims: number; seed: number; epochs: number };
}

/** What the scoring says of one guarantee: its score, its labels and every feature's part in the score. */
export interface RiskAssessment {
  modelVersion: string;
  /** the probability of a claim, 4 decimals, as a decimal string */
  score: string;
  labels: RiskLabel[];
  /** per feature, in the model's order: the value and its contribution to the log-odds, 4 decimals each */
  contributions: { feature: string; value: string; contribution: string }[];
}

/** Decimals of a score and of each contribution. */
export const SCORE_DECIMALS = 4;

const NEGATIVE_ZERO = `-${(0).toFixed(SCORE_DECIMALS)}`;
const fixed = (x: number) => {
  const s = x.toFixed(SCORE_DECIMALS);
  return s === NEGATIVE_ZERO ? s.slice(1) : s;
};

/** Refuses a model whose features are not the scoring's, in its order. */
export function checkModel(model: RiskModel): void {
  const n = RISK_FEATURES.length;
  if (model.features.length !== n || model.features.some((f, i) => f !== RISK_FEATURES[i])) throw new Error(`risk model ${model.version} is for other features than ${RISK_FEATURES.join(', ')}`);
  if (model.center.length !== n || model.scale.length !== n || model.weights.length !== n) throw new Error(`risk model ${model.version} does not have ${n} numbers per list`);
}

/** The log-odds parts of a feature vector under a model, in feature order. */
export function contributionsOf(model: RiskModel, x: readonly number[]): number[] {
  return x.map((v, j) => (model.weights[j] * (v - model.center[j])) / (model.scale[j] || 1));
}

export function probability(model: RiskModel, x: readonly number[]): number {
  let logit = model.intercept;
  for (const c of contributionsOf(model, x)) logit += c;
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Scores a guarantee and labels it: the rules' labels (each with the contribution of the feature
 * it speaks of), then MODEL_HIGH_SCORE when the score is in the model's top tenth, naming the
 * three features that raised it most. The same inputs and model always give the same assessment.
 */
export function assessRisk(model: RiskModel, loan: RiskLoan, ctx: RiskContext, limits: RiskLimits): RiskAssessment {
  const x = riskFeatures(loan, ctx, limits);
  const parts = contributionsOf(model, x);
  const score = fixed(probability(model, x));
  const partOf = (feature: string) => parts[model.features.indexOf(feature)];
  const labels: RiskLabel[] = ruleLabels(loan, ctx, limits).map((l) => (l.feature ? { ...l, contribution: fixed(partOf(l.feature)) } : l));
  if (compareDecimal(score, model.highScore) >= 0) {
    const top = parts
      .map((c, j) => ({ feature: model.features[j], c }))
      .filter((p) => p.c > 0)
      .sort((a, b) => b.c - a.c || (a.feature < b.feature ? -1 : 1))
      .slice(0, 3);
    labels.push({
      code: 'MODEL_HIGH_SCORE',
      reason: `score ${score} is at or above ${model.highScore} (model ${model.version}'s top tenth)${top.length > 0 ? `; raised most by ${top.map((p) => `${p.feature} ${fixed(p.c)}`).join(', ')}` : ''}`,
      ...(top.length > 0 ? { feature: top[0].feature, contribution: fixed(top[0].c) } : {}),
    });
  }
  return {
    modelVersion: model.version,
    score,
    labels,
    contributions: x.map((v, j) => ({ feature: model.features[j], value: fixed(v), contribution: fixed(parts[j]) })),
  };
}

/** Compares two non-negative decimal strings exactly. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [aw, af = ''] = a.split('.');
  const [bw, bf = ''] = b.split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(aw + af.padEnd(width, '0'));
  const y = BigInt(bw + bf.padEnd(width, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}
