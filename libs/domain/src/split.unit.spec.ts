import fc from 'fast-check';
import { checkShares, LossBearingParty, Part, ShareholdingParty, splitByShares, splitRecovery } from './split';

// Shares are percent scaled by 10^4: 20% = 200000n.
const DEMO: ShareholdingParty[] = [
  { role: 'bank', participant: 'ICBC', sharePct: 200_000n },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: 400_000n },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: 200_000n },
  { role: 'fund', participant: 'NFGF', sharePct: 200_000n },
];

const amounts = (parts: Part[]): Record<string, bigint> => Object.fromEntries(parts.map((p) => [p.participant, p.amount]));

describe('splitting an amount by the demo programme shares 20/40/20/20', () => {
  it('splits a 1,500,000.00 yuan principal into risk amounts 300,000 / 600,000 / 300,000 / 300,000 yuan', () => {
    expect(amounts(splitByShares(150_000_000n, DEMO))).toEqual({ ICBC: 30_000_000n, 'BJ-GUOHUA': 60_000_000n, 'BJ-REG': 30_000_000n, NFGF: 30_000_000n });
  });

  it('gives a 0.01 yuan (1 fen) amount wholly to the guarantor: every 20% of it floors to 0', () => {
    expect(amounts(splitByShares(1n, DEMO))).toEqual({ ICBC: 0n, 'BJ-GUOHUA': 1n, 'BJ-REG': 0n, NFGF: 0n });
  });

  it('never rounds a share up: 20% of 123.46 yuan is 24.69, and the guarantor takes the odd fen', () => {
    // 12,346 x 20% = 2,469.2 -> 2,469 each for three parties = 7,407; guarantor 12,346 - 7,407 = 4,939 (not 40% = 4,938.4)
    expect(amounts(splitByShares(12_346n, DEMO))).toEqual({ ICBC: 2_469n, 'BJ-GUOHUA': 4_939n, 'BJ-REG': 2_469n, NFGF: 2_469n });
  });

  it('splits 1,000,000,000,000.00 yuan (10^14 fen) exactly', () => {
    const parts = splitByShares(100_000_000_000_000n, DEMO);
    expect(amounts(parts)).toEqual({ ICBC: 20_000_000_000_000n, 'BJ-GUOHUA': 40_000_000_000_000n, 'BJ-REG': 20_000_000_000_000n, NFGF: 20_000_000_000_000n });
    expect(parts.reduce((s, p) => s + p.amount, 0n)).toBe(100_000_000_000_000n);
  });

  it('splits 10^14 - 1 fen exactly, where amount x share is far beyond a float', () => {
    // 99,999,999,999,999 x 20% = 19,999,999,999,999.8 -> 19,999,999,999,999 (x3 = 59,999,999,999,997)
    // guarantor: 99,999,999,999,999 - 59,999,999,999,997 = 40,000,000,000,002
    const parts = splitByShares(99_999_999_999_999n, DEMO);
    expect(amounts(parts)).toEqual({ ICBC: 19_999_999_999_999n, 'BJ-GUOHUA': 40_000_000_000_002n, 'BJ-REG': 19_999_999_999_999n, NFGF: 19_999_999_999_999n });
  });

  it('splits nothing into nothing', () => {
    expect(splitByShares(0n, DEMO).map((p) => p.amount)).toEqual([0n, 0n, 0n, 0n]);
  });

  it('keeps the parties in the order given, with their roles', () => {
    expect(splitByShares(100n, DEMO).map((p) => [p.role, p.participant])).toEqual([
      ['bank', 'ICBC'],
      ['guarantor', 'BJ-GUOHUA'],
      ['reguarantor', 'BJ-REG'],
      ['fund', 'NFGF'],
    ]);
  });
});

describe('splitting among N parties, e.g. a province adding a local government fund', () => {
  const FIVE: ShareholdingParty[] = [
    { role: 'bank', participant: 'BOC', sharePct: 200_000n },
    { role: 'guarantor', participant: 'SD-GUAR', sharePct: 300_000n },
    { role: 'reguarantor', participant: 'SD-REG', sharePct: 200_000n },
    { role: 'fund', participant: 'NFGF', sharePct: 200_000n },
    { role: 'local_fund', participant: 'SD-GOV', sharePct: 100_000n },
  ];

  it('floors every non-guarantor share and gives the guarantor the rest', () => {
    // 999 fen: 20% = 199.8 -> 199 (x3 = 597), 10% = 99.9 -> 99; guarantor 999 - 696 = 303
    expect(amounts(splitByShares(999n, FIVE))).toEqual({ BOC: 199n, 'SD-GUAR': 303n, 'SD-REG': 199n, NFGF: 199n, 'SD-GOV': 99n });
  });

  it('splits fractional shares such as 33.3333 / 33.3333 / 33.3334', () => {
    const thirds: ShareholdingParty[] = [
      { role: 'bank', participant: 'B', sharePct: 333_333n },
      { role: 'reguarantor', participant: 'R', sharePct: 333_333n },
      { role: 'guarantor', participant: 'G', sharePct: 333_334n },
    ];
    // 100 fen x 33.3333% = 33.3333 -> 33 each; guarantor 34
    expect(amounts(splitByShares(100n, thirds))).toEqual({ B: 33n, R: 33n, G: 34n });
    // 1 fen: 0, 0, 1
    expect(amounts(splitByShares(1n, thirds))).toEqual({ B: 0n, R: 0n, G: 1n });
  });

  it('gives everything to a guarantor with a 100% share alone', () => {
    expect(amounts(splitByShares(12_345n, [{ role: 'guarantor', participant: 'G', sharePct: 1_000_000n }]))).toEqual({ G: 12_345n });
  });
});

