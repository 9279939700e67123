import { deciderSpecification } from '../../../testing/src/decider-specification';
import { demoProgrammeDocument } from './demo-programme.fixture';
import { RISK_MODEL } from '../risk/models';
import { ClaimHistory, RiskLoan, emptyContext } from '../risk/risk-inputs';
import { assessRisk } from '../risk/risk-model';
import { Book, BookEvent, FiledLoan, ListsOn, LoanChunk, LoanChunkDecided, RiskGate, decideChunk, emptyBook, evolveBook } from './book';
import { Programme, readProgramme } from './programme';

const programme = (changes: object = {}): Programme => {
  const read = readProgramme({ ...demoProgrammeDocument, id: 'P', ...changes });
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.programme;
};
const published = (changes: object = {}): BookEvent => ({ type: 'programme-version-published', version: programme(changes) });

const given = deciderSpecification<Book, LoanChunk, BookEvent>({ decide: (book, chunk) => decideChunk(book, chunk), evolve: evolveBook, initialState: () => emptyBook('P') });
/** The same decider, with the recommended lists each borrower is on at each date. */
const givenLists = (listsOn: ListsOn) =>
  deciderSpecification<Book, LoanChunk, BookEvent>({ decide: (book, chunk) => decideChunk(book, chunk, listsOn), evolve: evolveBook, initialState: () => emptyBook('P') });

/** The same decider, with the claim history each loan's slices have when it is decided. */
const givenRisk = (risk: RiskGate) =>
  deciderSpecification<Book, LoanChunk, BookEvent>({ decide: (book, chunk) => decideChunk(book, chunk, undefined, risk), evolve: evolveBook, initialState: () => emptyBook('P') });

const YUAN = 100n;
let row = 0;
const loan = (principalYuan: bigint, changes: Partial<FiledLoan> = {}): FiledLoan => ({
  row: ++row,
  loanId: `L${row}`,
  borrowerIdType: 'USCC',
  borrowerId: `B${row}`,
  borrowerName: '某某有限公司',
  borrowerType: 'small',
  industryCode: 'C1311',
  regionCode: '110105',
  sciTech: false,
  agriRelated: false,
  principal: principalYuan * YUAN,
  interestRatePct: '4.5',
  guaranteeFeeRatePct: '0.8',
  disbursedOn: '2025-03-01',
  maturesOn: '2026-03-01',
  ...changes,
});
const chunkOf = (loans: FiledLoan[], changes: Partial<LoanChunk> = {}): LoanChunk => ({ programme: 'P', bank: 'ICBC', batchRef: 'B1', firstRow: loans[0]?.row ?? 1, loans, ...changes });
/** The event a chunk's decision gives, for use as a given. */
const decided = (book: BookEvent[], chunk: LoanChunk): LoanChunkDecided => {
  const state = book.reduce(evolveBook, emptyBook('P'));
  return decideChunk(state, chunk)!;
};
const codesAre = (expected: string[][]) => (events: readonly BookEvent[]) => {
  expect(events).toHaveLength(1);
  expect((events[0] as LoanChunkDecided).codes).toEqual(expected);
};

