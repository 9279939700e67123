import fc from 'fast-check';
import { Fen } from '../money';
import { Rate } from '../rate';
import { LossBearingParty, Part, ShareholdingParty } from '../split';
import {
  ClaimDecision,
  ClaimTerms,
  decideClaim,
  decideRecovery,
  decideRepayment,
  evolveClaimed,
  evolveRecovered,
  evolveRepaid,
  GuaranteeState,
  ProgrammeLosses,
  RecoveryDecision,
  RepaymentDecision,
} from './servicing';

// Shares and rates are percent scaled by 10^4: 20% = 200000n, 4.0% = 40000n.
const DEMO: ShareholdingParty[] = [
  { role: 'bank', participant: 'ICBC', sharePct: 200_000n },
  { role: 'guarantor', participant: 'BJ-GUOHUA', sharePct: 400_000n },
  { role: 'reguarantor', participant: 'BJ-REG', sharePct: 200_000n },
  { role: 'fund', participant: 'NFGF', sharePct: 200_000n },
];

/** The demo programme's claim parameters: 90 grace days, principal only, Fund cap 4.0%, breaker 3.0%. */
const DEMO_TERMS: ClaimTerms = { claimGraceDays: 90, claimCoversInterest: false, fundCapPct: 40_000n, breakerPct: 30_000n };

/** 10,000,000,000.00 yuan ever guaranteed and nothing compensated: one loan's claim stays far below 3%. */
const ROOMY: ProgrammeLosses = { principalGuaranteed: 1_000_000_000_000n, compensationPaid: 0n };

/** A 1,000,000.00 yuan loan in force, nothing repaid yet. */
const guarantee = (changes: Partial<GuaranteeState> = {}): GuaranteeState => ({
  guaranteeId: 'ICBC/IOU-0001',
  programme: 'NFGF-G2G-BJ-2025',
  status: 'in_force',
  principal: 100_000_000n,
  outstanding: 100_000_000n,
  parties: DEMO,
  ...changes,
});

/** Overdue since 2025-03-01; 2025-03-01 + 90 days = 2025-05-30 (March 31, April 30: 30 + 30 + 30 days). */
const claimFacts = (changes: Partial<{ overdueSince: string; claimedOn: string; unpaidPrincipal: Fen; unpaidInterest: Fen }> = {}) => ({
  overdueSince: '2025-03-01',
  claimedOn: '2025-05-30',
  unpaidPrincipal: 100_000_000n,
  unpaidInterest: 0n,
  ...changes,
});

type Accepted<D> = Extract<D, { outcome: 'accepted' }>;

function accepted<D extends { outcome: 'accepted' | 'rejected' }>(decision: D): Accepted<D> {
  if (decision.outcome !== 'accepted') throw new Error(`expected accepted, got rejected ${(decision as { code?: string }).code}`);
  return decision as Accepted<D>;
}

const byParty = (parts: readonly Part[]): Record<string, bigint> => Object.fromEntries(parts.map((p) => [p.participant, p.amount]));
const lossesByParty = (losses: readonly LossBearingParty[]): Record<string, bigint> => Object.fromEntries(losses.map((l) => [l.participant, l.loss]));
/** What `participant` pays in support: 0 when it is not listed. */
const supportFrom = (d: Accepted<ClaimDecision>, participant: string): Fen => d.support.filter((p) => p.participant === participant).reduce((s, p) => s + p.amount, 0n);
const sum = (xs: readonly bigint[]): bigint => xs.reduce((s, x) => s + x, 0n);

/** The demo loan, claimed in full on time (1,000,000.00 yuan unpaid, Fund under its cap). */
const claimedDemoLoan = (): GuaranteeState => evolveClaimed(guarantee(), accepted(decideClaim(guarantee(), claimFacts(), DEMO_TERMS, ROOMY)), '2025-05-30');

