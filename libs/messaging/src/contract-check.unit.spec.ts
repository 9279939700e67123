import { CONTRACTS, LoansFiledV2, loansFiledV2, operatorActionRecordedV1, servicingFiledV2 } from '@g2g/contracts';
import { ContractViolation, contractProblems, contractViolation, spares } from './contract-check';
import { IncomingMessage } from './message';

const chunk = (): LoansFiledV2 => ({
  bank: 'ICBC',
  batchRef: 'A',
  programme: 'NFGF-G2G-BJ-2025',
  firstRow: 1,
  filedAt: '2026-11-23T06:27:01.120Z',
  loans: {
    row: [1, 2, 3],
    loanId: ['A-1', 'A-2', 'A-3'],
    borrowerIdType: ['USCC', 'USCC', 'RID'],
    borrowerId: ['91350100M000100Y43', '91110105MA01ABCD5X', '110105194912310021'],
    borrowerName: ['某某科技有限公司', '某某农业合作社', '张三'],
    borrowerType: ['micro', 'agri_entity', 'farmer'],
    industryCode: ['C1311', 'A0111', 'A0111'],
    regionCode: ['110105', '110112', '110108'],
    sciTech: 'YNN',
    agriRelated: 'NYY',
    principalFen: ['100000000', '30000000', '1'],
    interestRatePct: ['4.50', '3.85', '4'],
    guaranteeFeeRatePct: ['0.80', '0.50', '0.5'],
    disbursedOn: ['2025-03-01', '2025-03-02', '2024-02-29'],
    maturesOn: ['2026-03-01', '2026-03-02', '2025-02-28'],
  },
});

const problems = (value: unknown, topic: string = loansFiledV2.topic) => contractProblems(topic, value).problems;
const message = (value: unknown, topic: string = loansFiledV2.topic): IncomingMessage => ({ id: 'intake:e1', topic, key: 'P', value, headers: {} });

