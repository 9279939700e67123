import { RISK_FEATURES, RiskModel, contributionsOf, probability } from './risk-model';

/** One guarantee as training sees it: its features at issuance and whether it was claimed later. */
export interface RiskExample {
  x: readonly number[];
  claimed: boolean;
}

export interface TrainingOptions {
  version: string;
  source: string;
  seed: number;
  /** passes over the examples (default 60) */
  epochs?: number;
  /** step size of each mini-batch (default 0.1) */
  learningRate?: number;
  /** L2 penalty on the weights, not the intercept (default 0.001) */
  l2?: number;
  /** examples per step (default 64) */
  batchSize?: number;
}

/** Decimals a trained model's numbers are rounded to before it is written down. */
export const MODEL_PRECISION = 6;

/** mulberry32: a small seeded generator, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (x: number, decimals = MODEL_PRECISION) => {
  const r = Number(x.toFixed(decimals));
  return Object.is(r, -0) ? 0 : r;
};

/**
 * Logistic regression by mini-batch gradient descent on standardised features, the examples
 * shuffled each pass by the seeded generator: the same examples, options and seed give the same
 * model, number for number. The result's numbers are rounded to MODEL_PRECISION decimals, and
 * its high score is the 90th percentile of the rounded model's scores over the examples.
 */
export function trainRiskModel(examples: readonly RiskExample[], options: TrainingOptions): RiskModel {
  const n = RISK_FEATURES.length;
  const epochs = options.epochs ?? 60;
  const rate = options.learningRate ?? 0.1;
  const l2 = options.l2 ?? 0.001;
  const batch = options.batchSize ?? 64;
  if (examples.length === 0) throw new RangeError('no guarantees to train on');
  const center = new Array<number>(n).fill(0);
  const scale = new Array<number>(n).fill(0);
  for (const e of examples) for (let j = 0; j < n; j++) center[j] += e.x[j];
  for (let j = 0; j < n; j++) center[j] = round(center[j] / examples.length);
  for (const e of examples) for (let j = 0; j < n; j++) scale[j] += (e.x[j] - center[j]) ** 2;
  // a feature that never varies keeps scale 1 and learns nothing
  for (let j = 0; j < n; j++) scale[j] = round(Math.sqrt(scale[j] / examples.length)) || 1;
  const z = examples.map((e) => e.x.map((v, j) => (v - center[j]) / scale[j]));
  const y = examples.map((e) => (e.claimed ? 1 : 0));
  const claims = y.reduce<number>((s, v) => s + v, 0);
  // start at the base rate, so that the first steps are spent on the features
  const base = Math.min(Math.max(claims / examples.length, 1e-6), 1 - 1e-6);
  let intercept = Math.log(base / (1 - base));
  const w = new Array<number>(n).fill(0);
  const order = examples.map((_, i) => i);
  const random = seededRandom(options.seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    for (let start = 0; start < order.length; start += batch) {
      const end = Math.min(start + batch, order.length);
      const gw = new Array<number>(n).fill(0);
      let gb = 0;
      for (let b = start; b < end; b++) {
        const i = order[b];
        let logit = intercept;
        for (let j = 0; j < n; j++) logit += w[j] * z[i][j];
        const err = 1 / (1 + Math.exp(-logit)) - y[i];
        gb += err;
        for (let j = 0; j < n; j++) gw[j] += err * z[i][j];
      }
      const m = end - start;
      intercept -= (rate * gb) / m;
      for (let j = 0; j < n; j++) w[j] -= rate * (gw[j] / m + l2 * w[j]);
    }
  }
  const model: RiskModel = {
    version: options.version,
    features: [...RISK_FEATURES],
    center,
    scale,
    intercept: round(intercept),
    weights: w.map((v) => round(v)),
    precision: MODEL_PRECISION,
    highScore: '1.0000',
    trainedOn: { source: options.source, guarantees: examples.length, claims, seed: options.seed, epochs },
  };
  const scores = examples.map((e) => probability(model, e.x)).sort((a, b) => a - b);
  model.highScore = scores[Math.min(scores.length - 1, Math.floor(scores.length * 0.9))].toFixed(4);
  return model;
}

export { contributionsOf };
