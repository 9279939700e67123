import { DEMO_REGUARANTEE_FEE_RATES, guaranteeFee, reguaranteeFee, reguaranteeFeePct, termDays } from './fees';

describe('guarantee fee on issue', () => {
  it('counts term days as matures_on - disbursed_on', () => {
    expect(termDays('2025-01-15', '2026-01-15')).toBe(365);
    expect(termDays('2024-01-01', '2025-01-01')).toBe(366);
    expect(termDays('2025-01-31', '2025-02-28')).toBe(28);
    expect(() => termDays('2025-01-15', '2025-01-15')).toThrow(RangeError);
  });

  it('charges a 1,500,000.00 yuan loan at 0.62% for a full year 9,300.00 yuan', () => {
    // 150,000,000 fen x 0.62 / 100 x 365 / 365 = 930,000 fen
    expect(guaranteeFee(150_000_000n, 6200n, 365)).toBe(930_000n);
  });

  it('prorates by term days over 365 and rounds to the fen', () => {
    // 930,000 x 181 / 365 = 168,330,000 / 365 = 461,178 rem 30 (0.08 fen) -> 461,178
    expect(guaranteeFee(150_000_000n, 6200n, 181)).toBe(461_178n);
  });

  it('charges 366 days in a leap year, over 365', () => {
    // 36,500 fen x 1% = 365 fen a year; x 366 / 365 = 366 fen
    expect(guaranteeFee(36_500n, 10_000n, 366)).toBe(366n);
  });

  it('rounds exactly half a fen up, and just under half down', () => {
    // 1,000,050 fen x 1% x 365/365 = 10,000.50 fen -> 10,001
    expect(guaranteeFee(1_000_050n, 10_000n, 365)).toBe(10_001n);
    // 1,000,049 fen -> 10,000.49 fen -> 10,000
    expect(guaranteeFee(1_000_049n, 10_000n, 365)).toBe(10_000n);
  });

  it('charges a 1 fen loan nothing and a zero rate nothing', () => {
    expect(guaranteeFee(1n, 10_000n, 365)).toBe(0n); // 0.01 fen
    expect(guaranteeFee(150_000_000n, 0n, 365)).toBe(0n);
  });

  it('stays exact on a 1,000,000,000,000 yuan loan', () => {
    // 10^14 fen x 0.9999% x 1096 / 365 = 10^14 x 9999 x 1096 / (10^6 x 365)
    //   = 10^8 x 10,958,904 / 365 = 1,095,890,400,000,000 / 365 = 3,002,439,452,054.79... -> 3,002,439,452,055
    expect(guaranteeFee(100_000_000_000_000n, 9999n, 1096)).toBe(3_002_439_452_055n);
  });
});

describe('re-guarantee fee charged by each re-guarantor and the Fund', () => {
  it('applies 0.3 to a loan of exactly 5,000,000.00 yuan', () => {
    expect(reguaranteeFeePct(500_000_000n, DEMO_REGUARANTEE_FEE_RATES)).toBe(3000n);
  });

  it('applies 0.5 to a loan of 5,000,000.01 yuan', () => {
    expect(reguaranteeFeePct(500_000_001n, DEMO_REGUARANTEE_FEE_RATES)).toBe(5000n);
  });

  it('takes the percentages from the programme parameters', () => {
    const rates = { defaultPct: 4000n, principalAtMost5mPct: 2500n };
    expect(reguaranteeFeePct(1n, rates)).toBe(2500n);
    expect(reguaranteeFeePct(500_000_001n, rates)).toBe(4000n);
  });

  it('charges the Beijing re-guarantor 3,000.00 yuan a year on its 20% of a 5,000,000.00 yuan loan', () => {
    // risk 100,000,000 fen x 0.3% = 300,000 fen
    expect(reguaranteeFee(100_000_000n, 3000n, 365)).toBe(300_000n);
  });

  it('charges 5,000.00 yuan a year on a 20% risk of a 5,000,000.01 yuan loan', () => {
    // risk floor(500,000,001 x 20 / 100) = 100,000,000 fen x 0.5% = 500,000 fen
    expect(reguaranteeFee(100_000_000n, 5000n, 365)).toBe(500_000n);
  });

  it('rounds half a fen up', () => {
    expect(reguaranteeFee(100n, 5000n, 365)).toBe(1n); // 100 x 0.5% = 0.5 fen
    expect(reguaranteeFee(99n, 5000n, 365)).toBe(0n); // 0.495 fen
    // 60 days: 1,000,000 fen x 0.3% x 60/365 = 180,000/365 = 493.15 -> 493
    expect(reguaranteeFee(1_000_000n, 3000n, 60)).toBe(493n);
  });
});
