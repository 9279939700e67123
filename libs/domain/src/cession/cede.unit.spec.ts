import { cessionsOf } from './cede';

const parties = [
  { participant: 'ICBC', role: 'bank', sharePct: 200_000n },
  { participant: 'BJ-GUOHUA', role: 'guarantor', sharePct: 400_000n },
  { participant: 'BJ-REG', role: 'reguarantor', sharePct: 200_000n },
  { participant: 'NFGF', role: 'fund', sharePct: 200_000n },
];

describe('ceding an issued guarantee', () => {
  it('gives each re-guarantor and the Fund its floor part and its fee, rounded half-up', () => {
    // 1,000,000.01 yuan: 20 % is 20,000,000.2 fen -> 20,000,000; fee 0.3 % x 365/365 = 60,000 fen
    expect(cessionsOf(100_000_001n, parties, 3_000n, 365)).toEqual([
      { participant: 'BJ-REG', role: 'reguarantor', risk: 20_000_000n, fee: 60_000n },
      { participant: 'NFGF', role: 'fund', risk: 20_000_000n, fee: 60_000n },
    ]);
  });

  it('cedes nothing for a programme without re-guarantors', () => {
    expect(cessionsOf(100n, [parties[0], { ...parties[1], sharePct: 800_000n }], 5_000n, 30)).toEqual([]);
  });

  it('charges by the term in days: half a year is half the fee', () => {
    const [reg] = cessionsOf(730_000_00n, parties, 5_000n, 182); // risk 146,000.00 yuan; 0.5 % x 182/365
    expect(reg.fee).toBe(36_400n); // 14,600,000 x 0.005 x 182 / 365 = 36,400 fen exactly
  });
});
