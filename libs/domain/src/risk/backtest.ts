/** A guarantee as the backtest sees it: the score it was given at issuance, and whether it was claimed later. */
export interface Scored {
  score: number;
  claimed: boolean;
}

export interface BacktestFigures {
  guarantees: number;
  claims: number;
  /** the area under the ROC curve: the chance that a claimed guarantee scored above one that was not (ties half); null without both */
  auc: number | null;
  /** the share of all claims that fell in the tenth of guarantees with the highest scores; null without claims */
  topDecileClaimShare: number | null;
}

/**
 * How well scores ranked the claims that happened: AUC by the rank sum (ties given their mean
 * rank) and the claims caught by the top tenth of scores (ties broken by the order given, so the
 * caller's order must be deterministic: the order of issue).
 */
export function backtest(scored: readonly Scored[]): BacktestFigures {
  const n = scored.length;
  const claims = scored.filter((s) => s.claimed).length;
  const sorted = scored.map((s, i) => ({ ...s, i })).sort((a, b) => a.score - b.score || a.i - b.i);
  let auc: number | null = null;
  if (claims > 0 && claims < n) {
    let rankSum = 0;
    for (let start = 0; start < n; ) {
      let end = start;
      while (end + 1 < n && sorted[end + 1].score === sorted[start].score) end++;
      const rank = (start + end) / 2 + 1;
      for (let k = start; k <= end; k++) if (sorted[k].claimed) rankSum += rank;
      start = end + 1;
    }
    auc = (rankSum - (claims * (claims + 1)) / 2) / (claims * (n - claims));
  }
  const top = [...sorted].reverse().slice(0, Math.ceil(n / 10));
  return {
    guarantees: n,
    claims,
    auc,
    topDecileClaimShare: claims === 0 ? null : top.filter((s) => s.claimed).length / claims,
  };
}