describe('the contract check of consumed messages', () => {
  it('compiles the schema of every published contract', () => {
    for (const c of CONTRACTS.filter((c) => c.published)) {
      const topic = c.address.replace('{service}', 'underwriting');
      expect([c.name, contractProblems(topic, {}).problems.length > 0]).toEqual([c.name, true]);
    }
  });

  it('passes a chunk as intake files it', () => {
    expect(problems(chunk())).toEqual([]);
    expect(contractViolation(message(chunk()))).toBeUndefined();
  });

  it('names a value of the wrong type by its path', () => {
    const c: any = chunk();
    c.firstRow = '1';
    c.loans.row[1] = 2.5;
    expect(problems(c)).toEqual(['/firstRow: must be integer', '/loans/row/1: must be integer']);
  });

  it('names a missing field by the object that lacks it', () => {
    const c: any = chunk();
    delete c.loans.maturesOn;
    delete c.filedAt;
    expect(problems(c)).toEqual(["/: must have required property 'filedAt'", "/loans: must have required property 'maturesOn'"]);
  });

  it('refuses fen that is not a decimal integer string, by the row it is in', () => {
    for (const bad of ['1000.00', '-5', '0100', '1e6', ' 1', '']) {
      const c = chunk();
      c.loans.principalFen[2] = bad;
      expect([bad, problems(c)]).toEqual([bad, ['/loans/principalFen/2: must match pattern "^(0|[1-9][0-9]*)$"']]);
    }
  });

  it('refuses a date that is no calendar date, a code outside its list and a field no producer writes', () => {
    const c: any = chunk();
    c.loans.disbursedOn[0] = '2025-02-29';
    c.loans.borrowerType[1] = 'large';
    c.loans.sciTech = 'YNX';
    c.note = 'hello';
    expect(problems(c)).toEqual([
      '/: must NOT have additional properties ("note")',
      '/loans/borrowerType/1: must be equal to one of the allowed values',
      '/loans/sciTech: must match pattern "^[YN]*$"',
      '/loans/disbursedOn/0: must match format "date"',
    ]);
  });

  it('says where a value is wrong, never what it is: borrowers never reach a log line', () => {
    const c: any = chunk();
    c.loans.borrowerId[0] = 12345678;
    c.loans.borrowerName = '某某科技有限公司';
    c.loans.principalFen[0] = '91350100M000100Y43';
    const violation = contractViolation(message(c))!;
    expect(violation).toBeInstanceOf(ContractViolation);
    expect(violation.message).toBe(
      `does not match its contract (${loansFiledV2.topic}, version 2): /loans/borrowerId/0: must be string; /loans/borrowerName: must be array; /loans/principalFen/0: must match pattern "^(0|[1-9][0-9]*)$"`,
    );
    for (const value of ['12345678', '某某', '91350100M000100Y43']) expect(violation.message).not.toContain(value);
  });

  it('names at most ten mismatches, and counts the rest', () => {
    const c = chunk();
    c.loans.principalFen = Array.from({ length: 1000 }, () => 'x');
    const violation = contractViolation(message(c))!;
    expect(violation.problems).toHaveLength(10);
    expect(violation.message).toMatch(/; and 990 more$/);
  });

  it('holds a servicing chunk to the columns of its kind', () => {
    const claims = {
      bank: 'ICBC', batchRef: 'C', kind: 'claim', firstRow: 1, filedAt: '2025-09-01T01:00:00.000Z', row: [1], loanId: ['L-1'],
      overdueSince: ['2025-06-01'], claimedOn: ['2025-09-01'], unpaidPrincipalFen: ['95996300'], unpaidInterestFen: ['1200000'],
    };
    expect(problems(claims, servicingFiledV2.topic)).toEqual([]);
    const { claimedOn: _, ...noClaimedOn } = claims;
    expect(problems(noClaimedOn, servicingFiledV2.topic)).toEqual(["/: must have required property 'claimedOn'"]);
    expect(problems({ ...claims, amountFen: ['1'] }, servicingFiledV2.topic)).toEqual(['/amountFen: must not be there']);
    const { overdueSince: _o, claimedOn: _c, unpaidPrincipalFen: _p, ...repayment } = { ...claims, kind: 'repayment', amountFen: ['1'], on: ['2025-09-01'] };
    expect(problems(repayment, servicingFiledV2.topic)).toEqual(['/unpaidInterestFen: must not be there']);
  });

  it('reads the text of a message its consumer keeps unread', () => {
    const good = { ...message(undefined), raw: JSON.stringify(chunk()) };
    expect(contractViolation(good)).toBeUndefined();
    const bad = { ...message(undefined), raw: JSON.stringify({ ...chunk(), firstRow: 0 }) };
    expect(contractViolation(bad)?.problems).toEqual(['/firstRow: must be >= 1']);
    expect(contractViolation({ ...message(undefined), raw: '{"bank":' })?.problems).toEqual(['/: not JSON']);
  });

  it('checks every service\'s operator actions, and lets an action it does not know yet through', () => {
    const action = {
      actionId: '6c1f7a52-93d4-4d0e-a1b2-0f3e8c9d7b21', service: 'cession', action: 'statement-closed',
      actor: { participant: 'OPERATOR', keyId: '5d0b9e2a7c4f1836' }, subject: 'ICBC', details: { keyIds: ['3f9a0c1d2e4b5a67'], all: false, ms: 12, note: null },
      recordedAt: '2026-01-06T09:30:00.000Z',
    };
    const topic = operatorActionRecordedV1.topic('cession');
    expect(problems(action, topic)).toEqual([]);
    expect(problems({ ...action, details: { nested: { no: 1 } } }, topic)).toEqual(['/details/nested: must match a schema in anyOf']);
  });

  it('leaves a topic without a contract unchecked', () => {
    expect(contractViolation(message({ anything: true }, 'g2g.test.tick.v1'))).toBeUndefined();
  });
});

describe('whether a violation spares what an answer copies', () => {
  const v = (problems: string[], more = 0) => new ContractViolation('t', 1, problems, more);
  const copied = ['/bank', '/loans/row'];
  it('spares it when every mismatch is elsewhere', () => {
    expect(spares(v(['/loans/principalFen/1: must match pattern "^(0|[1-9][0-9]*)$"', '/bankName: must be string']), copied)).toBe(true);
  });
  it('does not when a mismatch is at a copied field, under it, at a parent of it, at the root, or beyond those named', () => {
    expect(spares(v(['/bank: must be string']), copied)).toBe(false);
    expect(spares(v(['/loans/row/3: must be integer']), copied)).toBe(false);
    expect(spares(v(["/loans: must have required property 'row'"]), copied)).toBe(false);
    expect(spares(v(["/: must have required property 'bank'"]), copied)).toBe(false);
    expect(spares(v(['/loans/principalFen/1: must match pattern'], 3), copied)).toBe(false);
  });
});