describe('repayments', () => {
  it('a partial repayment lowers the outstanding principal and keeps the guarantee in force', () => {
    // 1,000,000.00 - 300,000.00 = 700,000.00 yuan
    const d = accepted(decideRepayment(guarantee(), 30_000_000n));
    expect(d).toEqual({ outcome: 'accepted', amount: 30_000_000n, outstandingAfter: 70_000_000n, released: false });
    const after = evolveRepaid(guarantee(), d);
    expect(after.status).toBe('in_force');
    expect(after.outstanding).toBe(70_000_000n);
    expect(after.principal).toBe(100_000_000n);
  });

  it('a repayment of exactly the outstanding principal brings it to zero and releases the guarantee', () => {
    const partlyRepaid = guarantee({ outstanding: 70_000_000n });
    const d = accepted(decideRepayment(partlyRepaid, 70_000_000n));
    expect(d).toEqual({ outcome: 'accepted', amount: 70_000_000n, outstandingAfter: 0n, released: true });
    const after = evolveRepaid(partlyRepaid, d);
    expect(after.status).toBe('released');
    expect(after.outstanding).toBe(0n);
  });

  it('OVERPAYMENT: one fen more than the outstanding principal, and nothing changes', () => {
    // outstanding 700,000.00 yuan; 700,000.01 is one fen too much
    expect(decideRepayment(guarantee({ outstanding: 70_000_000n }), 70_000_001n)).toEqual({ outcome: 'rejected', code: 'OVERPAYMENT' });
    // a fresh loan: 1,000,000.01 yuan on 1,000,000.00
    expect(decideRepayment(guarantee(), 100_000_001n)).toEqual({ outcome: 'rejected', code: 'OVERPAYMENT' });
  });

  it('NOT_IN_FORCE: a repayment on a loan already repaid and released', () => {
    const released = evolveRepaid(guarantee(), accepted(decideRepayment(guarantee(), 100_000_000n)));
    // 1 fen would also be an overpayment on 0 outstanding: NOT_IN_FORCE comes first
    expect(decideRepayment(released, 1n)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
  });

  it('NOT_IN_FORCE: a repayment on a loan already claimed', () => {
    expect(decideRepayment(claimedDemoLoan(), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
  });

  it('NOT_IN_FORCE: a repayment on a loan rejected at filing, even for less than its principal', () => {
    expect(decideRepayment(guarantee({ status: 'rejected', outstanding: 0n }), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
    expect(decideRepayment(guarantee({ status: 'rejected' }), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
  });
});

describe('claims under the demo shares (bank 20, guarantor 40, re-guarantor 20, Fund 20)', () => {
  it('a round claim: the guarantor compensates the bank 80%, the re-guarantor and the Fund each support 20%', () => {
    // unpaid 1,000,000.00 yuan = 100,000,000 fen: parts 20,000,000 / 40,000,000 / 20,000,000 / 20,000,000
    // compensation = every non-bank part = 80,000,000 (800,000.00 yuan)
    // support: BJ-REG 20,000,000 and NFGF 20,000,000; the guarantor bears 80,000,000 - 40,000,000 = 40,000,000
    const d = accepted(decideClaim(guarantee(), claimFacts(), DEMO_TERMS, ROOMY));
    expect(d.unpaidPrincipal).toBe(100_000_000n);
    expect(d.claimAmount).toBe(100_000_000n);
    expect(byParty(d.parts)).toEqual({ ICBC: 20_000_000n, 'BJ-GUOHUA': 40_000_000n, 'BJ-REG': 20_000_000n, NFGF: 20_000_000n });
    expect(d.compensation).toBe(80_000_000n);
    expect(byParty(d.support)).toEqual({ 'BJ-REG': 20_000_000n, NFGF: 20_000_000n });
    expect(d.fundPaid).toBe(true);
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 20_000_000n, 'BJ-GUOHUA': 40_000_000n, 'BJ-REG': 20_000_000n, NFGF: 20_000_000n });
    // 80,000,000 / 1,000,000,000,000 = 0.008%: far below 3%
    expect(d.lossRatio).toEqual({ compensationPaid: 80_000_000n, principalGuaranteed: 1_000_000_000_000n });
    expect(d.suspends).toBe(false);
  });

  it('a claim releases the guarantee by compensation: claimed, nothing outstanding, nothing recovered yet', () => {
    const d = accepted(decideClaim(guarantee(), claimFacts(), DEMO_TERMS, ROOMY));
    const after = evolveClaimed(guarantee(), d, '2025-05-30');
    expect(after.status).toBe('claimed');
    expect(after.outstanding).toBe(0n);
    expect(after.claim).toEqual({ unpaidPrincipal: 100_000_000n, claimedOn: '2025-05-30', losses: d.losses, recovered: 0n });
  });

  it('a claim of 0.01 yuan: the single fen is the guarantor\'s, compensation 1 fen, no support', () => {
    // 1 fen x 20% = 0.2 -> 0 for bank, BJ-REG and NFGF; guarantor 1 - 0 = 1
    const d = accepted(decideClaim(guarantee({ principal: 1n, outstanding: 1n }), claimFacts({ unpaidPrincipal: 1n }), DEMO_TERMS, ROOMY));
    expect(byParty(d.parts)).toEqual({ ICBC: 0n, 'BJ-GUOHUA': 1n, 'BJ-REG': 0n, NFGF: 0n });
    expect(d.compensation).toBe(1n);
    expect(supportFrom(d, 'BJ-REG')).toBe(0n);
    expect(supportFrom(d, 'NFGF')).toBe(0n);
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 0n, 'BJ-GUOHUA': 1n, 'BJ-REG': 0n, NFGF: 0n });
  });

  it('an odd claim of 1,234,567.89 yuan: every 20% floors and the guarantor takes the odd fen', () => {
    // 123,456,789 fen x 20% = 24,691,357.8 -> 24,691,357 each for bank, BJ-REG, NFGF (x3 = 74,074,071)
    // guarantor 123,456,789 - 74,074,071 = 49,382,718 (40% would be 49,382,715.6)
    // compensation = 123,456,789 - 24,691,357 = 98,765,432 = 49,382,718 + 2 x 24,691,357
    const odd = guarantee({ principal: 150_000_000n, outstanding: 123_456_789n });
    const d = accepted(decideClaim(odd, claimFacts({ unpaidPrincipal: 123_456_789n }), DEMO_TERMS, ROOMY));
    expect(byParty(d.parts)).toEqual({ ICBC: 24_691_357n, 'BJ-GUOHUA': 49_382_718n, 'BJ-REG': 24_691_357n, NFGF: 24_691_357n });
    expect(d.compensation).toBe(98_765_432n);
    expect(byParty(d.support)).toEqual({ 'BJ-REG': 24_691_357n, NFGF: 24_691_357n });
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 24_691_357n, 'BJ-GUOHUA': 49_382_718n, 'BJ-REG': 24_691_357n, NFGF: 24_691_357n });
  });

  it('ALREADY_CLAIMED: a claim on a claimed loan, even when it is also early and for the wrong amount', () => {
    const claimed = claimedDemoLoan();
    expect(decideClaim(claimed, claimFacts(), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'ALREADY_CLAIMED' });
    // claimed one day after overdue (GRACE_PERIOD) and 1 fen off the (now zero) outstanding (AMOUNT_MISMATCH)
    expect(decideClaim(claimed, claimFacts({ claimedOn: '2025-03-02', unpaidPrincipal: 99_999_999n }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'ALREADY_CLAIMED',
    });
  });

  it('NOT_IN_FORCE before GRACE_PERIOD: an early claim on a released loan', () => {
    const released = guarantee({ status: 'released', outstanding: 0n });
    expect(decideClaim(released, claimFacts({ claimedOn: '2025-03-02' }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
    expect(decideClaim(released, claimFacts(), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
  });

  it('NOT_IN_FORCE: a claim on a loan rejected at filing', () => {
    expect(decideClaim(guarantee({ status: 'rejected', outstanding: 0n }), claimFacts(), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
  });

  it('GRACE_PERIOD across month ends: overdue since 2025-03-01, claimable from 2025-05-30, not on 2025-05-29', () => {
    // 2025-03-01 + 30 = 03-31, + 30 = 04-30, + 30 = 05-30
    expect(decideClaim(guarantee(), claimFacts({ claimedOn: '2025-05-30' }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
    expect(decideClaim(guarantee(), claimFacts({ claimedOn: '2025-05-29' }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'GRACE_PERIOD' });
  });

  it('GRACE_PERIOD landing on a leap day: overdue since 2023-12-01, claimable from 2024-02-29, not on 2024-02-28', () => {
    // 2023-12-01 + 31 = 2024-01-01, + 31 = 02-01, + 28 = 02-29 (31 + 31 + 28 = 90)
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2023-12-01', claimedOn: '2024-02-29' }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2023-12-01', claimedOn: '2024-02-28' }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'GRACE_PERIOD',
    });
  });

  it('GRACE_PERIOD without the leap day: overdue since 2022-12-01, claimable from 2023-03-01, not on 2023-02-28', () => {
    // 2022-12-01 + 31 = 2023-01-01, + 31 = 02-01, + 28 = 03-01 (February 2023 has 28 days)
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2022-12-01', claimedOn: '2023-03-01' }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2022-12-01', claimedOn: '2023-02-28' }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'GRACE_PERIOD',
    });
  });

  it('GRACE_PERIOD spanning a leap day: overdue since 2024-01-15 is claimable from 2024-04-14, in 2025 from 2025-04-15', () => {
    // 2024: Jan 15 -> Feb 15 is 31 days, -> Mar 15 is 29 more (60), -> Apr 14 is 30 more (90)
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2024-01-15', claimedOn: '2024-04-14' }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2024-01-15', claimedOn: '2024-04-13' }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'GRACE_PERIOD',
    });
    // 2025: Jan 15 -> Feb 15 is 31, -> Mar 15 is 28 more (59), -> Apr 15 is 31 more (90)
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2025-01-15', claimedOn: '2025-04-15' }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
    expect(decideClaim(guarantee(), claimFacts({ overdueSince: '2025-01-15', claimedOn: '2025-04-14' }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'GRACE_PERIOD',
    });
  });

  it('GRACE_PERIOD: a claim dated before the loan fell overdue', () => {
    expect(decideClaim(guarantee(), claimFacts({ claimedOn: '2025-02-28' }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'GRACE_PERIOD' });
  });

  it('GRACE_PERIOD comes before AMOUNT_MISMATCH', () => {
    expect(decideClaim(guarantee(), claimFacts({ claimedOn: '2025-05-29', unpaidPrincipal: 99_999_999n }), DEMO_TERMS, ROOMY)).toEqual({
      outcome: 'rejected',
      code: 'GRACE_PERIOD',
    });
  });

  it('AMOUNT_MISMATCH: an unpaid principal one fen below or above the outstanding principal', () => {
    // outstanding 1,000,000.00 yuan; claims of 999,999.99 and 1,000,000.01
    expect(decideClaim(guarantee(), claimFacts({ unpaidPrincipal: 99_999_999n }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'AMOUNT_MISMATCH' });
    expect(decideClaim(guarantee(), claimFacts({ unpaidPrincipal: 100_000_001n }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'AMOUNT_MISMATCH' });
  });

  it('AMOUNT_MISMATCH: a partly repaid loan is claimed for what is outstanding, not for its original principal', () => {
    const partlyRepaid = guarantee({ outstanding: 40_000_000n });
    expect(decideClaim(partlyRepaid, claimFacts({ unpaidPrincipal: 100_000_000n }), DEMO_TERMS, ROOMY)).toEqual({ outcome: 'rejected', code: 'AMOUNT_MISMATCH' });
    // 400,000.00 yuan: compensation 80% = 32,000,000 fen
    expect(accepted(decideClaim(partlyRepaid, claimFacts({ unpaidPrincipal: 40_000_000n }), DEMO_TERMS, ROOMY)).compensation).toBe(32_000_000n);
  });

  it('claim_covers_interest: the unpaid interest is split and compensated with the principal', () => {
    // 1,000,000.00 principal + 12,345.67 interest = 101,234,567 fen
    // 20% = 20,246,913.4 -> 20,246,913 (x3 = 60,740,739); guarantor 101,234,567 - 60,740,739 = 40,493,828
    // compensation = 101,234,567 - 20,246,913 = 80,987,654
    const terms = { ...DEMO_TERMS, claimCoversInterest: true };
    const d = accepted(decideClaim(guarantee(), claimFacts({ unpaidInterest: 1_234_567n }), terms, ROOMY));
    expect(d.unpaidPrincipal).toBe(100_000_000n);
    expect(d.claimAmount).toBe(101_234_567n);
    expect(byParty(d.parts)).toEqual({ ICBC: 20_246_913n, 'BJ-GUOHUA': 40_493_828n, 'BJ-REG': 20_246_913n, NFGF: 20_246_913n });
    expect(d.compensation).toBe(80_987_654n);
    expect(byParty(d.support)).toEqual({ 'BJ-REG': 20_246_913n, NFGF: 20_246_913n });
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 20_246_913n, 'BJ-GUOHUA': 40_493_828n, 'BJ-REG': 20_246_913n, NFGF: 20_246_913n });
  });

  it('INTEREST_ABOVE_PRINCIPAL: under claim_covers_interest, unpaid interest of more than the loan\'s principal', () => {
    const terms = { ...DEMO_TERMS, claimCoversInterest: true };
    // a 1,000,000.00 yuan loan: interest of exactly 1,000,000.00 is compensated, one fen more is refused
    expect(accepted(decideClaim(guarantee(), claimFacts({ unpaidInterest: 100_000_000n }), terms, ROOMY)).claimAmount).toBe(200_000_000n);
    expect(decideClaim(guarantee(), claimFacts({ unpaidInterest: 100_000_001n }), terms, ROOMY)).toEqual({ outcome: 'rejected', code: 'INTEREST_ABOVE_PRINCIPAL' });
    // 2e18 yuan of interest on it
    expect(decideClaim(guarantee(), claimFacts({ unpaidInterest: 200_000_000_000_000_000_000n }), terms, ROOMY)).toEqual({ outcome: 'rejected', code: 'INTEREST_ABOVE_PRINCIPAL' });
    // the cap is the loan's principal, not what is left of it
    const partlyRepaid = guarantee({ outstanding: 40_000_000n });
    expect(accepted(decideClaim(partlyRepaid, claimFacts({ unpaidPrincipal: 40_000_000n, unpaidInterest: 60_000_000n }), terms, ROOMY)).claimAmount).toBe(100_000_000n);
  });

  it('AMOUNT_MISMATCH comes before INTEREST_ABOVE_PRINCIPAL', () => {
    const terms = { ...DEMO_TERMS, claimCoversInterest: true };
    expect(decideClaim(guarantee(), claimFacts({ unpaidPrincipal: 1n, unpaidInterest: 100_000_001n }), terms, ROOMY)).toEqual({ outcome: 'rejected', code: 'AMOUNT_MISMATCH' });
  });

  it('without claim_covers_interest the unpaid interest is ignored', () => {
    const d = accepted(decideClaim(guarantee(), claimFacts({ unpaidInterest: 1_234_567n }), DEMO_TERMS, ROOMY));
    expect(d.claimAmount).toBe(100_000_000n);
    expect(d.compensation).toBe(80_000_000n);
    expect(decideClaim(guarantee(), claimFacts({ unpaidInterest: 100_000_001n }), DEMO_TERMS, ROOMY).outcome).toBe('accepted');
  });
});

describe('the Fund cap (4.0%) and the breaker (3.0%)', () => {
  // A programme with 10,000,000.00 yuan ever guaranteed (1,000,000,000 fen): 4% = 40,000,000 fen, 3% = 30,000,000 fen.
  // The claim: a 10,000.00 yuan loan (1,000,000 fen): parts 200,000 / 400,000 / 200,000 / 200,000, compensation 800,000.
  const small = guarantee({ principal: 1_000_000n, outstanding: 1_000_000n });
  const smallClaim = claimFacts({ unpaidPrincipal: 1_000_000n });
  const book = (compensationPaid: Fen): ProgrammeLosses => ({ principalGuaranteed: 1_000_000_000n, compensationPaid });

  it('a claim that leaves the loss ratio exactly at 4% still gets the Fund\'s support', () => {
    // 39,200,000 + 800,000 = 40,000,000 = 4.0% of 1,000,000,000: at the cap, not above
    const d = accepted(decideClaim(small, smallClaim, DEMO_TERMS, book(39_200_000n)));
    expect(d.lossRatio).toEqual({ compensationPaid: 40_000_000n, principalGuaranteed: 1_000_000_000n });
    expect(d.fundPaid).toBe(true);
    expect(supportFrom(d, 'NFGF')).toBe(200_000n);
    expect(supportFrom(d, 'BJ-REG')).toBe(200_000n);
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 200_000n, 'BJ-GUOHUA': 400_000n, 'BJ-REG': 200_000n, NFGF: 200_000n });
    // 4% is above the 3% breaker
    expect(d.suspends).toBe(true);
  });

  it('one fen above 4%: the Fund pays nothing and the guarantor bears the Fund\'s part too', () => {
    // 39,200,001 + 800,000 = 40,000,001 > 40,000,000
    const d = accepted(decideClaim(small, smallClaim, DEMO_TERMS, book(39_200_001n)));
    expect(d.lossRatio).toEqual({ compensationPaid: 40_000_001n, principalGuaranteed: 1_000_000_000n });
    expect(d.fundPaid).toBe(false);
    expect(supportFrom(d, 'NFGF')).toBe(0n);
    expect(supportFrom(d, 'BJ-REG')).toBe(200_000n);
    // the bank is still compensated 800,000; the guarantor now bears 400,000 + 200,000 = 600,000
    expect(d.compensation).toBe(800_000n);
    expect(lossesByParty(d.losses)).toEqual({ ICBC: 200_000n, 'BJ-GUOHUA': 600_000n, 'BJ-REG': 200_000n, NFGF: 0n });
  });

  it('a loss ratio of exactly 3% does not suspend the programme', () => {
    // 29,200,000 + 800,000 = 30,000,000 = 3.0%
    const d = accepted(decideClaim(small, smallClaim, DEMO_TERMS, book(29_200_000n)));
    expect(d.lossRatio.compensationPaid).toBe(30_000_000n);
    expect(d.suspends).toBe(false);
    expect(d.fundPaid).toBe(true);
  });

  it('a loss ratio one fen above 3% suspends the programme, the Fund still pays below 4%', () => {
    // 29,200,001 + 800,000 = 30,000,001 > 30,000,000
    const d = accepted(decideClaim(small, smallClaim, DEMO_TERMS, book(29_200_001n)));
    expect(d.suspends).toBe(true);
    expect(d.fundPaid).toBe(true);
    expect(supportFrom(d, 'NFGF')).toBe(200_000n);
  });

  it('the cap and the breaker are programme parameters, with fractional percentages', () => {
    // cap 0.0800% of 1,000,000,000 = 800,000: this claim's compensation alone, from nothing paid, lands on it
    const terms = { ...DEMO_TERMS, fundCapPct: 800n, breakerPct: 799n };
    const d = accepted(decideClaim(small, smallClaim, terms, book(0n)));
    expect(d.fundPaid).toBe(true);
    expect(d.suspends).toBe(true);
    // with one fen compensated before, 800,001 > 800,000
    expect(accepted(decideClaim(small, smallClaim, terms, book(1n))).fundPaid).toBe(false);
  });
});

describe('recoveries', () => {
  it('a recovery when the Fund paid is shared by the loss each party bore, floors for all but the guarantor', () => {
    // losses on 1,000,000.00 yuan: ICBC 20,000,000 / BJ-GUOHUA 40,000,000 / BJ-REG 20,000,000 / NFGF 20,000,000
    // recovery 333,333.33 yuan = 33,333,333 fen: 33,333,333 x 20% = 6,666,666.6 -> 6,666,666 (x3 = 19,999,998)
    // guarantor 33,333,333 - 19,999,998 = 13,333,335
    const d = accepted(decideRecovery(claimedDemoLoan(), 33_333_333n));
    expect(byParty(d.parts)).toEqual({ ICBC: 6_666_666n, 'BJ-GUOHUA': 13_333_335n, 'BJ-REG': 6_666_666n, NFGF: 6_666_666n });
    expect(d.recoveredAfter).toBe(33_333_333n);
    expect(evolveRecovered(claimedDemoLoan(), d).claim?.recovered).toBe(33_333_333n);
  });

  it('a recovery when the Fund paid nothing above its cap: the Fund gets nothing, the guarantor its share', () => {
    // losses on 10,000.00 yuan, Fund above its cap: ICBC 200,000 / BJ-GUOHUA 600,000 / BJ-REG 200,000 / NFGF 0
    // recovery 3,333.33 yuan = 333,333 fen: 333,333 x 200,000 / 1,000,000 = 66,666.6 -> 66,666 for ICBC and BJ-REG; NFGF 0
    // guarantor 333,333 - 133,332 = 200,001
    const small = guarantee({ principal: 1_000_000n, outstanding: 1_000_000n });
    const claim = accepted(decideClaim(small, claimFacts({ unpaidPrincipal: 1_000_000n }), DEMO_TERMS, { principalGuaranteed: 1_000_000_000n, compensationPaid: 39_200_001n }));
    const claimed = evolveClaimed(small, claim, '2025-05-30');
    const d = accepted(decideRecovery(claimed, 333_333n));
    expect(byParty(d.parts)).toEqual({ ICBC: 66_666n, 'BJ-GUOHUA': 200_001n, 'BJ-REG': 66_666n, NFGF: 0n });
  });

  it('cumulative recoveries up to exactly the unpaid principal are accepted, one fen more is OVER_RECOVERY', () => {
    let state = evolveRecovered(claimedDemoLoan(), accepted(decideRecovery(claimedDemoLoan(), 33_333_333n)));
    // 33,333,333 recovered of 100,000,000: 66,666,667 remain; 66,666,668 is one fen too much
    expect(decideRecovery(state, 66_666_668n)).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
    expect(state.claim?.recovered).toBe(33_333_333n);
    const last = accepted(decideRecovery(state, 66_666_667n));
    // 66,666,667 x 20% = 13,333,333.4 -> 13,333,333 (x3 = 39,999,999); guarantor 66,666,667 - 39,999,999 = 26,666,668
    expect(byParty(last.parts)).toEqual({ ICBC: 13_333_333n, 'BJ-GUOHUA': 26_666_668n, 'BJ-REG': 13_333_333n, NFGF: 13_333_333n });
    expect(last.recoveredAfter).toBe(100_000_000n);
    state = evolveRecovered(state, last);
    // everything recovered: even one more fen is too much
    expect(decideRecovery(state, 1n)).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
  });

  it('a single recovery of the whole unpaid principal returns each party exactly its loss', () => {
    const d = accepted(decideRecovery(claimedDemoLoan(), 100_000_000n));
    expect(byParty(d.parts)).toEqual({ ICBC: 20_000_000n, 'BJ-GUOHUA': 40_000_000n, 'BJ-REG': 20_000_000n, NFGF: 20_000_000n });
    expect(decideRecovery(claimedDemoLoan(), 100_000_001n)).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
  });

  it('with claim_covers_interest, recoveries are still capped at the unpaid principal, shared by the losses', () => {
    // unpaid 800,000.00 principal + 200,000.00 interest: claim amount 100,000,000 fen, losses 20m / 40m / 20m / 20m
    // domain.md 4: OVER_RECOVERY when recoveries would exceed the unpaid principal at the claim (80,000,000)
    // recovery of 80,000,000: ICBC 80,000,000 x 20,000,000 / 100,000,000 = 16,000,000, BJ-REG and NFGF the same;
    // guarantor 80,000,000 - 48,000,000 = 32,000,000
    const terms = { ...DEMO_TERMS, claimCoversInterest: true };
    const loan = guarantee({ outstanding: 80_000_000n });
    const claim = accepted(decideClaim(loan, claimFacts({ unpaidPrincipal: 80_000_000n, unpaidInterest: 20_000_000n }), terms, ROOMY));
    expect(claim.claimAmount).toBe(100_000_000n);
    const claimed = evolveClaimed(loan, claim, '2025-05-30');
    expect(decideRecovery(claimed, 80_000_001n)).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
    const d = accepted(decideRecovery(claimed, 80_000_000n));
    expect(byParty(d.parts)).toEqual({ ICBC: 16_000_000n, 'BJ-GUOHUA': 32_000_000n, 'BJ-REG': 16_000_000n, NFGF: 16_000_000n });
    expect(decideRecovery(evolveRecovered(claimed, d), 1n)).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
  });

  it('NOT_CLAIMED: a recovery on a loan in force, released or rejected, before any over-recovery', () => {
    expect(decideRecovery(guarantee(), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_CLAIMED' });
    expect(decideRecovery(guarantee(), 100_000_001n)).toEqual({ outcome: 'rejected', code: 'NOT_CLAIMED' });
    expect(decideRecovery(guarantee({ status: 'released', outstanding: 0n }), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_CLAIMED' });
    expect(decideRecovery(guarantee({ status: 'rejected', outstanding: 0n }), 1n)).toEqual({ outcome: 'rejected', code: 'NOT_CLAIMED' });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: random portfolios under random programmes, random operations the rules allow or
// refuse, each accepted decision applied with evolve. An independent model says what each decision
// must be; the invariants of domain.md 7 are checked after every step.
// ---------------------------------------------------------------------------------------------

const MILLION = 1_000_000n; // 100% in Rate units

/** N = 2..6 parties, shares summing to exactly 100%, one bank, one guarantor, maybe one Fund, the rest re-guarantors or local funds. */
const partiesArb: fc.Arbitrary<ShareholdingParty[]> = fc
  .record({
    cuts: fc.array(fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 10 }).map((x) => x * 100_000)), { minLength: 1, maxLength: 5 }),
    guarantorAt: fc.nat(),
    withFund: fc.integer({ min: 0, max: 3 }).map((x) => x > 0),
    others: fc.array(fc.constantFrom('reguarantor', 'local_fund'), { minLength: 5, maxLength: 5 }),
    rotate: fc.nat(),
  })
  .map(({ cuts, guarantorAt, withFund, others, rotate }) => {
    const points = [0, ...[...cuts].sort((a, b) => a - b), 1_000_000];
    const n = points.length - 1;
    const guarantor = 1 + (guarantorAt % (n - 1));
    const fundAt = withFund ? [...Array(n).keys()].find((i) => i !== 0 && i !== guarantor) : undefined;
    const parties = points.slice(1).map((p, i): ShareholdingParty => {
      const role = i === 0 ? 'bank' : i === guarantor ? 'guarantor' : i === fundAt ? 'fund' : others[i];
      return { participant: `P${i}-${role}`, role, sharePct: BigInt(p - points[i]) };
    });
    const r = rotate % n;
    return [...parties.slice(r), ...parties.slice(0, r)];
  });

const principalArb = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 100_000_000_000_000n }), fc.bigInt({ min: 99_999_999_999_000n, max: 100_000_000_000_000n }));

const rateArb = (usual: Rate): fc.Arbitrary<Rate> => fc.oneof(fc.constant(usual), fc.bigInt({ min: 0n, max: 200_000n }));

const termsArb: fc.Arbitrary<ClaimTerms> = fc.record({
  claimGraceDays: fc.constantFrom(0, 1, 30, 90, 120),
  claimCoversInterest: fc.boolean(),
  fundCapPct: rateArb(40_000n),
  breakerPct: rateArb(30_000n),
});

const bigR = fc.bigInt({ min: 0n, max: 2n ** 64n });
type Nudge = 'none' | 'cap' | 'cap+1' | 'breaker' | 'breaker+1';
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('repay' as const), loan: fc.nat(), mode: fc.constantFrom('all', 'all+1', 'some', 'any'), r: bigR }),
  fc.record({
    kind: fc.constant('claim' as const),
    loan: fc.nat(),
    overdueDay: fc.integer({ min: 0, max: 20_000 }),
    // claimed_on relative to overdue_since + grace, or any delay at all
    delay: fc.oneof(fc.integer({ min: -2, max: 2 }).map((o) => ({ fromGrace: true, days: o })), fc.integer({ min: -10, max: 300 }).map((d) => ({ fromGrace: false, days: d }))),
    amount: fc.constantFrom('outstanding', 'outstanding', 'outstanding-1', 'outstanding+1', 'principal'),
    interest: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000_000_000n })),
    nudge: fc.constantFrom<Nudge>('none', 'none', 'cap', 'cap', 'cap+1', 'breaker', 'breaker', 'breaker+1'),
  }),
  fc.record({ kind: fc.constant('recover' as const), loan: fc.nat(), mode: fc.constantFrom('rest', 'rest+1', 'some', 'any'), r: bigR }),
);