describe('deciding a chunk of filed loans against the programme book', () => {
  it('QUOTA mid-chunk: the loan past the quota is refused, a later one that fits is approved, one fen over is not', () => {
    const first = chunkOf([loan(1_000_000n)]);
    const history = [published({ programme_quota: '2500000.00' })];
    given([...history, decided(history, first)])
      .when(chunkOf([loan(1_000_000n), loan(1_000_000n), loan(500_000n), loan(0n, { principal: 1n })]))
      .then(codesAre([[], ['QUOTA'], [], ['QUOTA']]));
  });

  it('the same chunk twice decides nothing', () => {
    const c = chunkOf([loan(100n)]);
    given([published(), decided([published()], c)]).when(c).thenNothingHappened();
  });

  it('BORROWER_LIMIT counts the earlier loans of the same chunk and of earlier chunks, across banks', () => {
    const history = [published({ max_borrower_principal: '3000000.00' })];
    const boc = chunkOf([loan(1_000_000n, { borrowerId: 'SHARED' })], { bank: 'BOC', batchRef: 'X' });
    given([...history, decided(history, boc)])
      .when(chunkOf([loan(1_500_000n, { borrowerId: 'SHARED' }), loan(500_001n, { borrowerId: 'SHARED' }), loan(500_000n, { borrowerId: 'SHARED' })]))
      .then(codesAre([[], ['BORROWER_LIMIT'], []]));
  });

  it('a bank line holds for its own bank only', () => {
    const history = [published({ bank_quotas: { ICBC: '1000000.00' } })];
    given(history)
      .when(chunkOf([loan(600_000n), loan(400_001n), loan(400_000n)]))
      .then(codesAre([[], ['QUOTA'], []]));
    given(history).when(chunkOf([loan(600_000n), loan(400_001n)], { bank: 'BOC' })).then(codesAre([[], []]));
  });

  it('principal repaid or claimed makes room again', () => {
    const history: BookEvent[] = [published({ programme_quota: '1000000.00' })];
    const full = chunkOf([loan(1_000_000n, { borrowerId: 'F' })]);
    history.push(decided(history, full));
    given(history).when(chunkOf([loan(1n)])).then(codesAre([['QUOTA']]));
    given([...history, { type: 'principal-freed', freed: [{ bank: 'ICBC', borrowerId: 'F', amount: 100n * YUAN }] }])
      .when(chunkOf([loan(100n), loan(1n)]))
      .then(codesAre([[], ['QUOTA']]));
  });

  it('a suspended programme approves nothing until it is resumed', () => {
    const suspended: BookEvent[] = [published(), { type: 'programme-suspended' }];
    given(suspended).when(chunkOf([loan(100n), loan(200n, { industryCode: 'K7010' })])).then(codesAre([['PROGRAMME_SUSPENDED'], ['INDUSTRY', 'PROGRAMME_SUSPENDED']]));
    given([...suspended, { type: 'programme-resumed' }]).when(chunkOf([loan(100n)])).then(codesAre([[]]));
  });

  it('each loan is judged under the version effective on its disbursement date', () => {
    const history = [published(), published({ effective_from: '2026-01-01', max_interest_rate_pct: '4.00', banks: ['ICBC'] })];
    given(history)
      .when(chunkOf([loan(100n, { disbursedOn: '2024-12-31' }), loan(100n), loan(100n, { disbursedOn: '2026-02-01', maturesOn: '2027-02-01' }), loan(100n, { disbursedOn: '2026-02-01', maturesOn: '2027-02-01' })], { bank: 'ICBC' }))
      .then(codesAre([['PROGRAMME_NOT_EFFECTIVE'], [], ['INTEREST_RATE'], ['INTEREST_RATE']]));
    given(history).when(chunkOf([loan(100n, { disbursedOn: '2026-02-01', maturesOn: '2027-02-01' })], { bank: 'BOC' })).then(codesAre([['BANK_NOT_IN_PROGRAMME']]));
  });

  it('gives an approved loan its terms: fees to the fen, the version, the re-guarantee fee rate by principal', () => {
    given([published()])
      .when(chunkOf([loan(5_000_000n, { guaranteeFeeRatePct: '1.00' }), loan(5_000_000n, { principal: 500_000_001n, borrowerType: 'medium' })]))
      .then((events) => {
        const [d] = events as LoanChunkDecided[];
        expect(d.issued.map((i) => [i.index, i.termDays, i.guaranteeFee, i.reguaranteeFeePct, i.inclusive, i.version.effectiveFrom])).toEqual([
          [0, 365, 5_000_000n, 3_000n, true, '2025-01-01'], // 5 m yuan x 1 % = 50,000.00 yuan; 0.3 % re-guarantee fee at most 5 m
          [1, 365, 4_000_000n, 5_000n, false, '2025-01-01'], // 5,000,000.01 yuan x 0.8 % = 4,000,000.008 fen, rounded; 0.5 % above 5 m
        ]);
        expect(d.approved).toEqual([
          { borrowerId: expect.any(String), principal: 500_000_000n },
          { borrowerId: expect.any(String), principal: 500_000_001n },
        ]);
      });
  });

  it('answers a loan no rule can compute with as UNPROCESSABLE and decides the others', () => {
    given([published()])
      .when(chunkOf([loan(100n, { interestRatePct: '4.5%' }), loan(100n)]))
      .then((events) => {
        const [d] = events as LoanChunkDecided[];
        expect(d.codes).toEqual([['UNPROCESSABLE'], []]);
        expect(d.unprocessable).toEqual([{ index: 0, error: expect.stringContaining('RangeError') }]);
      });
  });

  it('NOT_ON_LIST: a programme requiring lists rejects a borrower on none of them on its disbursement date', () => {
    // ON-A is on WHITE from 2025-03-01; ON-B is on GREEN; OFF is on none; LATE joins WHITE only in April
    const listsOn: ListsOn = (borrower, on) =>
      ({ 'ON-A': on >= '2025-03-01' ? ['WHITE'] : [], 'ON-B': ['GREEN'], LATE: on >= '2025-04-01' ? ['WHITE'] : [], ELSEWHERE: ['OTHER'] })[borrower] ?? [];
    givenLists(listsOn)([published({ required_lists: ['WHITE', 'GREEN'] })])
      .when(
        chunkOf([
          loan(100n, { borrowerId: 'ON-A' }),
          loan(100n, { borrowerId: 'ON-B' }),
          loan(100n, { borrowerId: 'OFF' }),
          loan(100n, { borrowerId: 'LATE' }),
          loan(100n, { borrowerId: 'ELSEWHERE', industryCode: 'K7010' }),
        ]),
      )
      .then(codesAre([[], [], ['NOT_ON_LIST'], ['NOT_ON_LIST'], ['INDUSTRY', 'NOT_ON_LIST']]));
  });

  it('NOT_ON_LIST comes before QUOTA and PROGRAMME_SUSPENDED in rule order, and a rejected loan consumes no quota', () => {
    const history: BookEvent[] = [published({ required_lists: ['WHITE'], programme_quota: '100.00' }), { type: 'programme-suspended' }];
    givenLists(() => [])(history).when(chunkOf([loan(200n)])).then(codesAre([['NOT_ON_LIST', 'QUOTA', 'PROGRAMME_SUSPENDED']]));
    givenLists((b) => (b === 'LISTED' ? ['WHITE'] : []))([published({ required_lists: ['WHITE'], programme_quota: '100.00' })])
      .when(chunkOf([loan(100n), loan(100n, { borrowerId: 'LISTED' })]))
      .then(codesAre([['NOT_ON_LIST'], []]));
  });

  it('a programme without required lists approves borrowers on no list; preferred lists are not enforced', () => {
    givenLists(() => [])([published({ preferred_lists: ['WHITE'] })]).when(chunkOf([loan(100n)])).then(codesAre([[]]));
  });

  it('records on each guarantee every list its borrower was on at disbursement, whatever the programme requires', () => {
    givenLists((b, on) => (b === 'TWO' && on === '2025-03-01' ? ['WHITE', 'GREEN'] : []))([published({ required_lists: ['WHITE'] })])
      .when(chunkOf([loan(100n, { borrowerId: 'TWO' })]))
      .then((events) => expect((events[0] as LoanChunkDecided).issued.map((i) => i.lists)).toEqual([['GREEN', 'WHITE']]));
    given([published()])
      .when(chunkOf([loan(100n)]))
      .then((events) => expect((events[0] as LoanChunkDecided).issued.map((i) => i.lists)).toEqual([[]]));
  });

  it('replaying the decisions gives the book the decisions saw', () => {
    const history: BookEvent[] = [published()];
    for (let i = 0; i < 5; i++) history.push(decided(history, chunkOf([loan(1_000n, { borrowerId: 'R' }), loan(2_000n)], { batchRef: `R${i}` })));
    const book = history.reduce(evolveBook, emptyBook('P'));
    expect(book.outstanding).toBe(15_000n * YUAN);
    expect(book.byBorrower.get('R')).toBe(5_000n * YUAN);
    expect(book.decided.size).toBe(5);
  });

  describe('RISK_SCORE, for a programme that opts in with max_risk_score', () => {
    // region 110106 has had a claim on every other guarantee; 110105 none
    const bad: ClaimHistory = { ...emptyContext(), programme: { issued: 1_000, claimed: 20 }, region: { issued: 200, claimed: 100 }, bank: { issued: 1_000, claimed: 20 }, industry: { issued: 1_000, claimed: 20 } };
    const quiet: ClaimHistory = { ...emptyContext(), programme: { issued: 1_000, claimed: 20 }, region: { issued: 200, claimed: 0 }, bank: { issued: 1_000, claimed: 20 }, industry: { issued: 1_000, claimed: 20 } };
    const gate: RiskGate = { model: RISK_MODEL, historyOf: (l: RiskLoan) => (l.regionCode === '110106' ? bad : quiet) };
    // the scores the two kinds of loan get, worked out by the scoring alone
    const scoreOf = (regionCode: string) => {
      const p = programme();
      const l: RiskLoan = { guaranteeId: 'ICBC/X', programme: 'P', bank: 'ICBC', borrowerId: 'X', borrowerType: 'small', industrySection: 'C', regionCode, sciTech: false, agriRelated: false, principalFen: 100n * YUAN, interestRatePct: '4.5', disbursedOn: '2025-03-01', maturesOn: '2026-03-01', termDays: 365 };
      return assessRisk(RISK_MODEL, l, { ...(regionCode === '110106' ? bad : quiet), borrowerOutstandingFen: 100n * YUAN }, { maxBorrowerPrincipalFen: p.maxBorrowerPrincipal, termMonthsMax: p.termMonths.max, maxInterestRatePct: '24' }).score;
    };

    it('the claim history makes a difference to the score (else the gate below would prove nothing)', () => {
      expect(Number(scoreOf('110106'))).toBeGreaterThan(Number(scoreOf('110105')));
    });

    it('rejects a loan scored above the threshold and approves one at or below it', () => {
      const low = scoreOf('110105');
      const high = scoreOf('110106');
      givenRisk(gate)([published({ max_risk_score: low })])
        .when(chunkOf([loan(100n, { regionCode: '110105' }), loan(100n, { regionCode: '110106' })]))
        .then(codesAre([[], ['RISK_SCORE']]));
      givenRisk(gate)([published({ max_risk_score: high })])
        .when(chunkOf([loan(100n, { regionCode: '110105' }), loan(100n, { regionCode: '110106' })]))
        .then(codesAre([[], []]));
    });

    it('records the score and labels of every loan it scored, and scores nothing for a programme that does not opt in', () => {
      givenRisk(gate)([published({ max_risk_score: '1' })])
        .when(chunkOf([loan(100n, { regionCode: '110106' })]))
        .then((events) => expect((events[0] as LoanChunkDecided).scored).toEqual([{ index: 0, score: scoreOf('110106'), labels: expect.arrayContaining(['REGION_CLAIM_RATE']) }]));
      givenRisk(gate)([published()])
        .when(chunkOf([loan(100n, { regionCode: '110106' })]))
        .then((events) => expect((events[0] as LoanChunkDecided).scored).toEqual([]));
    });

    it('comes after NOT_ON_LIST and before QUOTA; a loan it rejects consumes no quota', () => {
      const low = scoreOf('110105');
      givenRisk(gate)([published({ max_risk_score: low, programme_quota: '100.00', required_lists: ['WHITE'] }), { type: 'programme-suspended' }])
        .when(chunkOf([loan(200n, { regionCode: '110106' })]))
        .then(codesAre([['NOT_ON_LIST', 'RISK_SCORE', 'QUOTA', 'PROGRAMME_SUSPENDED']]));
      givenRisk(gate)([published({ max_risk_score: low, programme_quota: '100.00' })])
        .when(chunkOf([loan(100n, { regionCode: '110106' }), loan(100n, { regionCode: '110105' })]))
        .then(codesAre([['RISK_SCORE'], []]));
    });

    it("scores a borrower's exposure with the chunk's earlier loans to it", () => {
      const history: BookEvent[] = [published({ max_risk_score: '1' })];
      givenRisk(gate)(history)
        // 4.5 million yuan each of a 10 million limit: 45 % with the first, 90 % with the second
        .when(chunkOf([loan(4_500_000n, { borrowerId: 'SAME' }), loan(4_500_000n, { borrowerId: 'SAME' })]))
        .then((events) => {
          const [first, second] = (events[0] as LoanChunkDecided).scored;
          expect(first.labels).not.toContain('EXPOSURE_NEAR_LIMIT');
          expect(second.labels).toContain('EXPOSURE_NEAR_LIMIT');
        });
    });

    it('answers a gated loan UNPROCESSABLE when no claim history is given to score it on, never as a score on none', () => {
      given([published({ max_risk_score: '1' })])
        .when(chunkOf([loan(100n), loan(100n)]))
        .then((events) => {
          const d = events[0] as LoanChunkDecided;
          expect(d.codes).toEqual([['UNPROCESSABLE'], ['UNPROCESSABLE']]);
          expect(d.unprocessable[0].error).toContain('no claim history');
        });
    });

    it('reads max_risk_score as a decimal from 0 to 1 of at most 4 places, and nothing else', () => {
      for (const ok of ['0', '0.35', '0.0001', '1', '1.0000']) expect(readProgramme({ ...demoProgrammeDocument, max_risk_score: ok }).ok).toBe(true);
      for (const bad of ['1.01', '0.12345', '-0.1', '.5', 0.5, '']) {
        const r = readProgramme({ ...demoProgrammeDocument, max_risk_score: bad });
        expect(r.ok ? [] : r.problems).toEqual([{ field: 'max_risk_score', message: 'max_risk_score must be a decimal from 0 to 1 with at most 4 places, as a string (for example "0.35")' }]);
      }
    });
  });
});
