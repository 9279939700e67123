import {
  BorrowerType,
  INDUSTRY_SECTIONS,
  LOAN_ROW_FIELDS,
  LoanRowField,
  PROVINCE_PREFIXES,
  USCC_ALPHABET,
  addDays,
  addMonths,
  fromDayNumber,
  isValidDate,
  residentIdCheckCharacter,
  toDayNumber,
  usccCheckCharacter,
} from '@g2g/domain';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Prng } from './prng';

/**
 * Synthetic loan batches in the bank batch interface v1 (domain.md 4): realistic, deterministic for
 * a seed, streamed in chunks so a million-row file never sits in memory.
 */

export type BatchFormat = 'csv' | 'jsonl';

export interface GenerateBatchOptions {
  rows: number;
  /** the bank's participant code; also the loan id prefix unless `loanIdPrefix` is given */
  bank: string;
  seed: number;
  format: BatchFormat;
  /** first possible `disbursed_on`; loans are disbursed within the 60 days from it (default 2025-03-01) */
  startDate?: string;
  loanIdPrefix?: string;
  /** two-digit province of every region code (default '11', Beijing) */
  province?: string;
  /** every k-th row (k, 2k, ...) is made invalid, in a different way each time */
  invalidEvery?: number;
}

/** The ways a row is made invalid, used in turn. */
export const INVALID_KINDS = [
  'bad_check_character',
  'bad_date',
  'thousands_separator',
  'missing_field',
  'bad_currency',
  'zero_interest_rate',
  'matures_before_disbursed',
  'unknown_province',
  'industry_section_mismatch',
  'uscc_prefix_mismatch',
  'number_not_string',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface GeneratedRow {
  /** data row number, from 1 */
  n: number;
  /** field values in LOAN_ROW_FIELDS order; a missing field is absent */
  values: Partial<Record<LoanRowField, string>>;
  /** why the row is invalid, or null for a row meant to be valid */
  invalid: InvalidKind | null;
  /** a field JSON Lines writes as a bare JSON number (and CSV with an exponent), which makes the row invalid */
  bareNumber?: LoanRowField;
}

const DEFAULT_START_DATE = '2025-03-01';
const DEFAULT_PROVINCE = '11';
/** Loan numbers are zero-padded to at least this many digits, so ids sort in row order. */
const LOAN_NUMBER_WIDTH = 8;
/** Flush a chunk when it reaches about this many characters. */
const CHUNK_CHARS = 64 * 1024;
/** How many recent borrowers may come back for another loan. */
const BORROWER_POOL = 2000;
const REPEAT_BORROWER = 0.08;

/** The text of a batch file in chunks: for CSV the header line (every field, in LOAN_ROW_FIELDS order) first. Lines end with LF. */
export async function* generateBatch(options: GenerateBatchOptions): AsyncGenerator<string> {
  const format = options.format;
  if (format !== 'csv' && format !== 'jsonl') throw new RangeError(`format must be csv or jsonl, not ${String(format)}`);
  const rows = generateRows(options);
  if (format === 'csv') yield `${LOAN_ROW_FIELDS.join(',')}\n`;
  let chunk: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = format === 'csv' ? csvLine(row) : jsonLine(row);
    chunk.push(line);
    size += line.length;
    if (size >= CHUNK_CHARS) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/** Streams a generated batch to a file, honouring the file stream's backpressure. */
export async function writeBatchFile(path: string, options: GenerateBatchOptions): Promise<{ path: string; rows: number; bytes: number }> {
  // Validate before the file is created, so a bad option leaves nothing behind.
  checkOptions(options);
  await pipeline(Readable.from(generateBatch(options), { objectMode: false }), createWriteStream(path));
  const { size } = await stat(path);
  return { path, rows: options.rows, bytes: size };
}

/** The rows of a batch, one by one, with the reason a row was made invalid. */
export function* generateRows(options: GenerateBatchOptions): Generator<GeneratedRow> {
  const { rows, bank, seed, startDate, province, invalidEvery } = checkOptions(options);
  const prefix = options.loanIdPrefix ?? bank;
  const width = Math.max(LOAN_NUMBER_WIDTH, String(rows).length);
  const random = new Prng(seed);
  // Spoiling draws from its own sequence, so the valid rows do not depend on `invalidEvery`.
  const spoiler = new Prng(seed ^ 0x5bd1e995);
  const regions = regionCodes(province);
  const pool: Borrower[] = [];
  let invalidCount = 0;
  for (let n = 1; n <= rows; n++) {
    const borrower =
      pool.length > 0 && random.chance(REPEAT_BORROWER) ? random.pick(pool) : newBorrower(random, province, regions);
    if (pool.length < BORROWER_POOL) pool.push(borrower);
    else pool[random.int(0, BORROWER_POOL - 1)] = borrower;
    const values = loanValues(random, borrower, `${prefix}-${seed}-${String(n).padStart(width, '0')}`, startDate);
    if (invalidEvery > 0 && n % invalidEvery === 0) {
      const invalid = INVALID_KINDS[invalidCount++ % INVALID_KINDS.length];
      if (invalid === 'number_not_string') {
        values.principal = values.principal.replace(/\.\d*$/, '');
        yield { n, values, invalid, bareNumber: 'principal' };
      } else {
        spoil(spoiler, values, invalid);
        yield { n, values, invalid };
      }
    } else {
      yield { n, values, invalid: null };
    }
  }
}

interface CheckedOptions {
  rows: number;
  bank: string;
  seed: number;
  startDate: string;
  province: string;
  invalidEvery: number;
}

function checkOptions(options: GenerateBatchOptions): CheckedOptions {
  const { rows, bank, seed } = options;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number >= 0, not ${rows}`);
  if (typeof bank !== 'string' || bank.trim() === '') throw new RangeError('bank must be a participant code');
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, not ${seed}`);
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  if (!isValidDate(startDate)) throw new RangeError(`startDate must be a date YYYY-MM-DD, not ${startDate}`);
  const province = options.province ?? DEFAULT_PROVINCE;
  if (!PROVINCE_PREFIXES.includes(province)) throw new RangeError(`province must be a two-digit province code such as 11, not ${province}`);
  const invalidEvery = options.invalidEvery ?? 0;
  if (!Number.isSafeInteger(invalidEvery) || invalidEvery < 0) throw new RangeError(`invalidEvery must be a whole number >= 0, not ${invalidEvery}`);
  return { rows, bank, seed, startDate, province, invalidEvery };
}

// ---- borrowers ----

interface Borrower {
  idType: 'USCC' | 'RID';
  id: string;
  name: string;
  type: BorrowerType;
  industry: string;
  region: string;
  sciTech: boolean;
  agriRelated: boolean;
}

const BORROWER_TYPE_WEIGHTS: readonly (readonly [BorrowerType, number])[] = [
  ['micro', 35],
  ['small', 25],
  ['medium', 10],
  ['individual_business', 15],
  ['farmer', 10],
  ['agri_entity', 5],
];

/** Sections by borrower kind; J (finance) and K (real estate) a few percent, so that some loans are rejected. */
const FIRM_SECTIONS: readonly (readonly [string, number])[] = [
  ['C', 24], ['G', 22], ['F', 6], ['H', 7], ['I', 8], ['M', 7], ['E', 2], ['N', 4], ['L', 3], ['O', 4],
  ['P', 1], ['Q', 1], ['R', 2], ['S', 2], ['D', 1], ['B', 1], ['A', 2], ['J', 1.5], ['K', 1.5],
];
const SHOP_SECTIONS: readonly (readonly [string, number])[] = [
  ['G', 45], ['H', 25], ['O', 10], ['S', 8], ['C', 6], ['R', 3], ['J', 1], ['K', 2],
];
const AGRI_SECTIONS: readonly (readonly [string, number])[] = [
  ['A', 85], ['C', 7], ['G', 5], ['J', 1], ['K', 2],
];

const PROVINCE_NAMES: Readonly<Record<string, string>> = {
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '21': '辽宁', '31': '上海', '32': '江苏', '33': '浙江',
  '34': '安徽', '35': '福建', '36': '江西', '37': '山东', '41': '河南', '42': '湖北', '43': '湖南', '44': '广东',
  '50': '重庆', '51': '四川', '53': '云南', '61': '陕西',
};
const BEIJING_DISTRICTS = ['110101', '110102', '110105', '110106', '110107', '110108', '110109', '110111', '110112', '110113', '110114', '110115', '110116', '110117', '110118', '110119'];

const TRADE_CHARACTERS = [...'华信达盛鑫瑞泰恒通宏安丰源德祥兴利和嘉永正昌隆福金润博远创新中天明海晟宇辰越'];
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'];
const GIVEN_NAMES = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文玉兰春'];
const TRADES: Readonly<Record<string, readonly string[]>> = {
  A: ['农业', '种植', '养殖', '农业科技', '果蔬'], B: ['矿业'], C: ['机械制造', '食品', '电子科技', '纺织', '包装材料', '精密仪器'],
  D: ['能源科技'], E: ['建设工程'], F: ['建筑工程', '装饰工程'], G: ['商贸', '贸易', '超市', '批发'], H: ['餐饮管理', '酒店管理', '餐饮'],
  I: ['信息技术', '软件', '网络科技'], J: ['投资管理'], K: ['房地产开发', '置业'], L: ['商务服务', '租赁'], M: ['科技', '设计咨询', '检测技术'],
  N: ['环保科技', '园林绿化'], O: ['家政服务', '维修服务'], P: ['教育咨询'], Q: ['健康管理'], R: ['文化传媒'], S: ['社区服务'], T: ['服务'],
};

function regionCodes(province: string): string[] {
  if (province === '11') return BEIJING_DISTRICTS;
  return Array.from({ length: 19 }, (_, i) => `${province}01${String(i + 1).padStart(2, '0')}`);
}

const BIRTH_FIRST = toDayNumber('1950-01-01');
const BIRTH_LAST = toDayNumber('2000-12-31');

function newBorrower(random: Prng, province: string, regions: readonly string[]): Borrower {
  const type = random.weighted(BORROWER_TYPE_WEIGHTS);
  const region = random.pick(regions);
  const sections = type === 'farmer' || type === 'agri_entity' ? AGRI_SECTIONS : type === 'individual_business' ? SHOP_SECTIONS : FIRM_SECTIONS;
  const section = random.weighted(sections);
  const industry = industryCode(random, section);
  const trade = random.pick(TRADES[section] ?? ['服务']);
  const place = PROVINCE_NAMES[province] ?? '';
  const brand = random.pick(TRADE_CHARACTERS) + random.pick(TRADE_CHARACTERS);
  const agriRelated = type === 'farmer' || type === 'agri_entity' || section === 'A' || random.chance(0.04);
  const firm = type === 'micro' || type === 'small' || type === 'medium';
  const sciTech = firm && (section === 'C' || section === 'I' || section === 'M') ? random.chance(0.3) : firm && random.chance(0.03);
  if (type === 'farmer') {
    const given = random.pick(GIVEN_NAMES) + (random.chance(0.6) ? random.pick(GIVEN_NAMES) : '');
    return { idType: 'RID', id: residentId(random, region), name: random.pick(SURNAMES) + given, type, industry, region, sciTech: false, agriRelated };
  }
  const name =
    type === 'individual_business'
      ? `${random.pick(SURNAMES)}记${trade}个体户`
      : type === 'agri_entity'
        ? `${place}${brand}${trade}专业合作社`
        : `${place}${brand}${trade}有限公司`;
  const prefix = type === 'individual_business' ? '92' : type === 'agri_entity' ? '93' : '91';
  return { idType: 'USCC', id: uscc(random, prefix, region), name, type, industry, region, sciTech, agriRelated };
}

/** A valid USCC: kind prefix, the region in characters 3-8, nine random symbols, the check character. */
function uscc(random: Prng, prefix: string, region: string): string {
  let body = prefix + region;
  for (let i = 0; i < 9; i++) body += random.chance(0.7) ? random.pick(DIGITS) : random.pick(USCC_LETTERS);
  return body + usccCheckCharacter(body);
}
const DIGITS = [...'0123456789'];
const USCC_LETTERS = [...USCC_ALPHABET.slice(10)];

/** A valid resident ID: region, a birth date in 1950-2000, a sequence number, the check character. */
function residentId(random: Prng, region: string): string {
  const birth = fromDayNumber(random.int(BIRTH_FIRST, BIRTH_LAST)).replaceAll('-', '');
  const body = region + birth + String(random.int(0, 999)).padStart(3, '0');
  return body + residentIdCheckCharacter(body);
}

/** Section letter + a class whose first two digits lie in the section's range. */
function industryCode(random: Prng, section: string): string {
  const [from, to] = INDUSTRY_SECTIONS[section];
  // Agricultural processing for farmers' cooperatives is mostly food (C13-C15).
  const division = random.int(from, section === 'C' && to - from > 10 && random.chance(0.3) ? from + 2 : to);
  return `${section}${String(division).padStart(2, '0')}${random.int(1, 9)}${random.int(0, 9)}`;
}

// ---- loans ----

function loanValues(random: Prng, b: Borrower, loanId: string, startDate: string): Record<LoanRowField, string> {
  const disbursedOn = addDays(startDate, random.int(0, 59));
  const months = random.chance(0.005)
    ? random.int(37, 48)
    : random.weighted<number>([[6, 10], [12, 35], [18, 8], [24, 20], [36, 15], [random.int(6, 36), 12]]);
  return {
    loan_id: loanId,
    borrower_id_type: b.idType,
    borrower_id: b.id,
    borrower_name: b.name,
    borrower_type: b.type,
    industry_code: b.industry,
    region_code: b.region,
    sci_tech: b.sciTech ? 'Y' : 'N',
    agri_related: b.agriRelated ? 'Y' : 'N',
    principal: principal(random, b.type),
    currency: 'CNY',
    interest_rate_pct: hundredths(random.chance(0.005) ? random.int(801, 1200) : random.int(345, 650)),
    guarantee_fee_rate_pct: hundredths(random.chance(0.005) ? random.int(101, 200) : random.int(50, 100)),
    disbursed_on: disbursedOn,
    matures_on: addMonths(disbursedOn, months),
  };
}

const TYPICAL_CEILING: Readonly<Record<BorrowerType, number>> = {
  farmer: 500_000, individual_business: 1_000_000, micro: 2_000_000, small: 3_000_000, medium: 3_000_000, agri_entity: 3_000_000,
};

/** Yuan with two decimals: mostly 100,000-3,000,000, a few above 5,000,000; usually round sums. */
function principal(random: Prng, type: BorrowerType): string {
  const r = random.next();
  const yuan =
    r < 0.03 ? random.int(5_000_001, 9_500_000) : r < 0.06 ? random.int(3_000_001, 5_000_000) : r < 0.08 ? random.int(20_000, 99_999) : random.int(100_000, TYPICAL_CEILING[type]);
  const shape = random.next();
  if (shape < 0.6) return `${Math.max(10_000, Math.round(yuan / 10_000) * 10_000)}.00`;
  if (shape < 0.85) return `${yuan}.00`;
  return `${yuan}.${String(random.int(0, 99)).padStart(2, '0')}`;
}

/** 345 -> "3.45" */
function hundredths(n: number): string {
  return `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

// ---- invalid rows ----

const REQUIRED_FIELDS = LOAN_ROW_FIELDS.filter((f) => f !== 'loan_id');

function spoil(random: Prng, v: Partial<Record<LoanRowField, string>>, kind: InvalidKind): void {
  switch (kind) {
    case 'bad_check_character': {
      const id = v.borrower_id ?? '';
      const symbols = v.borrower_id_type === 'RID' ? '0123456789X' : USCC_ALPHABET;
      const at = symbols.indexOf(id[17]);
      v.borrower_id = id.slice(0, 17) + symbols[(at + 1 + random.int(0, symbols.length - 2)) % symbols.length];
      return;
    }
    case 'bad_date': {
      const year = (v.disbursed_on ?? '2025').slice(0, 4);
      v.disbursed_on = random.pick([`${year}-02-30`, `${year}-13-01`, `${year}/03/15`, `${year}-3-5`]);
      return;
    }
    case 'thousands_separator': {
      const [whole, cents] = (v.principal ?? '1000.00').split('.');
      v.principal = `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
      if (!v.principal.includes(',')) v.principal = `1,000.${cents}`;
      return;
    }
    case 'missing_field':
      delete v[random.pick(REQUIRED_FIELDS)];
      return;
    case 'bad_currency':
      v.currency = random.pick(['USD', 'cny', 'RMB']);
      return;
    case 'zero_interest_rate':
      v.interest_rate_pct = random.pick(['0', '0.00']);
      return;
    case 'matures_before_disbursed':
      v.matures_on = addDays(v.disbursed_on ?? DEFAULT_START_DATE, -random.int(0, 30));
      return;
    case 'unknown_province':
      v.region_code = random.pick(['991234', '100101', '000000']);
      return;
    case 'industry_section_mismatch':
      v.industry_code = random.pick(['C0111', 'A1311', 'G9999', 'Z1234']);
      return;
    case 'uscc_prefix_mismatch': {
      // A firm id with a farmers' cooperative prefix, or a farmer filed under a USCC.
      if (v.borrower_id_type === 'RID') {
        v.borrower_id_type = 'USCC';
        return;
      }
      const body = `${v.borrower_type === 'agri_entity' ? '92' : '93'}${(v.borrower_id ?? '').slice(2, 17)}`;
      v.borrower_id = body + (usccCheckCharacter(body) ?? '0');
      return;
    }
    case 'number_not_string':
      return; // handled by the caller: the value stays, its form changes
  }
}

// ---- formats ----

/** RFC 4180: quote a cell holding a comma, a quote or a line break. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(row: GeneratedRow): string {
  const cells: string[] = [];
  for (const field of LOAN_ROW_FIELDS) {
    const value = row.values[field];
    if (value === undefined) continue; // a missing field: the row has one cell too few
    cells.push(csvCell(field === row.bareNumber ? exponentForm(value) : value));
  }
  return `${cells.join(',')}\n`;
}

/** Whole digits in scientific notation: "1500000" -> "1.5e6", "2000" -> "2e3". */
export function exponentForm(digits: string): string {
  const d = digits.replace(/^0+(?=\d)/, '');
  const fraction = d.slice(1).replace(/0+$/, '');
  return `${d[0]}${fraction ? `.${fraction}` : ''}e${d.length - 1}`;
}

function jsonLine(row: GeneratedRow): string {
  const parts: string[] = [];
  for (const field of LOAN_ROW_FIELDS) {
    const value = row.values[field];
    if (value === undefined) continue;
    parts.push(`${JSON.stringify(field)}:${field === row.bareNumber ? value : JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}\n`;
}
