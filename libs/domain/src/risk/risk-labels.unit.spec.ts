import { deciderSpecification } from '../../../testing/src/decider-specification';
import { RiskLimits, RiskLoan } from './risk-inputs';
import { RiskFact, RiskLedger, emptyLedger, evolveRiskLedger, labelChunk } from './risk-ledger';
import { RISK_FEATURES, RiskAssessment, RiskModel, assessRisk, compareDecimal } from './risk-model';
import { RISK_MODEL, RISK_MODELS } from './models';

const LIMITS: RiskLimits = { maxBorrowerPrincipalFen: 1_000_000_000n, termMonthsMax: 36, maxInterestRatePct: '8.00' };

/** A model with one weight per feature, for scenarios that need the score to move. */
const MODEL: RiskModel = {
  version: 'test-1',
  features: [...RISK_FEATURES],
  center: RISK_FEATURES.map(() => 0),
  scale: RISK_FEATURES.map(() => 1),
  intercept: -8,
  weights: [0.5, 0.4, 0, 2, 0.3, -0.2, 0, 2, 2, 2, 1],
  precision: 6,
  highScore: '0.0500',
  trainedOn: { source: 'by hand', guarantees: 0, claims: 0, seed: 0, epochs: 0 },
};

let n = 0;
function loan(overrides: Partial<RiskLoan> = {}): RiskLoan {
  n++;
  return {
    guaranteeId: `ICBC/L-${n}`,
    programme: 'P',
    bank: 'ICBC',
    borrowerId: `B-${n}`,
    borrowerType: 'micro',
    industrySection: 'C',
    regionCode: '110105',
    sciTech: false,
    agriRelated: false,
    principalFen: 50_000_000n,
    interestRatePct: '4.50',
    disbursedOn: '2025-06-10',
    maturesOn: '2026-06-10',
    termDays: 365,
    ...overrides,
  };
}

const recorded = (...loans: RiskLoan[]): RiskFact => ({ type: 'guarantees-recorded', programme: 'P', guarantees: loans.map((l) => ({ guaranteeId: l.guaranteeId, borrowerId: l.borrowerId, principalFen: l.principalFen })) });
const issued = (...loans: RiskLoan[]): RiskFact[] => [recorded(...loans), { type: 'risks-labelled', loans }];
const claimed = (l: RiskLoan, overdueSince = '2024-01-01'): RiskFact => ({ type: 'claimed', guaranteeId: l.guaranteeId, overdueSince });
const many = (count: number, overrides: Partial<RiskLoan>) => Array.from({ length: count }, () => loan(overrides));

type Labelled = { type: 'labelled'; assessments: RiskAssessment[] };
/** Labelling a chunk as a decider: the chunk is recorded first (its borrowers' exposure includes it), then scored on the history before it. */
const labelling = deciderSpecification<RiskLedger, { loans: RiskLoan[]; model?: RiskModel }, RiskFact | Labelled>({
  initialState: emptyLedger,
  evolve: (s, e) => (e.type === 'labelled' ? s : evolveRiskLedger(s, e)),
  decide: (s, c) => {
    evolveRiskLedger(s, recorded(...c.loans));
    return [{ type: 'labelled', assessments: labelChunk(s, c.model ?? MODEL, c.loans, () => LIMITS) }];
  },
});
const codesOf = (events: readonly (RiskFact | Labelled)[]) => (events[0] as Labelled).assessments.map((a) => a.labels.map((l) => l.code));
const labelsOf = (events: readonly (RiskFact | Labelled)[]) => (events[0] as Labelled).assessments[0].labels;

