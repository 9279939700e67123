import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { bankClient, csvOf, loanRows } from './support/bank';
import { TestPlatform } from './support/platform';

// A chunk of 1,000 loans whose every field is as long as the interface allows: intake files it in
// one transaction and relays its messages together. Every row still gets its outcome, and what
// is filed after it too.

jest.setTimeout(180_000);

const platform = new TestPlatform();
const P = 'P1';
const programmes = [{ ...demoProgrammeDocument, id: P }];

const { loan } = loanRows({ uscc: 'MB', name: '边界测试企业' });
const { start, put, decided } = bankClient(platform);

describe('loan batches as long as the interface allows (five processes over Kafka)', () => {
  let borrower = 1;

  beforeAll(() => start(programmes, (id) => csvOf([loan(`W-${id}`, borrower++)])), 180_000);
  afterAll(async () => platform.stop());

  it('decides a chunk of 1,000 loans with the longest loan ids, names and batch ref the interface allows', async () => {
    // every field within its limit: a 64-character loan id, a 200-character name, a 100-character ref
    const ref = `R${'r'.repeat(99)}`;
    const rows = Array.from({ length: 1_000 }, (_, i) => loan(`${'借据'.repeat(29)}${String(i).padStart(6, '0')}`, borrower++, { borrower_name: '长'.repeat(200) }));
    expect([...rows[0].loan_id]).toHaveLength(64);
    const answer = await put(`/banks/ICBC/batches/${ref}?programme=${P}`, csvOf(rows));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ rows: 1_000, invalid: 0 });
    await decided('batches', ref, 1_000);

    // and what is filed after it is decided too
    expect((await put(`/banks/ICBC/batches/after-long?programme=${P}`, csvOf([loan('AFTER-LONG-1', borrower++)]))).status).toBe(202);
    await decided('batches', 'after-long', 1);
  });

  it('writes no borrower identifier or name into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