describe('programme shares that cannot be split', () => {
  it('accepts the demo shares', () => {
    expect(checkShares(DEMO)).toEqual({ ok: true });
  });

  it('refuses shares that sum to 99.9999 or 100.0001', () => {
    const short = DEMO.map((p) => (p.role === 'fund' ? { ...p, sharePct: 199_999n } : p));
    const long = DEMO.map((p) => (p.role === 'fund' ? { ...p, sharePct: 200_001n } : p));
    expect(checkShares(short)).toEqual({ ok: false, reason: 'SHARES_NOT_100' });
    expect(checkShares(long)).toEqual({ ok: false, reason: 'SHARES_NOT_100' });
    expect(() => splitByShares(100n, short)).toThrow(RangeError);
  });

  it('refuses no guarantor, or two', () => {
    const none = DEMO.map((p) => (p.role === 'guarantor' ? { ...p, role: 'reguarantor' } : p));
    const two = DEMO.map((p) => (p.role === 'fund' ? { ...p, role: 'guarantor' } : p));
    expect(checkShares(none)).toEqual({ ok: false, reason: 'NOT_ONE_GUARANTOR' });
    expect(checkShares(two)).toEqual({ ok: false, reason: 'NOT_ONE_GUARANTOR' });
    expect(() => splitByShares(100n, two)).toThrow(RangeError);
  });

  it('refuses a negative share even when the sum is 100', () => {
    // 20 + 50 + 20 + 20 - 10 = 100
    const negative: ShareholdingParty[] = [
      { role: 'bank', participant: 'ICBC', sharePct: 200_000n },
      { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: 500_000n },
      { role: 'reguarantor', participant: 'BJ-REG', sharePct: 200_000n },
      { role: 'fund', participant: 'NFGF', sharePct: 200_000n },
      { role: 'local_fund', participant: 'X', sharePct: -100_000n },
    ];
    expect(checkShares(negative)).toEqual({ ok: false, reason: 'NEGATIVE_SHARE' });
  });

  it('throws on a negative amount', () => {
    expect(() => splitByShares(-1n, DEMO)).toThrow(RangeError);
  });
});