describe('risk labels', () => {
  test('a plain loan on no history gets a score and no label', () => {
    labelling([]).when({ loans: [loan()] }).then((events) => {
      const [a] = (events[0] as Labelled).assessments;
      expect(a.score).toMatch(/^0\.\d{4}$/);
      expect(a.labels).toEqual([]);
      expect(a.contributions.map((c) => c.feature)).toEqual([...RISK_FEATURES]);
    });
  });

  test('the same history and loan give the same score, labels and contributions, every time', () => {
    const history = [...issued(...many(30, { industrySection: 'F' })), ...issued(...many(30, {}))];
    const l = loan({ industrySection: 'F', interestRatePct: '7.90' });
    const once = labelling(history).when({ loans: [l] });
    const again = labelling(history).when({ loans: [l] });
    let first: unknown;
    once.then((e) => (first = e));
    again.then((e) => expect(e).toEqual(first));
  });

  test('a borrower whose outstanding principal reaches 80% of the limit: EXPOSURE_NEAR_LIMIT, with the amounts', () => {
    const before = loan({ borrowerId: 'B-BIG', principalFen: 750_000_000n });
    labelling(issued(before)).when({ loans: [loan({ borrowerId: 'B-BIG', principalFen: 50_000_000n })] }).then((events) => {
      const [label] = labelsOf(events);
      expect(label.code).toBe('EXPOSURE_NEAR_LIMIT');
      expect(label.reason).toContain('is 8000000.00 of the 10000000.00 limit');
      expect(label.feature).toBe('exposure_share');
      expect(label.contribution).toBe('1.6000'); // weight 2 x exposure share 0.8
    });
  });

  test('just under 80% of the limit: no exposure label', () => {
    const before = loan({ borrowerId: 'B-SOME', principalFen: 749_999_999n });
    labelling(issued(before)).when({ loans: [loan({ borrowerId: 'B-SOME', principalFen: 50_000_000n })] }).then((events) => expect(codesOf(events)).toEqual([[]]));
  });

  test('an industry section whose claim rate is above 1.5 times the programme\'s: INDUSTRY_CLAIM_RATE, with both rates', () => {
    const risky = many(20, { industrySection: 'F' });
    const others = many(80, {});
    const history = [...issued(...risky, ...others), ...risky.slice(0, 4).map((l) => claimed(l)), claimed(others[0])];
    labelling(history).when({ loans: [loan({ industrySection: 'F' })] }).then((events) => {
      const [label] = labelsOf(events);
      expect(label.code).toBe('INDUSTRY_CLAIM_RATE');
      expect(label.reason).toBe('industry section F: 4 claims of 20 guarantees (20.0%), the programme 5 claims of 100 guarantees (5.0%)');
      expect(label.feature).toBe('industry_claim_rate');
    });
  });

  test('an industry section with too few guarantees to judge gets no label, whatever its claims', () => {
    const risky = many(19, { industrySection: 'F' });
    const history = [...issued(...risky, ...many(80, {})), ...risky.slice(0, 10).map((l) => claimed(l))];
    labelling(history).when({ loans: [loan({ industrySection: 'F' })] }).then((events) => expect(codesOf(events)).toEqual([[]]));
  });

  test('a region whose claim rate is above the programme\'s: REGION_CLAIM_RATE', () => {
    const risky = many(25, { regionCode: '110112' });
    const history = [...issued(...risky, ...many(75, {})), ...risky.slice(0, 5).map((l) => claimed(l))];
    labelling(history).when({ loans: [loan({ regionCode: '110112' })] }).then((events) => {
      const [label] = labelsOf(events);
      expect(label.code).toBe('REGION_CLAIM_RATE');
      expect(label.reason).toContain('region 110112: 5 claims of 25 guarantees (20.0%)');
    });
  });

  test('a bank whose claimed loans fell overdue more in the recent three months than the three before: BANK_OVERDUE_RISING', () => {
    const old = many(10, {});
    // disbursed in June: the 3 months before it are not compared (none could be claimed yet);
    // recent are February, January, December; earlier November, October, September
    const history = [...issued(...old), claimed(old[0], '2024-10-15'), claimed(old[1], '2024-12-02'), claimed(old[2], '2025-02-20'), claimed(old[3], '2025-04-01'), claimed(old[4], '2025-05-01')];
    labelling(history).when({ loans: [loan()] }).then((events) => {
      const [label] = labelsOf(events);
      expect(label.code).toBe('BANK_OVERDUE_RISING');
      expect(label.reason).toBe("ICBC's claimed loans that fell overdue: 2 in 2024-12 to 2025-02, 1 in 2024-09 to 2024-11");
    });
  });

  test('as many overdue claims recently as before: not rising', () => {
    const old = many(10, {});
    const history = [...issued(...old), claimed(old[0], '2024-10-15'), claimed(old[1], '2024-11-15'), claimed(old[2], '2025-01-02'), claimed(old[3], '2025-02-20')];
    labelling(history).when({ loans: [loan()] }).then((events) => expect(codesOf(events)).toEqual([[]]));
  });

  test('a term within 3 months of the programme\'s maximum: TERM_AT_EDGE; 33 months exactly is not', () => {
    labelling([]).when({ loans: [loan({ maturesOn: '2028-04-10', termDays: 1035 }), loan({ maturesOn: '2028-03-10', termDays: 1004 })] }).then((events) => {
      expect(codesOf(events)).toEqual([['TERM_AT_EDGE'], []]);
      expect((events[0] as Labelled).assessments[0].labels[0].reason).toBe("matures on 2028-04-10, within 3 months of the programme's 36-month maximum");
    });
  });

  test('a rate of at least 90% of the programme\'s maximum: RATE_AT_EDGE; 7.19% of 8.00% is not', () => {
    labelling([]).when({ loans: [loan({ interestRatePct: '7.20' }), loan({ interestRatePct: '7.19' })] }).then((events) => {
      expect(codesOf(events)).toEqual([['RATE_AT_EDGE'], []]);
      expect((events[0] as Labelled).assessments[0].labels[0].contribution).toBe('3.6000'); // 0.5 x 7.2
    });
  });

  test('a score in the model\'s top tenth: MODEL_HIGH_SCORE, naming the features that raised it most', () => {
    labelling([]).when({ loans: [loan({ interestRatePct: '7.90', maturesOn: '2028-06-01', termDays: 1087 })] }).then((events) => {
      const labels = labelsOf(events);
      expect(labels.map((l) => l.code)).toEqual(['TERM_AT_EDGE', 'RATE_AT_EDGE', 'MODEL_HIGH_SCORE']);
      expect(labels[2].reason).toMatch(/^score 0\.\d{4} is at or above 0\.0500 \(model test-1's top tenth\); raised most by interest_rate_pct 3\.9500, term_years 1\.1912/);
    });
  });

  test('a guarantee labelled again (a newer model) is not counted as issued twice', () => {
    const l = loan();
    const s = [...issued(l), { type: 'risks-labelled', loans: [l] } as RiskFact].reduce(evolveRiskLedger, emptyLedger());
    expect(s.tallies.get('P|programme|')).toEqual({ issued: 1, claimed: 0 });
  });

  test('a claim frees the borrower\'s exposure and counts in each slice of its guarantee', () => {
    const l = loan({ borrowerId: 'B-X', industrySection: 'F', regionCode: '110112' });
    const s = [...issued(l), claimed(l, '2025-05-01')].reduce(evolveRiskLedger, emptyLedger());
    expect(s.borrowers.get('P|B-X')).toBe(0n);
    expect([...s.tallies]).toEqual([
      ['P|programme|', { issued: 1, claimed: 1 }],
      ['P|bank|ICBC', { issued: 1, claimed: 1 }],
      ['P|region|110112', { issued: 1, claimed: 1 }],
      ['P|industry|F', { issued: 1, claimed: 1 }],
    ]);
    expect([...s.overdue]).toEqual([['P|ICBC|2025-05', 1]]);
  });

  test('the committed model reads the scoring\'s features, and each of its versions is a file of its own', () => {
    expect(RISK_MODEL.features).toEqual([...RISK_FEATURES]);
    expect(RISK_MODELS.get(RISK_MODEL.version)).toBe(RISK_MODEL);
    const a = assessRisk(RISK_MODEL, loan({ guaranteeId: 'X/1' }), { programme: { issued: 0, claimed: 0 }, bank: { issued: 0, claimed: 0 }, region: { issued: 0, claimed: 0 }, industry: { issued: 0, claimed: 0 }, bankOverdueRecent: 0, bankOverdueEarlier: 0, borrowerOutstandingFen: 50_000_000n }, LIMITS);
    expect(a.modelVersion).toBe(RISK_MODEL.version);
  });

  test('decimals compare exactly', () => {
    expect(compareDecimal('0.1000', '0.1')).toBe(0);
    expect(compareDecimal('0.0999', '0.1')).toBe(-1);
    expect(compareDecimal('1', '0.9999')).toBe(1);
  });
});
