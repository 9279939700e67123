import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../cli';
import { FetchLike } from '../http';
import { Call, fakeFetch, fakeIo } from '../test-fakes';

const dir = mkdtempSync(join(tmpdir(), 'g2g-cli-lists-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

/** A server answering JSON Lines in pieces that cut lines in two, as a network may. */
const linesFetch = (lines: object[], calls: Call[]): FetchLike => async (url, init) => {
  calls.push({ method: init?.method ?? 'GET', url, headers: { ...(init?.headers as Record<string, string>) }, body: await new Response(init!.body!).text() });
  const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  const pieces = [text.slice(0, 7), text.slice(7, 50), text.slice(50)];
  const stream = new ReadableStream({
    start(c) {
      for (const p of pieces) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
};

describe('g2g lists', () => {
  it('publish streams the file to the list\'s versions with its header as parameters, and says what was published', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      cwd: dir,
      env: { G2G_OPERATOR_KEY: 'op', G2G_UNDERWRITING_URL: 'http://uw:8082' },
      fetch: fakeFetch({ 'POST /lists/BJ-SPEC/versions': () => ({ status: 201, body: { list: 'BJ-SPEC', version: 2, effective_from: '2025-06-01', effective_to: null, rows: 3, entries: 2, sha256: 'a'.repeat(64) } }) }, calls),
    });
    const csv = file('spec.csv', 'borrower_id_type,borrower_id\r\nUSCC,91350100M000100Y43\r\n');
    expect(await run(['lists', 'publish', csv, '--id', 'BJ-SPEC', '--name', '专精特新', '--authority', 'Beijing bureau', '--from', '2025-06-01'], io)).toBe(0);
    const url = new URL(calls[0].url);
    expect([url.pathname, url.searchParams.get('name'), url.searchParams.get('authority'), url.searchParams.get('effective_from'), url.searchParams.get('effective_to'), url.searchParams.get('format')]).toEqual([
      '/lists/BJ-SPEC/versions',
      '专精特新',
      'Beijing bureau',
      '2025-06-01',
      null,
      'csv',
    ]);
    expect(calls[0].headers['content-type']).toBe('text/csv');
    expect(calls[0].body).toBe('borrower_id_type,borrower_id\r\nUSCC,91350100M000100Y43\r\n');
    expect(io.stdout()).toBe('list BJ-SPEC (专精特新) version 2: 2 entries from 3 rows, effective from 2025-06-01, until a later version replaces it\n');
  });

  it('publish without the list\'s header, or with --to before --from, is a usage mistake', async () => {
    const csv = file('a.csv', 'borrower_id_type,borrower_id\r\n');
    const io = fakeIo({ cwd: dir, env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['lists', 'publish', csv, '--id', 'X', '--name', 'n', '--from', '2025-01-01'], io)).toBe(2);
    expect(io.stderr()).toContain('--authority');
    const io2 = fakeIo({ cwd: dir, env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['lists', 'publish', csv, '--id', 'X', '--name', 'n', '--authority', 'a', '--from', '2025-02-01', '--to', '2025-01-31'], io2)).toBe(2);
    expect(io2.stderr()).toContain('--to 2025-01-31 is before --from 2025-02-01');
  });

  it('check prints the borrowers on a list and the rows that are no borrower id, then counts them; --json every line as it came', async () => {
    const answer = [
      { row: 1, borrower_id_type: 'USCC', borrower_id: '91350100M000100Y43', on: '2025-03-01', lists: ['BJ-AGRI', 'BJ-SPEC'] },
      { row: 2, borrower_id_type: 'USCC', borrower_id: '91110105MA0000001X', on: '2025-03-01', lists: [] },
      { row: 3, error: { code: 'BAD_CHECK_CHARACTER', field: 'borrower_id', message: 'borrower_id 9135: not a valid USCC' } },
      { row: 4, borrower_id_type: 'RID', borrower_id: '11010519491231002X', on: '2025-04-01', lists: ['BJ-SPEC'] },
    ];
    const calls: Call[] = [];
    const csv = file('batch.csv', 'borrower_id_type,borrower_id\r\n');
    const io = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k-icbc' }, fetch: linesFetch(answer, calls) });
    expect(await run(['lists', 'check', csv, '--on', '2025-03-01'], io)).toBe(0);
    expect(new URL(calls[0].url).searchParams.get('on')).toBe('2025-03-01');
    expect(calls[0].headers.authorization).toBe('Bearer k-icbc');
    expect(io.stdout()).toBe(
      [
        'row 1: USCC 91350100M000100Y43 on 2025-03-01: BJ-AGRI, BJ-SPEC',
        'row 3: not a borrower id: BAD_CHECK_CHARACTER: borrower_id 9135: not a valid USCC',
        'row 4: RID 11010519491231002X on 2025-04-01: BJ-SPEC',
        '4 rows: 2 on a list (BJ-AGRI 1, BJ-SPEC 2), 1 on none, 1 not a borrower id',
        '',
      ].join('\n'),
    );
    const json = fakeIo({ cwd: dir, env: { G2G_API_KEY: 'k' }, fetch: linesFetch(answer, []) });
    expect(await run(['lists', 'check', csv, '--json'], json)).toBe(0);
    expect(json.stdout().trim().split('\n').map((l) => JSON.parse(l))).toEqual(answer);
  });

  it('show lists every version of every list', async () => {
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({
        'GET /lists': () => ({
          status: 200,
          body: { lists: [{ id: 'BJ-SPEC', name: 'n', authority: 'a', versions: [{ version: 1, name: 'n', authority: 'a', effective_from: '2025-01-01', effective_to: null, entries: 12000, published_at: '2025-01-02T00:00:00.000Z', published_by: 'NFRA' }] }] },
        }),
      }),
    });
    expect(await run(['lists', 'show'], io)).toBe(0);
    expect(io.stdout()).toContain('BJ-SPEC');
    expect(io.stdout()).toContain('12,000');
    expect(io.stdout()).toContain('NFRA');
  });
});
