import { Programme, partiesFor, readProgramme } from './programme';
import { LoanApplication, ProgrammeBook, decideLoan, rejectionCodes } from './underwriting-rules';
import { demoProgrammeDocument } from './demo-programme.fixture';

const demo = (changes: object = {}): Programme => {
  const read = readProgramme({ ...demoProgrammeDocument, ...changes });
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.programme;
};

const loan = (changes: Partial<LoanApplication> = {}): LoanApplication => ({
  bank: 'ICBC',
  borrowerId: '91350100M000100Y43',
  borrowerType: 'micro',
  industrySection: 'C',
  regionCode: '110105',
  principal: 100_000_000n, // 1,000,000.00 yuan
  interestRate: 45_000n, // 4.5 %
  guaranteeFeeRate: 8_000n, // 0.8 %
  disbursedOn: '2025-03-01',
  maturesOn: '2026-03-01',
  ...changes,
});

const empty: ProgrammeBook = { suspended: false, programmeOutstanding: 0n, bankOutstanding: 0n, borrowerOutstanding: 0n };

describe('underwriting rules of the demo programme', () => {
  it('approves an ordinary micro loan in Beijing', () => {
    expect(rejectionCodes(demo(), loan(), empty)).toEqual([]);
  });

  it('BORROWER_TYPE: a type the programme does not list', () => {
    expect(rejectionCodes(demo({ borrower_types: ['micro'] }), loan({ borrowerType: 'medium' }), empty)).toEqual(['BORROWER_TYPE']);
  });

  it('BORROWER_LIMIT: a borrower landing exactly on 10,000,000 yuan is approved, one fen more is not', () => {
    const book = { ...empty, borrowerOutstanding: 900_000_000n };
    expect(rejectionCodes(demo(), loan({ principal: 100_000_000n }), book)).toEqual([]);
    expect(rejectionCodes(demo(), loan({ principal: 100_000_001n }), book)).toEqual(['BORROWER_LIMIT']);
  });

  it('TERM: exactly 1 and 36 months pass, a day less or more does not', () => {
    expect(rejectionCodes(demo(), loan({ maturesOn: '2025-04-01' }), empty)).toEqual([]);
    expect(rejectionCodes(demo(), loan({ maturesOn: '2025-03-31' }), empty)).toEqual(['TERM']);
    expect(rejectionCodes(demo(), loan({ maturesOn: '2028-03-01' }), empty)).toEqual([]);
    expect(rejectionCodes(demo(), loan({ maturesOn: '2028-03-02' }), empty)).toEqual(['TERM']);
  });

  it('FEE_RATE and INTEREST_RATE: the caps themselves are allowed', () => {
    expect(rejectionCodes(demo(), loan({ guaranteeFeeRate: 10_000n, interestRate: 80_000n }), empty)).toEqual([]);
    expect(rejectionCodes(demo(), loan({ guaranteeFeeRate: 10_001n, interestRate: 80_001n }), empty)).toEqual(['FEE_RATE', 'INTEREST_RATE']);
  });

  it('INDUSTRY: finance (J) and real estate (K) are excluded', () => {
    expect(rejectionCodes(demo(), loan({ industrySection: 'J' }), empty)).toEqual(['INDUSTRY']);
    expect(rejectionCodes(demo(), loan({ industrySection: 'K' }), empty)).toEqual(['INDUSTRY']);
  });

  it('NOT_ON_LIST: a borrower on none of the required lists; on any one of them is enough', () => {
    const p = demo({ required_lists: ['WHITE', 'GREEN'] });
    expect(rejectionCodes(p, loan(), empty)).toEqual(['NOT_ON_LIST']);
    expect(rejectionCodes(p, loan({ lists: ['OTHER'] }), empty)).toEqual(['NOT_ON_LIST']);
    expect(rejectionCodes(p, loan({ lists: ['GREEN'] }), empty)).toEqual([]);
    expect(rejectionCodes(demo({ preferred_lists: ['WHITE'] }), loan(), empty)).toEqual([]);
  });

  it('RISK_SCORE: only under a version naming max_risk_score; the threshold itself is allowed; no score to compare is a fault', () => {
    expect(rejectionCodes(demo(), loan({ riskScore: '0.9000' }), empty)).toEqual([]);
    expect(rejectionCodes(demo({ max_risk_score: '0.35' }), loan({ riskScore: '0.3500' }), empty)).toEqual([]);
    expect(rejectionCodes(demo({ max_risk_score: '0.35' }), loan({ riskScore: '0.3501' }), empty)).toEqual(['RISK_SCORE']);
    expect(() => rejectionCodes(demo({ max_risk_score: '0.35' }), loan(), empty)).toThrow('RISK_SCORE');
  });

  it('a programme naming a list id that is no id is refused', () => {
    const read = readProgramme({ ...demoProgrammeDocument, required_lists: ['ok', ' bad'] });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems.map((p) => p.field)).toEqual(['required_lists']);
  });

  it('REGION: a Shandong region code in a Beijing programme', () => {
    expect(rejectionCodes(demo(), loan({ regionCode: '370102' }), empty)).toEqual(['REGION']);
  });

  it('QUOTA: the programme quota and a bank line are inclusive limits', () => {
    const p = demo({ programme_quota: '2000000.00', bank_quotas: { ICBC: '1500000.00' } });
    expect(rejectionCodes(p, loan(), { ...empty, programmeOutstanding: 100_000_000n })).toEqual([]);
    expect(rejectionCodes(p, loan(), { ...empty, programmeOutstanding: 100_000_001n })).toEqual(['QUOTA']);
    expect(rejectionCodes(p, loan({ principal: 50_000_000n }), { ...empty, bankOutstanding: 100_000_000n })).toEqual([]);
    expect(rejectionCodes(p, loan({ principal: 50_000_001n }), { ...empty, bankOutstanding: 100_000_000n })).toEqual(['QUOTA']);
    expect(rejectionCodes(p, loan({ bank: 'BOC', principal: 150_000_000n }), { ...empty, bankOutstanding: 100_000_000n })).toEqual([]);
  });

  it('PROGRAMME_SUSPENDED: a suspended programme approves nothing', () => {
    expect(rejectionCodes(demo(), loan(), { ...empty, suspended: true })).toEqual(['PROGRAMME_SUSPENDED']);
  });

  it('reports every rule a loan fails, in rule order', () => {
    expect(
      rejectionCodes(demo(), loan({ industrySection: 'K', regionCode: '370102', interestRate: 90_000n, maturesOn: '2030-01-01' }), empty),
    ).toEqual(['TERM', 'INTEREST_RATE', 'INDUSTRY', 'REGION']);
  });
});

