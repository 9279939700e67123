import { usccCheckCharacter } from '@g2g/domain';
import { ServiceName, eventually } from '@g2g/testing';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform } from './platform';

export type Fields = Record<string, string>;
const FIELDS = LOAN_FIELDS.split(',');

/**
 * Valid, approvable loan rows of numbered borrowers. Each suite takes a series of its own (the
 * letters after the region in the USCC, the start of the borrowers' names), so that the borrower
 * identifiers and names one suite uploads are its own.
 */
export function loanRows(series: { uscc: string; name: string }) {
  const uscc = (n: number) => {
    const first17 = `91110105${series.uscc}${String(n).padStart(7, '0')}`;
    return first17 + usccCheckCharacter(first17);
  };
  /** A valid, approvable loan row of borrower n, with fields overridden. */
  const loan = (id: string, n: number, over: Fields = {}): Fields => ({
    loan_id: id,
    borrower_id_type: 'USCC',
    borrower_id: uscc(n),
    borrower_name: `${series.name}${n}`,
    borrower_type: 'small',
    industry_code: 'C1311',
    region_code: '110105',
    sci_tech: 'N',
    agri_related: 'N',
    principal: '10000.00',
    currency: 'CNY',
    interest_rate_pct: '4.50',
    guarantee_fee_rate_pct: '0.80',
    disbursed_on: '2025-03-01',
    matures_on: '2026-03-01',
    ...over,
  });
  return { uscc, loan };
}

export const csvLine = (r: Fields) => FIELDS.map((f) => r[f]).join(',');
export const csvOf = (rows: Fields[]) => [LOAN_FIELDS, ...rows.map(csvLine)].join('\n') + '\n';
export const jsonlOf = (rows: Fields[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** [row, outcome, codes] of a batch's row */
export type Outcome = [number, string, string[]];
/** [row, loan_id, outcome, codes] of a batch's row */
export type RowOutcome = [number, string | null, string, string[]];

/** A bank as a test sees the platform: raw uploads and reads with its key, and waiting for outcomes. */
export function bankClient(platform: TestPlatform, bank = 'ICBC') {
  const parsed = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
  };
  /** A PUT to intake with raw bytes (its borrowers noted for the log scan): the status and the parsed answer. */
  const put = async (path: string, body: Buffer | string, contentType = 'text/csv', key = platform.keys[bank]) => {
    platform.notePersonalData(body);
    return parsed(await fetch(`${platform.url('intake')}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body }));
  };
  const get = async (path: string, service: ServiceName = 'intake', key = platform.keys[bank]) =>
    parsed(await fetch(`${platform.url(service)}${path}`, { headers: { authorization: `Bearer ${key}` } }));
  const summary = async (segment: string, ref: string) => (await get(`/banks/${bank}/${segment}/${ref}`)).body;
  /** Waits until no row of the batch is pending (whatever the batch's status). */
  const decided = async (segment: string, ref: string, rows: number, timeoutMs = 90_000) =>
    eventually(async () => {
      const s = await summary(segment, ref);
      return s?.rows === rows && s.pending === 0;
    }, timeoutMs, `${segment} ${ref}: ${rows} rows decided`);
  /** Every row's [row, outcome, codes], up to 10,000 rows. */
  const outcomes = async (segment: string, ref: string): Promise<Outcome[]> =>
    (await get(`/banks/${bank}/${segment}/${ref}/rows?limit=10000`)).body.rows.map((r: any) => [r.row, r.outcome, r.codes]);
  /** Every row's [row, loan_id, outcome, codes], paged. */
  const rowsOf = async (segment: string, ref: string): Promise<RowOutcome[]> => {
    const all: RowOutcome[] = [];
    for (let after = 0; ; ) {
      const { body } = await get(`/banks/${bank}/${segment}/${ref}/rows?after=${after}&limit=5000`);
      all.push(...body.rows.map((r: any): RowOutcome => [r.row, r.loan_id, r.outcome, r.codes]));
      if (body.next === null) return all;
      after = body.next;
    }
  };
  /**
   * Starts the platform, publishes the demo participants and the programmes, and files a loan
   * batch (`warmUp` of the programme) to each programme, again and again until intake has heard of
   * it (202).
   */
  const start = async (programmes: { id: string }[], warmUp: (programme: string) => string) => {
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, programmes);
    for (const { id } of programmes) {
      await eventually(async () => (await put(`/banks/${bank}/batches/warm-up-${id}?programme=${id}`, warmUp(id))).status === 202, 60_000, `intake to know ${id}`);
    }
  };
  return { start, put, get, summary, decided, outcomes, rowsOf };
}
