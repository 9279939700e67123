import { RISK_FEATURES, backtest, trainRiskModel } from '@g2g/domain';
import { generatePortfolio, portfolioFacts, portfolioServicingCsv } from './generate-portfolio';
import { backtestPortfolio, examplesOf, trainOnPortfolio } from './portfolio-backtest';

const LOANS = 6000;

describe('portfolios with a life after issue, and the model trained on them', () => {
  test('the same options give the same loans, defaults and dates', () => {
    const a = generatePortfolio({ loans: 600, bank: 'ICBC', seed: 3, defaults: 'dependent' });
    const b = generatePortfolio({ loans: 600, bank: 'ICBC', seed: 3, defaults: 'dependent' });
    expect(portfolioServicingCsv(a)).toEqual(portfolioServicingCsv(b));
    expect(a.loans.filter((l) => l.claim).length).toBeGreaterThan(10);
    for (const l of a.loans.filter((x) => x.claim)) {
      expect(l.claim!.overdueSince > l.loan.disbursedOn).toBe(true);
      expect(l.claim!.claimedOn >= l.claim!.overdueSince).toBe(true);
    }
  });

  test('training is deterministic for a seed: the same examples and seed give the same model, number for number', () => {
    const p = generatePortfolio({ loans: 2000, bank: 'ICBC', seed: 5, defaults: 'dependent' });
    const options = { version: 'v', source: 's', seed: 9, epochs: 10 };
    const one = trainOnPortfolio(p, options);
    expect(trainOnPortfolio(p, options)).toEqual(one);
    expect(one.weights).toHaveLength(RISK_FEATURES.length);
    // another seed visits the examples in another order
    expect(trainOnPortfolio(p, { ...options, seed: 10 }).weights).not.toEqual(one.weights);
  });

  test('on a portfolio whose defaults depend on the loans, the model ranks the later claims well; on one whose defaults do not, no better than chance', () => {
    const model = trainOnPortfolio(generatePortfolio({ loans: LOANS, bank: 'ICBC', seed: 11, defaults: 'dependent' }), { version: 'v', source: 's', seed: 1, epochs: 20 });
    // scored on portfolios it was not trained on
    const dependent = backtestPortfolio(generatePortfolio({ loans: LOANS, bank: 'ICBC', seed: 12, defaults: 'dependent' }), model);
    const independent = backtestPortfolio(generatePortfolio({ loans: LOANS, bank: 'ICBC', seed: 12, defaults: 'independent' }), model);
    expect(dependent.claims).toBeGreaterThan(200);
    expect(dependent.auc!).toBeGreaterThan(0.65);
    expect(dependent.topDecileClaimShare!).toBeGreaterThan(0.2);
    expect(independent.auc!).toBeGreaterThan(0.44);
    expect(independent.auc!).toBeLessThan(0.56);
    // and a model trained on noise finds nothing to rank by
    const noise = trainRiskModel(examplesOf(portfolioFacts(generatePortfolio({ loans: LOANS, bank: 'ICBC', seed: 13, defaults: 'independent' })).facts), { version: 'n', source: 's', seed: 1, epochs: 20 });
    expect(backtestPortfolio(generatePortfolio({ loans: LOANS, bank: 'ICBC', seed: 14, defaults: 'independent' }), noise).auc!).toBeLessThan(0.56);
  });

  test('AUC and the top decile, on scores whose order is known', () => {
    expect(backtest([0.9, 0.8, 0.1, 0.2].map((score, i) => ({ score, claimed: i < 2 })))).toEqual({ guarantees: 4, claims: 2, auc: 1, topDecileClaimShare: 0.5 });
    expect(backtest([0.5, 0.5].map((score, i) => ({ score, claimed: i === 0 }))).auc).toBe(0.5);
    expect(backtest([{ score: 0.1, claimed: false }]).auc).toBeNull();
  });
});
