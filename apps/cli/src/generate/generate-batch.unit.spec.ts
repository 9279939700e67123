import {
  LOAN_ROW_FIELDS,
  LoanRowField,
  Programme,
  ProgrammeBook,
  addMonths,
  checkIndustryCode,
  checkRegionCode,
  checkResidentId,
  checkUscc,
  compareDates,
  daysBetween,
  parseRate,
  parseYuan,
  readProgramme,
  rejectionCodes,
  validateLoanRow,
} from '@g2g/domain';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerateBatchOptions, INVALID_KINDS, exponentForm, generateBatch, generateRows, writeBatchFile } from './generate-batch';
import { Prng } from './prng';

async function text(options: GenerateBatchOptions): Promise<string> {
  let out = '';
  for await (const chunk of generateBatch(options)) out += chunk;
  return out;
}

/** A small RFC 4180 reader for the test: quoted cells may hold commas and doubled quotes. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function csvRecords(csv: string): { header: string[]; rows: Record<string, string>[]; widths: number[] } {
  const [headerLine, ...lines] = csv.split('\n').filter((l) => l !== '');
  const header = parseCsvLine(headerLine);
  const parsed = lines.map(parseCsvLine);
  return {
    header,
    widths: parsed.map((cells) => cells.length),
    rows: parsed.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]]))),
  };
}

const base: GenerateBatchOptions = { rows: 2000, bank: 'ICBC', seed: 42, format: 'csv' };

describe('Prng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('keeps int() within its bounds', () => {
    const r = new Prng(1);
    const seen = new Set(Array.from({ length: 10_000 }, () => r.int(3, 5)));
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });
});

describe('generateBatch', () => {
  it('is deterministic: the same options give the same bytes, another seed other bytes', async () => {
    const first = await text(base);
    expect(await text(base)).toBe(first);
    expect(await text({ ...base, seed: 43 })).not.toBe(first);
  });

  it('writes a CSV header naming every field of the interface, then one line per row', async () => {
    const csv = await text(base);
    const { header, rows, widths } = csvRecords(csv);
    expect(header).toEqual([...LOAN_ROW_FIELDS]);
    expect(rows).toHaveLength(2000);
    expect(widths.every((w) => w === LOAN_ROW_FIELDS.length)).toBe(true);
    expect(csv.endsWith('\n')).toBe(true);
  });

  it('numbers loans BANK-SEED-n zero-padded, unique, and honours loanIdPrefix', async () => {
    const { rows } = csvRecords(await text(base));
    expect(rows[0].loan_id).toBe('ICBC-42-00000001');
    expect(rows[1999].loan_id).toBe('ICBC-42-00002000');
    expect(new Set(rows.map((r) => r.loan_id)).size).toBe(2000);
    const prefixed = csvRecords(await text({ ...base, rows: 3, loanIdPrefix: 'ICBC-BJ' })).rows;
    expect(prefixed.map((r) => r.loan_id)).toEqual(['ICBC-BJ-42-00000001', 'ICBC-BJ-42-00000002', 'ICBC-BJ-42-00000003']);
  });

  it('generates rows that pass validateLoanRow, in CSV and in JSON Lines', async () => {
    for (const format of ['csv', 'jsonl'] as const) {
      const out = await text({ ...base, format });
      const rows =
        format === 'csv'
          ? csvRecords(out).rows
          : out
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as Record<string, string>);
      expect(rows).toHaveLength(2000);
      const failures = rows.map((r) => ({ r, result: validateLoanRow(r) })).filter((x) => !x.result.ok);
      expect(failures).toEqual([]);
    }
  });

  it('uses valid identifiers that fit the borrower type, and codes of the programme province', () => {
    for (const { values: v } of generateRows({ ...base, rows: 1500 })) {
      if (v.borrower_type === 'farmer') {
        expect(v.borrower_id_type).toBe('RID');
        expect(checkResidentId(v.borrower_id!, v.disbursed_on!)).toEqual({ ok: true });
        const year = Number(v.borrower_id!.slice(6, 10));
        expect(year >= 1950 && year <= 2000).toBe(true);
      } else {
        expect(v.borrower_id_type).toBe('USCC');
        expect(checkUscc(v.borrower_id!)).toEqual({ ok: true });
        const prefix = { individual_business: '92', agri_entity: '93' }[v.borrower_type as string] ?? '91';
        expect(v.borrower_id!.slice(0, 2)).toBe(prefix);
      }
      expect(checkRegionCode(v.region_code!)).toEqual({ ok: true });
      expect(v.region_code!.slice(0, 2)).toBe('11');
      expect(checkIndustryCode(v.industry_code!)).toEqual({ ok: true });
      expect(v.currency).toBe('CNY');
      expect([...v.borrower_name!].length).toBeGreaterThan(0);
    }
  });

  it('keeps amounts, rates and dates in their realistic ranges', () => {
    const rows = [...generateRows({ ...base, rows: 20_000 })].map((r) => r.values);
    const principals = rows.map((v) => parseYuan(v.principal!)!);
    expect(rows.every((v) => /^\d+\.\d{2}$/.test(v.principal!))).toBe(true);
    const typical = principals.filter((p) => p >= 10_000_000n && p <= 300_000_000n).length;
    expect(typical / rows.length).toBeGreaterThan(0.85);
    const above5m = principals.filter((p) => p > 500_000_000n).length;
    expect(above5m / rows.length).toBeGreaterThan(0.01);
    expect(above5m / rows.length).toBeLessThan(0.06);

    const interest = rows.map((v) => parseRate(v.interest_rate_pct!)!);
    const fee = rows.map((v) => parseRate(v.guarantee_fee_rate_pct!)!);
    expect(interest.filter((r) => r >= 34_500n && r <= 65_000n).length / rows.length).toBeGreaterThan(0.98);
    const highInterest = interest.filter((r) => r > 80_000n).length;
    expect(highInterest).toBeGreaterThan(0);
    expect(highInterest / rows.length).toBeLessThan(0.02);
    expect(fee.filter((r) => r >= 5_000n && r <= 10_000n).length / rows.length).toBeGreaterThan(0.98);
    expect(fee.some((r) => r > 10_000n)).toBe(true);

    const badDates = rows.filter((v) => {
      const offset = daysBetween('2025-03-01', v.disbursed_on!);
      return offset < 0 || offset >= 60 || compareDates(addMonths(v.disbursed_on!, 6), v.matures_on!) > 0;
    });
    expect(badDates).toEqual([]);
    const longTerm = rows.filter((v) => compareDates(v.matures_on!, addMonths(v.disbursed_on!, 36)) > 0).length;
    expect(longTerm).toBeGreaterThan(0);
    expect(longTerm / rows.length).toBeLessThan(0.02);
  });

  it('puts a few percent of loans in sections J and K, and lends to some borrowers more than once', () => {
    const rows = [...generateRows({ ...base, rows: 20_000 })].map((r) => r.values);
    const excluded = rows.filter((v) => /^[JK]/.test(v.industry_code!)).length / rows.length;
    expect(excluded).toBeGreaterThan(0.01);
    expect(excluded).toBeLessThan(0.06);
    const borrowers = new Set(rows.map((v) => v.borrower_id));
    expect(borrowers.size).toBeLessThan(rows.length * 0.97);
    expect(borrowers.size).toBeGreaterThan(rows.length * 0.85);
    const types = new Set(rows.map((v) => v.borrower_type));
    expect(types.size).toBe(6);
    expect(rows.some((v) => v.sci_tech === 'Y')).toBe(true);
    expect(rows.some((v) => v.agri_related === 'Y')).toBe(true);
  });

  it('is mostly approved by the demo programme, with a realistic share of rejections', () => {
    const doc = JSON.parse(readFileSync(join(__dirname, '../../../../demo/programme.json'), 'utf8'));
    const read = readProgramme(doc);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const programme: Programme = read.programme;
    const byBorrower = new Map<string, bigint>();
    let outstanding = 0n;
    const codes = new Map<string, number>();
    let rejected = 0;
    const rows = [...generateRows({ ...base, rows: 5000 })].map((r) => r.values);
    for (const v of rows) {
      const checked = validateLoanRow(v as Record<string, string>);
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      const loan = checked.row;
      const book: ProgrammeBook = {
        suspended: false,
        programmeOutstanding: outstanding,
        bankOutstanding: outstanding,
        borrowerOutstanding: byBorrower.get(loan.borrowerId) ?? 0n,
      };
      const reasons = rejectionCodes(
        programme,
        {
          bank: 'ICBC',
          borrowerId: loan.borrowerId,
          borrowerType: loan.borrowerType,
          industrySection: loan.industrySection,
          regionCode: loan.regionCode,
          principal: loan.principalFen,
          interestRate: parseRate(loan.interestRatePct)!,
          guaranteeFeeRate: parseRate(loan.guaranteeFeeRatePct)!,
          disbursedOn: loan.disbursedOn,
          maturesOn: loan.maturesOn,
        },
        book,
      );
      if (reasons.length > 0) {
        rejected++;
        for (const c of reasons) codes.set(c, (codes.get(c) ?? 0) + 1);
      } else {
        outstanding += loan.principalFen;
        byBorrower.set(loan.borrowerId, (byBorrower.get(loan.borrowerId) ?? 0n) + loan.principalFen);
      }
    }
    expect(rejected / rows.length).toBeGreaterThan(0.02);
    expect(rejected / rows.length).toBeLessThan(0.1);
    expect(codes.get('INDUSTRY')).toBeGreaterThan(0);
    expect(codes.has('REGION')).toBe(false);
  });

  it('honours province and startDate', () => {
    const rows = [...generateRows({ ...base, rows: 500, province: '37', startDate: '2024-12-15' })].map((r) => r.values);
    expect(rows.every((v) => v.region_code!.startsWith('37'))).toBe(true);
    expect(rows.some((v) => v.borrower_name!.startsWith('山东'))).toBe(true);
    expect(rows.every((v) => daysBetween('2024-12-15', v.disbursed_on!) >= 0 && daysBetween('2024-12-15', v.disbursed_on!) < 60)).toBe(true);
    expect(rows.some((v) => v.disbursed_on!.startsWith('2025-01'))).toBe(true);
  });

  it('makes exactly every k-th row invalid, in every way in turn, and leaves the others valid', async () => {
    const k = 7;
    const rows = 7 * INVALID_KINDS.length * 2;
    const generated = [...generateRows({ ...base, rows, invalidEvery: k })];
    const kinds = generated.filter((r) => r.invalid !== null).map((r) => r.invalid);
    expect(kinds).toHaveLength(rows / k);
    expect(new Set(kinds)).toEqual(new Set(INVALID_KINDS));

    for (const format of ['csv', 'jsonl'] as const) {
      const out = await text({ ...base, rows, invalidEvery: k, format });
      const lines = out.split('\n').filter((l) => l !== '');
      const data = format === 'csv' ? lines.slice(1) : lines;
      const header = LOAN_ROW_FIELDS as readonly string[];
      data.forEach((line, i) => {
        const n = i + 1;
        let verdict: boolean;
        if (format === 'csv') {
          const cells = parseCsvLine(line);
          verdict = cells.length === header.length && validateLoanRow(Object.fromEntries(header.map((h, j) => [h, cells[j]]))).ok;
        } else {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          const allStrings = Object.values(parsed).every((v) => typeof v === 'string');
          verdict = allStrings && validateLoanRow(parsed as Record<string, string>).ok;
        }
        expect({ n, valid: verdict }).toEqual({ n, valid: n % k !== 0 });
      });
    }
  });

  it('writes "1,000"-style amounts quoted in CSV, and a bare JSON number in JSON Lines', async () => {
    const kinds = [...INVALID_KINDS];
    const every = 1;
    const rows = kinds.length;
    const csv = (await text({ ...base, rows, invalidEvery: every })).split('\n');
    const comma = csv[1 + kinds.indexOf('thousands_separator')];
    expect(comma).toMatch(/,"\d{1,3}(,\d{3})+\.\d{2}",/);
    const jsonl = (await text({ ...base, rows, invalidEvery: every, format: 'jsonl' })).split('\n');
    const numberLine = JSON.parse(jsonl[kinds.indexOf('number_not_string')]) as Record<string, unknown>;
    expect(typeof numberLine.principal).toBe('number');
    const missing = JSON.parse(jsonl[kinds.indexOf('missing_field')]) as Record<string, unknown>;
    expect(Object.keys(missing)).toHaveLength(LOAN_ROW_FIELDS.length - 1);
  });

  it('keeps the valid rows the same whatever invalidEvery is', () => {
    const plain = [...generateRows({ ...base, rows: 300 })];
    const spoiled = [...generateRows({ ...base, rows: 300, invalidEvery: 10 })];
    spoiled.forEach((r, i) => {
      if (r.invalid === null) expect(r.values).toEqual(plain[i].values);
    });
  });

  it('streams in bounded chunks, the header alone first', async () => {
    const chunks: string[] = [];
    for await (const chunk of generateBatch({ ...base, rows: 5000 })) chunks.push(chunk);
    expect(chunks[0]).toBe(`${LOAN_ROW_FIELDS.join(',')}\n`);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70 * 1024);
    expect(chunks.slice(1).every((c) => c.endsWith('\n'))).toBe(true);
  });

  it('writes only a header for zero CSV rows and nothing for zero JSON Lines rows', async () => {
    expect(await text({ ...base, rows: 0 })).toBe(`${LOAN_ROW_FIELDS.join(',')}\n`);
    expect(await text({ ...base, rows: 0, format: 'jsonl' })).toBe('');
  });

  it('refuses bad options', async () => {
    const bad: Partial<GenerateBatchOptions>[] = [
      { rows: -1 },
      { rows: 1.5 },
      { bank: '' },
      { startDate: '2025-02-30' },
      { province: '99' },
      { invalidEvery: -2 },
      { format: 'xml' as 'csv' },
    ];
    for (const b of bad) await expect(text({ ...base, ...b })).rejects.toThrow(RangeError);
  });

  it('writeBatchFile streams the same bytes to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2g-generate-'));
    try {
      const path = join(dir, 'batch.jsonl');
      const options: GenerateBatchOptions = { ...base, rows: 3000, format: 'jsonl', invalidEvery: 100 };
      const result = await writeBatchFile(path, options);
      const written = readFileSync(path, 'utf8');
      expect(written).toBe(await text(options));
      expect(result).toEqual({ path, rows: 3000, bytes: Buffer.byteLength(written) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exponentForm writes whole numbers in scientific notation', () => {
    expect(exponentForm('1500000')).toBe('1.5e6');
    expect(exponentForm('2000')).toBe('2e3');
    expect(exponentForm('7')).toBe('7e0');
    expect(exponentForm('123456')).toBe('1.23456e5');
  });
});

// Unused-type guard: the generator's field type is the domain's.
const _field: LoanRowField = 'loan_id';
void _field;
