import { ShareholdingParty } from '../split';
import { ClaimTerms, GuaranteeState, atWarningLine, crossesWarningLine, decideClaim, warningLinePct } from './servicing';

// Rates are percent scaled by 10^4: 3.0% = 30000n.
const BREAKER = 30_000n;
const DEMO: ShareholdingParty[] = [
  { role: 'bank', participant: 'ICBC', sharePct: 200_000n },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: 400_000n },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: 200_000n },
  { role: 'fund', participant: 'NFGF', sharePct: 200_000n },
];
const TERMS: ClaimTerms = { claimGraceDays: 90, claimCoversInterest: false, fundCapPct: 40_000n, breakerPct: BREAKER };
/** 10,000,000.00 yuan ever guaranteed: the warning line of 2.4% is 240,000.00 yuan compensated. */
const PRINCIPAL = 1_000_000_000n;
const LINE = 24_000_000n;

/** An in-force loan whose claim compensates exactly `compensation` (80% of its principal: the non-bank parts). */
const loan = (compensation: bigint): GuaranteeState => {
  const principal = (compensation * 10n) / 8n;
  return { guaranteeId: 'ICBC/L9', programme: 'P', status: 'in_force', principal, outstanding: principal, parties: DEMO };
};
const claim = (g: GuaranteeState, paidBefore: bigint) => {
  const d = decideClaim(g, { overdueSince: '2025-03-01', claimedOn: '2025-05-30', unpaidPrincipal: g.outstanding, unpaidInterest: 0n }, TERMS, { principalGuaranteed: PRINCIPAL, compensationPaid: paidBefore });
  if (d.outcome !== 'accepted') throw new Error(d.code);
  return d;
};

describe('the warning line: a loss ratio at or above 8/10 of the breaker', () => {
  it('is 2.4% for a 3.0% breaker, exactly, and keeps every decimal of a breaker', () => {
    expect(warningLinePct(30_000n)).toBe('2.4');
    expect(warningLinePct(30_001n)).toBe('2.40008');
    expect(warningLinePct(50_000n)).toBe('4');
  });

  it('a ratio exactly at 80% of the breaker is at the line; one fen less is not', () => {
    expect(atWarningLine(LINE, PRINCIPAL, BREAKER)).toBe(true);
    expect(atWarningLine(LINE - 1n, PRINCIPAL, BREAKER)).toBe(false);
  });

  it('nothing guaranteed and nothing compensated is not at the line', () => {
    expect(atWarningLine(0n, 0n, BREAKER)).toBe(false);
  });
});

describe('a claim crossing the warning line raises the warning once per crossing', () => {
  it('a claim that lands exactly on 80% of the breaker warns', () => {
    // 200,000.00 compensated before, this claim 40,000.00: 240,000.00 / 10,000,000.00 = 2.4%
    const d = claim(loan(4_000_000n), 20_000_000n);
    expect(d.lossRatio.compensationPaid).toBe(LINE);
    expect(d.warns).toBe(true);
    expect(d.suspends).toBe(false);
  });

  it('a claim that stops one fen short of the line does not warn', () => {
    expect(crossesWarningLine({ principalGuaranteed: PRINCIPAL, compensationPaid: 20_000_000n }, LINE - 1n, BREAKER)).toBe(false);
    const d = claim(loan(4_000_000n), 20_000_000n - 1n);
    expect(d.lossRatio.compensationPaid).toBe(LINE - 1n);
    expect(d.warns).toBe(false);
  });

  it('a claim after the crossing, the ratio still at or above the line, does not warn again', () => {
    const d = claim(loan(800_000n), LINE);
    expect(d.warns).toBe(false);
  });

  it('a claim that jumps past the breaker at once warns as well as suspends', () => {
    // from 1.0% to 3.2%: below the line before, above the breaker after
    const d = claim(loan(22_000_000n), 10_000_000n);
    expect(d.suspends).toBe(true);
    expect(d.warns).toBe(true);
  });

  it('new loans that bring the ratio back below the line let the next crossing warn again', () => {
    // 240,000.00 compensated of 10,000,000.00 (at the line); then 10,000,000.00 more guaranteed: 1.2%
    const more = { principalGuaranteed: 2n * PRINCIPAL, compensationPaid: LINE };
    expect(atWarningLine(more.compensationPaid, more.principalGuaranteed, BREAKER)).toBe(false);
    expect(crossesWarningLine(more, 2n * LINE, BREAKER)).toBe(true);
  });
});