const scenarioArb = fc.record({
  parties: partiesArb,
  terms: termsArb,
  loans: fc.array(fc.record({ principal: principalArb, rejected: fc.integer({ min: 0, max: 9 }).map((x) => x === 0) }), { minLength: 1, maxLength: 4 }),
  // none, or up to 10 or 1,000 times the largest loan: loss ratios from far above to far below the cap
  extraGuaranteed: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000_000_000_000n }), fc.bigInt({ min: 0n, max: 100_000_000_000_000_000n })),
  // compensation already paid by the programme, in per mille of what it guaranteed
  // a total guaranteed in whole 10,000 yuan (10^6 fen) lets a loss ratio land exactly on a cap or breaker
  roundGuaranteed: fc.integer({ min: 0, max: 2 }).map((x) => x > 0),
  priorPermille: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 100 })),
  ops: fc.array(opArb, { minLength: 1, maxLength: 30 }),
});

/** An ISO date `days` after 2000-01-01, through the platform's own Date (independent of dates.ts). */
const isoDay = (days: number): string => new Date(Date.UTC(2000, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);

interface Model {
  status: GuaranteeState['status'];
  outstanding: Fen;
  claim?: { unpaidPrincipal: Fen; claimAmount: Fen; recovered: Fen };
  claims: number;
}

/** `compensation / principal > pct %`, stated as a rational comparison (Rate is percent x 10^4). */
const ratioAbove = (compensation: Fen, principal: Fen, pct: Rate): boolean => compensation * 100n * 10_000n > pct * principal;

/** part = floor(whole x num / den), stated as the two inequalities that define a floor. */
function expectFloor(part: Fen, whole: Fen, num: bigint, den: bigint): void {
  expect(part * den <= whole * num).toBe(true);
  expect(whole * num < (part + 1n) * den).toBe(true);
}

const seen: Record<string, number> = {};
const saw = (what: string): void => {
  seen[what] = (seen[what] ?? 0) + 1;
};

function checkClaim(d: Accepted<ClaimDecision>, parties: readonly ShareholdingParty[], expectedClaimAmount: Fen, programme: ProgrammeLosses, terms: ClaimTerms): void {
  expect(d.claimAmount).toBe(expectedClaimAmount);
  // parts: in the parties' order, each non-guarantor floor(amount x pct / 100), summing to the claim amount
  expect(d.parts.map((p) => p.participant)).toEqual(parties.map((p) => p.participant));
  expect(sum(d.parts.map((p) => p.amount))).toBe(d.claimAmount);
  d.parts.forEach((part, i) => {
    if (part.role === 'guarantor') expect(part.amount).toBeGreaterThanOrEqual(0n);
    else expectFloor(part.amount, d.claimAmount, parties[i].sharePct, MILLION);
  });
  const partOf = (role: string): Fen => sum(d.parts.filter((p) => p.role === role).map((p) => p.amount));

  // compensation = claim amount - the bank's part
  expect(d.compensation).toBe(d.claimAmount - partOf('bank'));

  // loss ratio counts this compensation; the Fund is paid iff it stays at or below the cap
  const compensationAfter = programme.compensationPaid + d.compensation;
  expect(d.lossRatio).toEqual({ compensationPaid: compensationAfter, principalGuaranteed: programme.principalGuaranteed });
  const aboveCap = ratioAbove(compensationAfter, programme.principalGuaranteed, terms.fundCapPct);
  expect(d.suspends).toBe(ratioAbove(compensationAfter, programme.principalGuaranteed, terms.breakerPct));

  // support: every supporting party pays its full part; the Fund its full part or zero, zero exactly above the cap
  const fund = d.parts.find((p) => p.role === 'fund');
  if (fund) {
    expect(d.fundPaid).toBe(!aboveCap);
    expect(supportFrom(d, fund.participant)).toBe(aboveCap ? 0n : fund.amount);
    saw(aboveCap ? 'fund refused' : 'fund paid');
  }
  d.parts.filter((p) => p.role !== 'bank' && p.role !== 'guarantor' && p.role !== 'fund').forEach((p) => expect(supportFrom(d, p.participant)).toBe(p.amount));
  d.parts.filter((p) => p.role === 'bank' || p.role === 'guarantor').forEach((p) => expect(supportFrom(d, p.participant)).toBe(0n));
  const supported = sum(d.support.map((p) => p.amount));
  expect(supported).toBe(d.compensation - partOf('guarantor') - (fund && aboveCap ? fund.amount : 0n));

  // losses: >= 0, summing to the claim amount; the bank its part, each supporter what it paid, the guarantor the rest
  expect(d.losses.map((l) => l.participant)).toEqual(parties.map((p) => p.participant));
  d.losses.forEach((l) => expect(l.loss).toBeGreaterThanOrEqual(0n));
  expect(sum(d.losses.map((l) => l.loss))).toBe(d.claimAmount);
  d.losses.forEach((l) => {
    if (l.role === 'bank') expect(l.loss).toBe(partOf('bank'));
    else if (l.role === 'guarantor') expect(l.loss).toBe(d.compensation - supported);
    else expect(l.loss).toBe(supportFrom(d, l.participant));
  });
  saw(d.suspends ? 'suspends' : 'does not suspend');
}

function checkRecovery(d: Accepted<RecoveryDecision>, state: GuaranteeState, amount: Fen): void {
  const losses = state.claim!.losses;
  const lost = sum(losses.map((l) => l.loss));
  expect(d.amount).toBe(amount);
  expect(d.parts.map((p) => p.participant)).toEqual(losses.map((l) => l.participant));
  expect(sum(d.parts.map((p) => p.amount))).toBe(amount);
  d.parts.forEach((part, i) => {
    if (part.role === 'guarantor') expect(part.amount).toBeGreaterThanOrEqual(0n);
    else expectFloor(part.amount, amount, losses[i].loss, lost);
  });
}

function checkState(state: GuaranteeState, model: Model): void {
  expect(state.status).toBe(model.status);
  expect(state.outstanding).toBe(model.outstanding);
  expect(state.outstanding >= 0n && state.outstanding <= state.principal).toBe(true);
  if (state.status === 'released' || state.status === 'claimed') expect(state.outstanding).toBe(0n);
  expect(model.claims).toBeLessThanOrEqual(1);
  if (state.status === 'claimed') {
    const claim = state.claim!;
    const lost = sum(claim.losses.map((l) => l.loss));
    expect(claim.unpaidPrincipal).toBe(model.claim!.unpaidPrincipal);
    expect(lost).toBe(model.claim!.claimAmount);
    expect(claim.recovered).toBe(model.claim!.recovered);
    // cumulative recovery within the unpaid principal (domain.md 4), hence within what was lost (domain.md 7)
    expect(claim.recovered >= 0n && claim.recovered <= claim.unpaidPrincipal && claim.unpaidPrincipal <= lost).toBe(true);
  } else {
    expect(state.claim).toBeUndefined();
  }
}

describe('servicing properties over random portfolios and operations', () => {
  it('every decision is the one the rules call for, and the invariants of domain.md 7 hold after every step', () => {
    fc.assert(
      fc.property(scenarioArb, ({ parties, terms, loans, extraGuaranteed, roundGuaranteed, priorPermille, ops }) => {
        const unrounded = sum(loans.map((l) => l.principal)) + extraGuaranteed;
        const principalGuaranteed = roundGuaranteed ? unrounded + ((MILLION - (unrounded % MILLION)) % MILLION) : unrounded;
        let programme: ProgrammeLosses = { principalGuaranteed, compensationPaid: (principalGuaranteed * BigInt(priorPermille)) / 1000n };
        const states: GuaranteeState[] = loans.map((l, i) => ({
          guaranteeId: `G${i}`,
          programme: 'PROP',
          status: l.rejected ? 'rejected' : 'in_force',
          principal: l.principal,
          outstanding: l.rejected ? 0n : l.principal,
          parties,
        }));
        const models: Model[] = states.map((s) => ({ status: s.status, outstanding: s.outstanding, claims: 0 }));

        for (const op of ops) {
          const i = op.loan % states.length;
          const state = states[i];
          const model = models[i];

          if (op.kind === 'repay') {
            const out = model.outstanding;
            const raw = { all: out, 'all+1': out + 1n, some: 1n + (op.r % (out > 0n ? out : 1n)), any: 1n + (op.r % (2n * state.principal)) }[op.mode];
            const paid = raw > 0n ? raw : 1n; // amounts are > 0 (a row with 0 is invalid, never decided)
            const d: RepaymentDecision = decideRepayment(state, paid);
            if (model.status !== 'in_force') {
              expect(d).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
            } else if (paid > model.outstanding) {
              expect(d).toEqual({ outcome: 'rejected', code: 'OVERPAYMENT' });
            } else {
              const ok = accepted(d);
              model.outstanding -= paid;
              expect(ok).toEqual({ outcome: 'accepted', amount: paid, outstandingAfter: model.outstanding, released: model.outstanding === 0n });
              if (model.outstanding === 0n) model.status = 'released';
              states[i] = evolveRepaid(state, ok);
            }
            saw(`repay ${d.outcome === 'accepted' ? (d.released ? 'released' : 'accepted') : d.code}`);
          } else if (op.kind === 'claim') {
            const grace = terms.claimGraceDays;
            const delay = op.delay.fromGrace ? grace + op.delay.days : op.delay.days;
            const out = model.outstanding;
            const raw = { outstanding: out, 'outstanding-1': out - 1n, 'outstanding+1': out + 1n, principal: state.principal }[op.amount];
            const unpaidPrincipal = raw > 0n ? raw : 1n;
            const facts = { overdueSince: isoDay(op.overdueDay), claimedOn: isoDay(op.overdueDay + delay), unpaidPrincipal, unpaidInterest: op.interest };
            const claimAmount = unpaidPrincipal + (terms.claimCoversInterest ? op.interest : 0n);

            // optionally put the programme's loss ratio right at, or one fen past, the cap or the breaker after this claim
            if (op.nudge !== 'none') {
              const bankPart = sum(parties.filter((p) => p.role === 'bank').map((p) => (claimAmount * p.sharePct) / MILLION));
              const compensation = claimAmount - bankPart;
              const pct = op.nudge.startsWith('cap') ? terms.fundCapPct : terms.breakerPct;
              // the largest cumulative compensation not above pct: floor(pct x principal / 100)
              const target = (pct * principalGuaranteed) / MILLION + (op.nudge.endsWith('+1') ? 1n : 0n);
              if (target - compensation >= 0n) programme = { ...programme, compensationPaid: target - compensation };
            }

            const d: ClaimDecision = decideClaim(state, facts, terms, programme);
            if (model.status === 'claimed') {
              expect(d).toEqual({ outcome: 'rejected', code: 'ALREADY_CLAIMED' });
            } else if (model.status !== 'in_force') {
              expect(d).toEqual({ outcome: 'rejected', code: 'NOT_IN_FORCE' });
            } else if (delay < grace) {
              expect(d).toEqual({ outcome: 'rejected', code: 'GRACE_PERIOD' });
            } else if (unpaidPrincipal !== model.outstanding) {
              expect(d).toEqual({ outcome: 'rejected', code: 'AMOUNT_MISMATCH' });
            } else if (terms.claimCoversInterest && op.interest > state.principal) {
              expect(d).toEqual({ outcome: 'rejected', code: 'INTEREST_ABOVE_PRINCIPAL' });
            } else {
              const ok = accepted(d);
              expect(ok.unpaidPrincipal).toBe(unpaidPrincipal);
              checkClaim(ok, parties, claimAmount, programme, terms);
              programme = { ...programme, compensationPaid: ok.lossRatio.compensationPaid };
              model.status = 'claimed';
              model.outstanding = 0n;
              model.claim = { unpaidPrincipal, claimAmount, recovered: 0n };
              model.claims += 1;
              states[i] = evolveClaimed(state, ok, facts.claimedOn);
            }
            saw(`claim ${d.outcome === 'accepted' ? 'accepted' : d.code}`);
          } else {
            const rest = model.claim ? model.claim.unpaidPrincipal - model.claim.recovered : state.principal;
            const raw = { rest, 'rest+1': rest + 1n, some: 1n + (op.r % (rest > 0n ? rest : 1n)), any: 1n + (op.r % (2n * state.principal)) }[op.mode];
            const amount = raw > 0n ? raw : 1n;
            const d: RecoveryDecision = decideRecovery(state, amount);
            if (model.status !== 'claimed') {
              expect(d).toEqual({ outcome: 'rejected', code: 'NOT_CLAIMED' });
            } else if (model.claim!.recovered + amount > model.claim!.unpaidPrincipal) {
              expect(d).toEqual({ outcome: 'rejected', code: 'OVER_RECOVERY' });
            } else {
              const ok = accepted(d);
              checkRecovery(ok, state, amount);
              model.claim!.recovered += amount;
              expect(ok.recoveredAfter).toBe(model.claim!.recovered);
              states[i] = evolveRecovered(state, ok);
            }
            saw(`recover ${d.outcome === 'accepted' ? 'accepted' : d.code}`);
          }

          states.forEach((s, k) => checkState(s, models[k]));
        }
      }),
      { numRuns: 300 },
    );

    // The generators reach every outcome, so the checks above are not vacuous.
    const outcomes = [
      'repay accepted',
      'repay released',
      'repay NOT_IN_FORCE',
      'repay OVERPAYMENT',
      'claim accepted',
      'claim ALREADY_CLAIMED',
      'claim NOT_IN_FORCE',
      'claim GRACE_PERIOD',
      'claim AMOUNT_MISMATCH',
      'claim INTEREST_ABOVE_PRINCIPAL',
      'fund paid',
      'fund refused',
      'suspends',
      'does not suspend',
      'recover accepted',
      'recover NOT_CLAIMED',
      'recover OVER_RECOVERY',
    ];
    expect(outcomes.filter((o) => !seen[o])).toEqual([]);
  });

  it('a loss ratio exactly at the cap or the breaker: the Fund pays, no suspension; one fen past: the Fund pays nothing, suspension', () => {
    const withFundArb = partiesArb.filter((ps) => ps.some((p) => p.role === 'fund'));
    fc.assert(
      fc.property(
        withFundArb,
        principalArb,
        fc.record({ cap: fc.bigInt({ min: 1n, max: 200_000n }), breaker: fc.bigInt({ min: 1n, max: 200_000n }) }),
        fc.bigInt({ min: 0n, max: 100_000_000_000_000_000n }),
        fc.boolean(),
        fc.constantFrom('cap', 'breaker'),
        fc.constantFrom(0n, 1n),
        (parties, unpaid, { cap, breaker }, spare, round, which, past) => {
          const terms: ClaimTerms = { claimGraceDays: 90, claimCoversInterest: false, fundCapPct: cap, breakerPct: breaker };
          const pct = which === 'cap' ? cap : breaker;
          // enough guaranteed that pct of it covers this whole claim (principal >= unpaid x 100 / pct), and sometimes
          // a multiple of 10^6 fen so that the ratio can land on pct exactly
          let principalGuaranteed = (unpaid * MILLION + pct - 1n) / pct + spare;
          if (round) principalGuaranteed += (MILLION - (principalGuaranteed % MILLION)) % MILLION;
          const bankPct = parties.find((p) => p.role === 'bank')!.sharePct;
          const compensation = unpaid - (unpaid * bankPct) / MILLION;
          // the largest cumulative compensation whose ratio is not above pct: floor(pct x principal / 100)
          const limit = (pct * principalGuaranteed) / MILLION;
          const programme: ProgrammeLosses = { principalGuaranteed, compensationPaid: limit - compensation + past };
          const state: GuaranteeState = { guaranteeId: 'G', programme: 'PROP', status: 'in_force', principal: unpaid, outstanding: unpaid, parties };
          const d = accepted(decideClaim(state, claimFacts({ unpaidPrincipal: unpaid }), terms, programme));
          expect(d.lossRatio.compensationPaid).toBe(limit + past);
          const fund = d.parts.find((p) => p.role === 'fund')!;
          if (which === 'cap') {
            expect(d.fundPaid).toBe(past === 0n);
            expect(supportFrom(d, fund.participant)).toBe(past === 0n ? fund.amount : 0n);
          } else {
            expect(d.suspends).toBe(past === 1n);
          }
          checkClaim(d, parties, unpaid, programme, terms);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a loan is never claimed twice: whatever follows an accepted claim, every further claim is ALREADY_CLAIMED', () => {
    const followUpArb = fc.array(
      fc.record({
        delay: fc.integer({ min: -10, max: 400 }),
        unpaid: fc.bigInt({ min: 1n, max: 100_000_000_000_000n }),
        interest: fc.bigInt({ min: 0n, max: 1_000_000_000n }),
        recover: fc.option(fc.bigInt({ min: 1n, max: 100_000_000_000_000n })),
      }),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(partiesArb, termsArb, principalArb, followUpArb, (parties, terms, principal, followUps) => {
        let state: GuaranteeState = { guaranteeId: 'G', programme: 'PROP', status: 'in_force', principal, outstanding: principal, parties };
        const programme: ProgrammeLosses = { principalGuaranteed: principal, compensationPaid: 0n };
        const first = accepted(decideClaim(state, { overdueSince: '2025-01-01', claimedOn: '2026-01-01', unpaidPrincipal: principal, unpaidInterest: 0n }, terms, programme));
        state = evolveClaimed(state, first, '2026-01-01');
        for (const f of followUps) {
          if (f.recover !== null) {
            const r = decideRecovery(state, f.recover);
            if (r.outcome === 'accepted') state = evolveRecovered(state, r);
          }
          const again = decideClaim(state, { overdueSince: '2025-01-01', claimedOn: isoDay(9_000 + f.delay), unpaidPrincipal: f.unpaid, unpaidInterest: f.interest }, terms, programme);
          expect(again).toEqual({ outcome: 'rejected', code: 'ALREADY_CLAIMED' });
          expect(state.status).toBe('claimed');
          expect(state.claim!.losses).toEqual(first.losses);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('repayments alone never take the outstanding principal outside [0, principal], and release exactly at zero', () => {
    fc.assert(
      fc.property(principalArb, fc.array(fc.bigInt({ min: 1n, max: 2n ** 64n }), { minLength: 1, maxLength: 40 }), (principal, draws) => {
        let state: GuaranteeState = { guaranteeId: 'G', programme: 'PROP', status: 'in_force', principal, outstanding: principal, parties: DEMO };
        let repaid = 0n;
        for (const draw of draws) {
          // amounts from 1 fen to twice the principal, with exact remainders now and then
          const amount = draw % 5n === 0n ? principal - repaid : 1n + (draw % (2n * principal));
          const d = decideRepayment(state, amount > 0n ? amount : 1n);
          if (d.outcome === 'accepted') {
            repaid += d.amount;
            state = evolveRepaid(state, d);
          }
          expect(repaid).toBeLessThanOrEqual(principal);
          expect(state.outstanding).toBe(principal - repaid);
          expect(state.status).toBe(repaid === principal ? 'released' : 'in_force');
        }
      }),
      { numRuns: 300 },
    );
  });
});
