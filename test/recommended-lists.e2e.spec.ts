import { residentIdCheckCharacter, usccCheckCharacter } from '@g2g/domain';
import { eventually } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// Recommended lists over real Kafka and PostgreSQL: a list published and versioned, a batch checked
// against it before filing, a programme that requires it, and the figures by list. Every expected
// value below is worked out here, from the rows as written, not read back from the platform.

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const L1 = uscc('91110105MA00000L1'); // on the list in its first version only
const L2 = uscc('91110105MA00000L2'); // on both versions
const L4 = uscc('91110105MA00000L4'); // on the second version only
const U = uscc('91110105MA000000U'); // on no list
const U2 = uscc('91110105MA00000U2');
const FARMER = '11010519491231002' + residentIdCheckCharacter('11010519491231002'); // on both lists throughout

type Row = { loan: string; idType: 'USCC' | 'RID'; id: string; type: string; industry: string; yuan: string; on: string };
const line = (r: Row) =>
  `${r.loan},${r.idType},${r.id},某某企业,${r.type},${r.industry},110105,N,N,${r.yuan},CNY,4.50,0.80,${r.on},${String(Number(r.on.slice(0, 4)) + 1)}${r.on.slice(4)}`;
const batch = (rows: Row[]) => csv(LOAN_FIELDS, rows.map(line));

// the lists' versions, as published
const SPEC = 'BJ-SPEC';
const AGRI = 'BJ-AGRI';
const SPEC_V1 = { from: '2025-01-01', ids: [L1, L2, FARMER] };
const SPEC_V2 = { from: '2025-06-01', ids: [L2, L4, FARMER] };
const AGRI_V1 = { from: '2025-01-01', ids: [FARMER] };
/** The lists a borrower is on at a date, from the versions as published: of each list, the latest version from on or before it. */
const listsOf = (id: string, on: string): string[] => {
  const holds = (versions: { from: string; ids: string[] }[]) => versions.filter((v) => v.from <= on).at(-1)?.ids.includes(id) ?? false;
  return [...(holds([AGRI_V1]) ? [AGRI] : []), ...(holds([SPEC_V1, SPEC_V2]) ? [SPEC] : [])];
};

// ICBC's batch L in the programme that requires the list, and batch M in the demo programme (none required)
const L: (Row & { codes: string[] })[] = [
  { loan: 'L-1', idType: 'USCC', id: L1, type: 'micro', industry: 'C1311', yuan: '1000000.00', on: '2025-03-01', codes: [] },
  { loan: 'L-2', idType: 'USCC', id: L1, type: 'micro', industry: 'C1311', yuan: '500000.00', on: '2025-07-01', codes: ['NOT_ON_LIST'] }, // dropped by the second version
  { loan: 'L-3', idType: 'USCC', id: L4, type: 'micro', industry: 'C1311', yuan: '300000.00', on: '2025-03-01', codes: ['NOT_ON_LIST'] }, // not yet on it
  { loan: 'L-4', idType: 'USCC', id: L4, type: 'micro', industry: 'C1311', yuan: '300000.00', on: '2025-07-01', codes: [] },
  { loan: 'L-5', idType: 'USCC', id: U, type: 'micro', industry: 'C1311', yuan: '200000.00', on: '2025-03-01', codes: ['NOT_ON_LIST'] },
  { loan: 'L-6', idType: 'USCC', id: U, type: 'micro', industry: 'K7010', yuan: '200000.00', on: '2025-03-01', codes: ['INDUSTRY', 'NOT_ON_LIST'] },
  { loan: 'L-7', idType: 'RID', id: FARMER, type: 'farmer', industry: 'A0111', yuan: '100000.00', on: '2025-04-01', codes: [] },
];
const M: (Row & { codes: string[] })[] = [
  { loan: 'M-1', idType: 'USCC', id: L2, type: 'small', industry: 'C1311', yuan: '400000.00', on: '2025-03-05', codes: [] },
  { loan: 'M-2', idType: 'USCC', id: U2, type: 'small', industry: 'C1311', yuan: '600000.00', on: '2025-03-05', codes: [] },
];