describe('sharing a recovery by the loss each party bore', () => {
  // Claim on 10,000.00 yuan unpaid: bank kept 2,000, BJ-REG and NFGF paid support of 2,000 each, guarantor bore 4,000.
  const paidByAll: LossBearingParty[] = [
    { role: 'bank', participant: 'ICBC', loss: 200_000n },
    { role: 'guarantor', participant: 'BJ-GUOHUA', loss: 400_000n },
    { role: 'reguarantor', participant: 'BJ-REG', loss: 200_000n },
    { role: 'fund', participant: 'NFGF', loss: 200_000n },
  ];

  it('floors each non-guarantor part and gives the guarantor the rest', () => {
    // 333,333 x 200,000 / 1,000,000 = 66,666.6 -> 66,666 (x3 = 199,998); guarantor 133,335
    expect(amounts(splitRecovery(333_333n, paidByAll, 1_000_000n))).toEqual({ ICBC: 66_666n, 'BJ-GUOHUA': 133_335n, 'BJ-REG': 66_666n, NFGF: 66_666n });
  });

  it('gives the Fund nothing when it paid no support above its cap, and the guarantor its share instead', () => {
    const fundCapped = paidByAll.map((p) => (p.role === 'fund' ? { ...p, loss: 0n } : p.role === 'guarantor' ? { ...p, loss: 600_000n } : p));
    // bank and BJ-REG 66,666 each; Fund 0; guarantor 333,333 - 133,332 = 200,001
    expect(amounts(splitRecovery(333_333n, fundCapped, 1_000_000n))).toEqual({ ICBC: 66_666n, 'BJ-GUOHUA': 200_001n, 'BJ-REG': 66_666n, NFGF: 0n });
  });

  it('gives a 0.01 yuan (1 fen) recovery to the guarantor', () => {
    expect(amounts(splitRecovery(1n, paidByAll, 1_000_000n))).toEqual({ ICBC: 0n, 'BJ-GUOHUA': 1n, 'BJ-REG': 0n, NFGF: 0n });
  });

  it('returns each party exactly its loss when everything is recovered', () => {
    // unpaid 1,000,001 fen split 20/40/20/20: 200,000 / 400,001 / 200,000 / 200,000
    const losses = paidByAll.map((p) => (p.role === 'guarantor' ? { ...p, loss: 400_001n } : p));
    expect(amounts(splitRecovery(1_000_001n, losses, 1_000_001n))).toEqual({ ICBC: 200_000n, 'BJ-GUOHUA': 400_001n, 'BJ-REG': 200_000n, NFGF: 200_000n });
  });

  it('stays exact on a recovery of 10^14 - 1 fen', () => {
    const huge = paidByAll.map((p) => ({ ...p, loss: p.loss * 100_000_000n })); // unpaid 10^14 fen
    // (10^14 - 1) x 2 x 10^13 / 10^14 = 19,999,999,999,999.8 -> 19,999,999,999,999; guarantor 40,000,000,000,002
    expect(amounts(splitRecovery(99_999_999_999_999n, huge, 100_000_000_000_000n))).toEqual({
      ICBC: 19_999_999_999_999n,
      'BJ-GUOHUA': 40_000_000_000_002n,
      'BJ-REG': 19_999_999_999_999n,
      NFGF: 19_999_999_999_999n,
    });
  });

  it('throws when the losses do not add up to the unpaid principal, or the guarantor is not unique', () => {
    expect(() => splitRecovery(100n, paidByAll, 1_000_001n)).toThrow(RangeError);
    expect(() => splitRecovery(100n, paidByAll.map((p) => ({ ...p, role: 'bank' })), 1_000_000n)).toThrow(RangeError);
    expect(() => splitRecovery(100n, [{ role: 'guarantor', participant: 'G', loss: 0n }], 0n)).toThrow(RangeError);
    expect(() => splitRecovery(-1n, paidByAll, 1_000_000n)).toThrow(RangeError);
  });
});

describe('split properties for any amount and any valid shares', () => {
  // Shares: k+1 gaps between sorted cut points in [0, 100%] sum to exactly 100%. One of them is the guarantor.
  const sharesArb = fc
    .tuple(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 7 }), fc.nat())
    .map(([cuts, g]) => {
      const points = [0, ...[...cuts].sort((a, b) => a - b), 1_000_000];
      const guarantor = g % (points.length - 1);
      return points.slice(1).map(
        (p, i): ShareholdingParty => ({ participant: `P${i}`, role: i === guarantor ? 'guarantor' : 'other', sharePct: BigInt(p - points[i]) }),
      );
    });
  const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: 100_000_000_000_000n }), fc.bigInt({ min: 99_999_999_990_000n, max: 100_000_000_000_000n }));

  it('parts always sum to the amount and each non-guarantor part is floor(amount x pct / 100)', () => {
    fc.assert(
      fc.property(amountArb, sharesArb, (amount, parties) => {
        const parts = splitByShares(amount, parties);
        expect(parts.map((p) => p.participant)).toEqual(parties.map((p) => p.participant));
        expect(parts.reduce((s, p) => s + p.amount, 0n)).toBe(amount);
        parts.forEach((part, i) => {
          if (part.role === 'guarantor') {
            expect(part.amount).toBeGreaterThanOrEqual(0n);
          } else {
            // floor by definition: part <= amount x pct / 100 < part + 1, with pct scaled by 10^4
            expect(part.amount * 1_000_000n <= amount * parties[i].sharePct).toBe(true);
            expect(amount * parties[i].sharePct < (part.amount + 1n) * 1_000_000n).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('recovery parts always sum to the amount and each non-guarantor part is floor(amount x loss / unpaid)', () => {
    const caseArb = fc.bigInt({ min: 1n, max: 100_000_000_000_000n }).chain((unpaid) =>
      fc.record({
        unpaid: fc.constant(unpaid),
        amount: fc.bigInt({ min: 0n, max: unpaid }),
        cuts: fc.array(fc.bigInt({ min: 0n, max: unpaid }), { maxLength: 5 }),
        g: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ unpaid, amount, cuts, g }) => {
        const points = [0n, ...[...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), unpaid];
        const guarantor = g % (points.length - 1);
        const losses = points.slice(1).map((p, i): LossBearingParty => ({ participant: `P${i}`, role: i === guarantor ? 'guarantor' : 'other', loss: p - points[i] }));
        const parts = splitRecovery(amount, losses, unpaid);
        expect(parts.reduce((s, p) => s + p.amount, 0n)).toBe(amount);
        parts.forEach((part, i) => {
          if (part.role === 'guarantor') return;
          expect(part.amount * unpaid <= amount * losses[i].loss).toBe(true);
          expect(amount * losses[i].loss < (part.amount + 1n) * unpaid).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});