describe('reading a programme document', () => {
  it('reads the demo programme with exact numbers', () => {
    const p = demo();
    expect(p.programmeQuota).toBe(1_000_000_000_000n);
    expect(p.maxBorrowerPrincipal).toBe(1_000_000_000n);
    expect(p.reguaranteeFee).toEqual({ defaultPct: 5_000n, principalAtMost5mPct: 3_000n });
    expect(p.fundBacked).toBe(true);
    expect(partiesFor(p, 'BOC').map((x) => x.participant)).toEqual(['BOC', 'BJ-GUOHUA', 'BJ-REG', 'NFGF']);
  });

  it('refuses shares that do not sum to 100, a bank below 20% and an unknown borrower type, naming each', () => {
    const read = readProgramme({
      ...demoProgrammeDocument,
      parties: [
        { role: 'bank', participant: '$bank', share_pct: '10' },
        { role: 'guarantor', participant: 'BJ-GUOHUA', share_pct: '40' },
      ],
      borrower_types: ['micro', 'giant'],
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(['shares must sum to exactly 100', 'the bank keeps at least 20% of the risk (policy)', 'unknown borrower type giant']),
    );
  });

  it('a programme without a Fund party is not Fund-backed', () => {
    const p = demo({
      parties: [
        { role: 'bank', participant: '$bank', share_pct: '20' },
        { role: 'guarantor', participant: 'BJ-GUOHUA', share_pct: '50' },
        { role: 'reguarantor', participant: 'BJ-REG', share_pct: '30' },
      ],
    });
    expect(p.fundBacked).toBe(false);
  });
});

describe('the gates: which version applies, and whether the bank is in it', () => {
  const v2025 = demo();
  const v2026 = demo({ effective_from: '2026-01-01', banks: ['ICBC'], max_interest_rate_pct: '5.00' });

  it('PROGRAMME_NOT_EFFECTIVE: a loan disbursed before the first version is refused with that code alone', () => {
    expect(decideLoan([v2025, v2026], loan({ disbursedOn: '2024-12-31', industrySection: 'K' }), empty).codes).toEqual(['PROGRAMME_NOT_EFFECTIVE']);
  });

  it('the latest version effective on the disbursement date applies', () => {
    expect(decideLoan([v2026, v2025], loan({ interestRate: 60_000n }), empty)).toMatchObject({ codes: [], version: { effectiveFrom: '2025-01-01' } });
    expect(decideLoan([v2025, v2026], loan({ interestRate: 60_000n, disbursedOn: '2026-01-01', maturesOn: '2027-01-01' }), empty).codes).toEqual(['INTEREST_RATE']);
  });

  it('BANK_NOT_IN_PROGRAMME: a bank the applying version does not name is refused with that code alone', () => {
    expect(decideLoan([v2025, v2026], loan({ bank: 'BOC', disbursedOn: '2026-02-01', maturesOn: '2026-09-01', industrySection: 'J' }), empty).codes).toEqual(['BANK_NOT_IN_PROGRAMME']);
    expect(decideLoan([v2025, v2026], loan({ bank: 'BOC' }), empty).codes).toEqual([]);
  });
});