const fen = (yuan: string) => BigInt(yuan.replace('.', ''));
const yuan = (f: bigint) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;
const ratio = (n: bigint, d: bigint) => {
  const q = ((2n * n * 10n ** 10n + d) / (2n * d)).toString().padStart(11, '0');
  return `${q.slice(0, -10)}.${q.slice(-10)}`;
};
const issued = (rows: typeof L) => rows.filter((r) => r.codes.length === 0);
const total = (rows: typeof L) => rows.reduce((s, r) => s + fen(r.yuan), 0n);
/** What GET /figures?list=... answers for new business, from the rows issued. */
const byList = (rows: typeof L, list: string) => {
  const on = issued(rows).filter((r) => listsOf(r.id, r.on).includes(list));
  return {
    new_guarantees: { count: on.length, principal: yuan(total(on)) },
    outstanding_balance: yuan(total(on)), // nothing is repaid, and every loan matures in 2026
    borrowers_served: new Set(on.map((r) => r.id)).size,
    listed_share: on.length === 0 ? null : '1.0000000000',
  };
};
const listedShare = (rows: typeof L) => ratio(total(issued(rows).filter((r) => listsOf(r.id, r.on).length > 0)), total(issued(rows)));

describe('recommended lists over Kafka: published, versioned, checked, required, and in the figures', () => {
  const platform = new TestPlatform();
  const keys = platform.keys;
  const call: TestPlatform['call'] = (...args) => platform.call(...args);
  const publishVersion = (list: string, name: string, from: string, ids: string[], key: string) => {
    const body = csv('borrower_id_type,borrower_id', ids.map((id) => `${id === FARMER ? 'RID' : 'USCC'},${id}`));
    platform.notePersonalData(body);
    return call('underwriting', 'POST', `/lists/${list}/versions?name=${encodeURIComponent(name)}&authority=${encodeURIComponent('北京市经济和信息化局')}&effective_from=${from}`, key, body, 'text/csv');
  };
  /** POST /lists/check: its JSON lines */
  const check = async (body: string, query = '') => {
    platform.notePersonalData(body);
    const res = await fetch(`${platform.url('underwriting')}/lists/check${query}`, { method: 'POST', headers: { authorization: `Bearer ${keys.ICBC}`, 'content-type': 'text/csv' }, body });
    expect(res.status).toBe(200);
    return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
  };
  const figures = async (query: string) => (await call('reporting', 'GET', `/figures?from=2025-01-01&to=2025-12-31${query}`, keys.NFRA)).body;

  beforeAll(async () => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [{ ...demoProgrammeDocument, id: 'P1' }]);
  }, 180_000);

  afterAll(async () => platform.stop());

  it('publishes a list in versions, refuses a bad one whole, checks a batch before filing, rejects unlisted borrowers and counts the figures by list', async () => {
    // the operator publishes the list, the regulator a second version and another list
    expect(await publishVersion(SPEC, '专精特新中小企业', SPEC_V1.from, SPEC_V1.ids, platform.operatorKey)).toMatchObject({ status: 201, body: { list: SPEC, version: 1, entries: SPEC_V1.ids.length } });
    expect(await publishVersion(SPEC, '专精特新中小企业', SPEC_V2.from, SPEC_V2.ids, keys.NFRA)).toMatchObject({ status: 201, body: { list: SPEC, version: 2, entries: SPEC_V2.ids.length } });
    expect(await publishVersion(AGRI, '新型农业经营主体', AGRI_V1.from, AGRI_V1.ids, keys.NFRA)).toMatchObject({ status: 201, body: { version: 1, entries: 1 } });
    const bad = L1.slice(0, 17) + (L1[17] === '0' ? '1' : '0');
    expect(await publishVersion(SPEC, 'x', '2026-01-01', [L2, bad], keys.NFRA)).toMatchObject({ status: 422, body: { code: 'INVALID_LIST', errors: [{ row: 2, code: 'BAD_CHECK_CHARACTER' }] } });
    // a bank publishes no list; a version needs its header, and a file in a format it can read
    expect((await publishVersion(SPEC, 'x', '2026-01-01', [L2], keys.ICBC)).status).toBe(403);
    expect(await call('underwriting', 'POST', `/lists/${SPEC}/versions?name=x&effective_from=2026-01-01`, keys.NFRA, `borrower_id_type,borrower_id\r\nUSCC,${L2}\r\n`, 'text/csv')).toMatchObject({
      status: 400,
      body: { code: 'BAD_LIST' },
    });
    expect(await call('underwriting', 'POST', `/lists/${SPEC}/versions?name=x&authority=y&effective_from=2026-01-01`, keys.NFRA, 'whatever', 'text/plain')).toMatchObject({
      status: 415,
      body: { code: 'UNKNOWN_FORMAT' },
    });
    const { body: listed } = await call('underwriting', 'GET', '/lists', keys.ICBC);
    expect(listed.lists.map((l: any) => [l.id, l.versions.map((v: any) => [v.version, v.effective_from, v.entries, v.published_by])])).toEqual([
      [AGRI, [[1, '2025-01-01', 1, 'NFRA']]],
      [SPEC, [[1, SPEC_V1.from, SPEC_V1.ids.length, 'OPERATOR'], [2, SPEC_V2.from, SPEC_V2.ids.length, 'NFRA']]],
    ]);

    // the programme that requires the list can only be published once the list is
    const required = { ...demoProgrammeDocument, id: 'P-LIST', banks: ['ICBC'], required_lists: [SPEC], preferred_lists: [AGRI] };
    expect((await call('underwriting', 'POST', '/programmes', platform.operatorKey, { ...required, required_lists: ['NO-SUCH-LIST'] })).status).toBe(422);
    expect((await call('underwriting', 'POST', '/programmes', platform.operatorKey, required)).status).toBe(201);

    // the bank checks its batch as it is, each row on its disbursement date
    expect((await check(batch(L))).map((r) => [r.row, r.lists])).toEqual(L.map((r, i) => [i + 1, listsOf(r.id, r.on)]));
    // and a plain file of borrowers on one date
    const plain = csv('borrower_id_type,borrower_id', [`USCC,${L1}`, `USCC,${L2}`, `USCC,${bad}`]);
    expect(await check(plain, '?on=2025-06-01')).toEqual([
      { row: 1, borrower_id_type: 'USCC', borrower_id: L1, on: '2025-06-01', lists: listsOf(L1, '2025-06-01') },
      { row: 2, borrower_id_type: 'USCC', borrower_id: L2, on: '2025-06-01', lists: listsOf(L2, '2025-06-01') },
      { row: 3, error: expect.objectContaining({ code: 'BAD_CHECK_CHARACTER', field: 'borrower_id' }) },
    ]);

    // filed: the rows not on the list on their disbursement date are rejected NOT_ON_LIST, in rule order
    expect((await platform.file('ICBC', 'batches', 'L', batch(L), { programme: 'P-LIST' })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'L')).toMatchObject({ rows: L.length, approved: issued(L).length, rejected: L.length - issued(L).length });
    expect(await platform.outcomes('ICBC', 'batches', 'L')).toEqual(L.map((r, i) => [i + 1, r.loan, r.codes.length === 0 ? 'approved' : 'rejected', r.codes]));

    // the figures by list, once reporting has heard of the batch
    let f: any;
    await eventually(async () => (f = await figures(`&list=${SPEC}`)).new_guarantees.count === byList(L, SPEC).new_guarantees.count, 60_000, 'reporting to hear of batch L');
    expect(f).toMatchObject(byList(L, SPEC));
    expect(await figures(`&list=${AGRI}`)).toMatchObject(byList(L, AGRI));
    expect((await figures('')).listed_share).toBe(listedShare(L));
    const knownAfterL = new Date().toISOString();

    // batch M in a programme that requires no list: both approved, one borrower listed, one not
    expect((await platform.file('ICBC', 'batches', 'M', batch(M), { programme: 'P1' })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'M')).toMatchObject({ rows: 2, approved: 2 });
    const both = [...L, ...M];
    await eventually(async () => (f = await figures(`&list=${SPEC}`)).new_guarantees.count === byList(both, SPEC).new_guarantees.count, 60_000, 'reporting to hear of batch M');
    expect(f).toMatchObject(byList(both, SPEC));
    expect(await figures(`&list=${SPEC}&programme=P1`)).toMatchObject(byList(M, SPEC));
    expect(await figures('')).toMatchObject({ new_guarantees: { count: issued(both).length, principal: yuan(total(issued(both))) }, listed_share: listedShare(both) });
    expect((await figures(`&list=NO-SUCH-LIST`)).new_guarantees).toEqual({ count: 0, principal: '0.00' });

    // each guarantee's issue says the lists its borrower was on at disbursement, in its history
    const issuedLists = async (loan: string) => {
      const { body } = await call('reporting', 'GET', `/loans/ICBC/${loan}/history`, keys.NFRA);
      return body.events.find((e: any) => e.event === 'g2g.underwriting.guarantee-issued.v1')?.data.lists;
    };
    expect(await issuedLists('M-1')).toEqual(listsOf(L2, '2025-03-05'));
    expect(await issuedLists('M-2')).toEqual(listsOf(U2, '2025-03-05'));

    // as the platform knew them before batch M
    expect(await figures(`&list=${SPEC}&as_of=${knownAfterL}`)).toMatchObject(byList(L, SPEC));
    expect((await figures(`&as_of=${knownAfterL}`)).listed_share).toBe(listedShare(L));
  }, 240_000);

  it('writes no identifier of a list or of a check into any log line', async () => {
    expect(await platform.personalDataInLogs()).toEqual([]);
  });
});
