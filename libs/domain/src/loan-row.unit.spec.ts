import { residentIdCheckCharacter } from './identifiers';
import { LOAN_ROW_FIELDS, trimSpacesAndTabs, validateLoanRow } from './loan-row';
import { VALID_LOAN_ROW } from './loan-row.fixture';

const VALID = VALID_LOAN_ROW;

const FARMER = { borrower_id_type: 'RID', borrower_id: '11010519491231002X', borrower_type: 'farmer' };

function validate(changes: Record<string, string | undefined>) {
  return validateLoanRow({ ...VALID, ...changes });
}

/** The errors of a row that must be invalid, as [field, code] pairs. */
function problems(changes: Record<string, string | undefined>): Array<[string | undefined, string]> {
  const result = validate(changes);
  if (result.ok) throw new Error(`expected ${JSON.stringify(changes)} to be invalid`);
  return result.errors.map((e) => [e.field, e.code]);
}

function accepted(changes: Record<string, string | undefined>) {
  const result = validate(changes);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(changes)} to be valid: ${JSON.stringify(result.errors)}`);
  return result.row;
}

/** A resident ID born on `yyyymmdd` with its correct check character. */
function residentId(yyyymmdd: string): string {
  const first17 = `110105${yyyymmdd}002`;
  return first17 + residentIdCheckCharacter(first17);
}

describe('a valid loan row', () => {
  it('is read into typed values: fen as bigint, flags as booleans, rates as written', () => {
    expect(validateLoanRow(VALID)).toEqual({
      ok: true,
      row: {
        loanId: 'IOU-2025-000001',
        borrowerIdType: 'USCC',
        borrowerId: '91350100M000100Y43',
        borrowerName: '福州明辉机械有限公司',
        borrowerType: 'small',
        industryCode: 'C1311',
        industrySection: 'C',
        regionCode: '350100',
        sciTech: false,
        agriRelated: true,
        principalFen: 150000000n,
        currency: 'CNY',
        interestRatePct: '4.47',
        guaranteeFeeRatePct: '0.62',
        disbursedOn: '2025-06-01',
        maturesOn: '2026-05-31',
      },
    });
  });

  it.each(['11010519491231002X', '440524188001010014'])('a farmer identified by the resident ID %s', (id) => {
    const row = accepted({ ...FARMER, borrower_id: id });
    expect(row.borrowerIdType).toBe('RID');
    expect(row.borrowerId).toBe(id);
  });

  it.each([
    ['92350100M000100Y40', 'individual_business'],
    ['93350100M000100Y4W', 'agri_entity'],
    ['91350100M000100Y43', 'individual_business'],
    ['91350100M000100Y43', 'agri_entity'],
  ])('a USCC %s for an %s (92 and 93 bind one way only)', (id, type) => {
    expect(accepted({ borrower_id: id, borrower_type: type }).borrowerType).toBe(type);
  });

  it('a farmer born on the day of disbursement', () => {
    expect(accepted({ ...FARMER, borrower_id: residentId('20250601') }).borrowerId).toBe(residentId('20250601'));
  });

  it('ignores fields outside the interface', () => {
    expect(accepted({ branch: 'Gulou', remark: '' }).loanId).toBe('IOU-2025-000001');
  });

  it('keeps rates exactly as written and reads a principal with leading zeros and one decimal', () => {
    const row = accepted({ principal: '01000.5', interest_rate_pct: '04.4700', guarantee_fee_rate_pct: '0' });
    expect(row.principalFen).toBe(100050n);
    expect(row.interestRatePct).toBe('04.4700');
    expect(row.guaranteeFeeRatePct).toBe('0');
  });
});

describe('trimming', () => {
  it('removes leading and trailing spaces and tabs from every field', () => {
    const padded = Object.fromEntries(Object.entries(VALID).map(([k, v]) => [k, ` \t ${v}\t  `]));
    const result = validateLoanRow(padded);
    expect(result).toEqual(validateLoanRow(VALID));
  });

  it('keeps spaces inside a value', () => {
    expect(accepted({ borrower_name: '  Zhang  San  Farm \t' }).borrowerName).toBe('Zhang  San  Farm');
  });

  it.each([
    ['a no-break space', '\u00a01000', 'MALFORMED_MONEY'],
    ['an ideographic space', '1000\u3000', 'MALFORMED_MONEY'],
    ['a line feed', '1000\n', 'CONTROL_CHARACTER'],
    ['a carriage return', '\r1000', 'CONTROL_CHARACTER'],
    ['a vertical tab', '1000\v', 'CONTROL_CHARACTER'],
    ['a form feed', '\f1000', 'CONTROL_CHARACTER'],
  ])('does not remove %s: the value stays invalid', (_what, principal, code) => {
    expect(problems({ principal })).toEqual([['principal', code]]);
  });

  it('takes time in proportion to a field, however long its runs of spaces', () => {
    const started = performance.now();
    expect(trimSpacesAndTabs(`${' '.repeat(500_000)}a${' \t'.repeat(500_000)}b${'\t'.repeat(500_000)}`)).toBe(`a${' \t'.repeat(500_000)}b`);
    expect(problems({ borrower_name: `张${' '.repeat(1_000_000)}三` })).toEqual([['borrower_name', 'NAME_LENGTH']]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('keeps other whitespace in free text as it is, but no control character', () => {
    expect(accepted({ borrower_name: '\u3000张三\u3000' }).borrowerName).toBe('\u3000张三\u3000');
    expect(problems({ borrower_name: '\u3000张三\n' })).toEqual([['borrower_name', 'CONTROL_CHARACTER']]);
  });
});

describe('missing fields', () => {
  it.each(LOAN_ROW_FIELDS)('%s absent is MISSING_FIELD, and nothing else', (field) => {
    expect(problems({ [field]: undefined })).toEqual([[field, 'MISSING_FIELD']]);
  });

  it.each(['', ' ', '\t', ' \t \t'])('%j is empty once trimmed', (value) => {
    expect(problems({ borrower_name: value })).toEqual([['borrower_name', 'MISSING_FIELD']]);
  });

  it('names the field in the message', () => {
    expect(validate({ currency: '' })).toEqual({
      ok: false,
      errors: [{ code: 'MISSING_FIELD', field: 'currency', message: 'currency is missing or empty' }],
    });
  });
});

describe('each rule, failing alone', () => {
  it.each<[string, Record<string, string>, string, string]>([
    ['a loan id of 65 characters', { loan_id: 'L'.repeat(65) }, 'loan_id', 'MALFORMED_LOAN_ID'],
    ['a loan id with an unpaired surrogate', { loan_id: 'IOU-\ud800' }, 'loan_id', 'MALFORMED_TEXT'],
    ['an id type in lower case', { borrower_id_type: 'uscc' }, 'borrower_id_type', 'UNKNOWN_ID_TYPE'],
    ['an id type outside the list', { borrower_id_type: 'PASSPORT' }, 'borrower_id_type', 'UNKNOWN_ID_TYPE'],
    ['a USCC of 17 characters', { borrower_id: '91350100M000100Y4' }, 'borrower_id', 'BAD_LENGTH'],
    ['a USCC in lower case', { borrower_id: '91350100m000100Y43' }, 'borrower_id', 'BAD_ALPHABET'],
    ['a USCC with a full-width digit', { borrower_id: '９1350100M000100Y43' }, 'borrower_id', 'BAD_ALPHABET'],
    ['a USCC with a wrong check character', { borrower_id: '91350100M000100Y44' }, 'borrower_id', 'BAD_CHECK_CHARACTER'],
    ['a resident ID of 17 digits', { ...FARMER, borrower_id: '11010519491231002' }, 'borrower_id', 'BAD_LENGTH'],
    ['a resident ID with a lower-case x', { ...FARMER, borrower_id: '11010519491231002x' }, 'borrower_id', 'BAD_ALPHABET'],
    ['a resident ID with a wrong check character', { ...FARMER, borrower_id: '110105194912310021' }, 'borrower_id', 'BAD_CHECK_CHARACTER'],
    ['a resident ID born on 30 February', { ...FARMER, borrower_id: residentId('19490230') }, 'borrower_id', 'BIRTH_DATE_INVALID'],
    ['a resident ID born the day after disbursement', { ...FARMER, borrower_id: residentId('20250602') }, 'borrower_id', 'BIRTH_AFTER_DISBURSEMENT'],
    ['a farmer with a USCC', { borrower_type: 'farmer' }, 'borrower_id_type', 'ID_TYPE_MISMATCH'],
    ['a firm with a resident ID', { ...FARMER, borrower_type: 'micro' }, 'borrower_id_type', 'ID_TYPE_MISMATCH'],
    ['an individual-business USCC (92) for a micro firm', { borrower_id: '92350100M000100Y40', borrower_type: 'micro' }, 'borrower_id', 'USCC_PREFIX_MISMATCH'],
    ['a cooperative USCC (93) for an individual business', { borrower_id: '93350100M000100Y4W', borrower_type: 'individual_business' }, 'borrower_id', 'USCC_PREFIX_MISMATCH'],
    ['a borrower name of 201 characters', { borrower_name: 'x'.repeat(201) }, 'borrower_name', 'NAME_LENGTH'],
    ['a borrower type in capitals', { borrower_type: 'Micro' }, 'borrower_type', 'UNKNOWN_BORROWER_TYPE'],
    ['a borrower type outside the list', { borrower_type: 'large' }, 'borrower_type', 'UNKNOWN_BORROWER_TYPE'],
    ['an industry code in lower case', { industry_code: 'c1311' }, 'industry_code', 'BAD_ALPHABET'],
    ['an industry code of 3 digits', { industry_code: 'C131' }, 'industry_code', 'BAD_LENGTH'],
    ['an industry code in section U', { industry_code: 'U1311' }, 'industry_code', 'UNKNOWN_SECTION'],
    ['an agricultural division under manufacturing', { industry_code: 'C0511' }, 'industry_code', 'INDUSTRY_SECTION_MISMATCH'],
    ['a region of 5 digits', { region_code: '35010' }, 'region_code', 'BAD_LENGTH'],
    ['a region with a letter', { region_code: '35010A' }, 'region_code', 'BAD_ALPHABET'],
    ['a region in no province', { region_code: '990100' }, 'region_code', 'UNKNOWN_PROVINCE'],
    ['sci_tech in lower case', { sci_tech: 'y' }, 'sci_tech', 'MALFORMED_FLAG'],
    ['agri_related spelled out', { agri_related: 'Yes' }, 'agri_related', 'MALFORMED_FLAG'],
    ['a principal with a thousands separator', { principal: '1,000' }, 'principal', 'MALFORMED_MONEY'],
    ['a principal of 0', { principal: '0' }, 'principal', 'PRINCIPAL_NOT_POSITIVE'],
    ['a principal of 0.00', { principal: '0.00' }, 'principal', 'PRINCIPAL_NOT_POSITIVE'],
    ['a principal above the limit', { principal: '1000000000000.01' }, 'principal', 'PRINCIPAL_TOO_LARGE'],
    ['a currency in lower case', { currency: 'cny' }, 'currency', 'CURRENCY_NOT_CNY'],
    ['a currency by another name', { currency: 'RMB' }, 'currency', 'CURRENCY_NOT_CNY'],
    ['an interest rate with a percent sign', { interest_rate_pct: '4.47%' }, 'interest_rate_pct', 'MALFORMED_RATE'],
    ['an interest rate with 5 decimals', { interest_rate_pct: '4.47001' }, 'interest_rate_pct', 'MALFORMED_RATE'],
    ['an interest rate of 0', { interest_rate_pct: '0' }, 'interest_rate_pct', 'INTEREST_RATE_ZERO'],
    ['an interest rate of 0.0000', { interest_rate_pct: '0.0000' }, 'interest_rate_pct', 'INTEREST_RATE_ZERO'],
    ['a negative fee rate', { guarantee_fee_rate_pct: '-0.5' }, 'guarantee_fee_rate_pct', 'MALFORMED_RATE'],
    ['a fee rate as a fraction', { guarantee_fee_rate_pct: '.62' }, 'guarantee_fee_rate_pct', 'MALFORMED_RATE'],
    ['an interest rate of 10,000 percent', { interest_rate_pct: '10000' }, 'interest_rate_pct', 'RATE_TOO_LARGE'],
    ['a fee rate of a million digits', { guarantee_fee_rate_pct: '9'.repeat(1_000_000) }, 'guarantee_fee_rate_pct', 'RATE_TOO_LARGE'],
    ['a disbursement on 30 February', { disbursed_on: '2025-02-30' }, 'disbursed_on', 'MALFORMED_DATE'],
    ['a disbursement date with slashes', { disbursed_on: '2025/06/01' }, 'disbursed_on', 'MALFORMED_DATE'],
    ['a maturity without leading zeros', { matures_on: '2026-5-31' }, 'matures_on', 'MALFORMED_DATE'],
    ['a maturity in full-width digits', { matures_on: '２０２６-05-31' }, 'matures_on', 'MALFORMED_DATE'],
    ['a maturity on the day of disbursement', { matures_on: '2025-06-01' }, 'matures_on', 'MATURITY_NOT_AFTER_DISBURSEMENT'],
    ['a maturity before disbursement', { matures_on: '2024-06-01' }, 'matures_on', 'MATURITY_NOT_AFTER_DISBURSEMENT'],
  ])('%s', (_scenario, changes, field, code) => {
    expect(problems(changes)).toEqual([[field, code]]);
  });
});

describe('messages', () => {
  it.each<[Record<string, string>, string]>([
    [{ borrower_id: '91350100M000100Y44' }, 'borrower_id 91350100M000100Y44: check character should be 3'],
    [{ ...FARMER, borrower_id: '110105194912310021' }, 'borrower_id 110105194912310021: check character should be X'],
    [{ ...FARMER, borrower_id: residentId('20250602') }, `borrower_id ${residentId('20250602')}: born 2025-06-02, after disbursed_on 2025-06-01`],
    [{ borrower_id: '91350100m000100Y43' }, 'borrower_id 91350100m000100Y43: m is not allowed: a USCC uses 0-9 and upper-case A-Y without I, O, S, V'],
    [{ industry_code: 'C0511' }, 'industry_code C0511: division 05 is outside section C (13-43)'],
    [{ borrower_type: 'farmer' }, 'borrower_type farmer needs borrower_id_type RID, not USCC'],
    [{ borrower_id: '92350100M000100Y40', borrower_type: 'micro' }, 'borrower_id 92350100M000100Y40: a USCC starting 92 belongs to an individual_business, not micro'],
    [{ principal: '1 000' }, 'principal "1 000": must be yuan as digits with at most 2 decimals, e.g. 1500000.00'],
    [{ matures_on: '2025-05-31' }, 'matures_on 2025-05-31 is not after disbursed_on 2025-06-01'],
  ])('%j says what is wrong', (changes, message) => {
    const result = validate(changes);
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([message]);
  });

  it('quotes a long value and cuts it short', () => {
    const result = validate({ currency: 'C'.repeat(1000) });
    expect(result.ok ? '' : result.errors[0].message).toBe(`currency "${'C'.repeat(40)}…": only CNY is accepted`);
  });
});

describe('several errors in one row', () => {
  it('reports every one, in field order', () => {
    expect(
      problems({
        borrower_id: '91350100M000100Y44',
        borrower_type: 'farmer',
        sci_tech: 'n',
        principal: '1e6',
        currency: 'USD',
        interest_rate_pct: '0',
        disbursed_on: '2025-06-01',
        matures_on: '2025-01-01',
        loan_id: '',
      }),
    ).toEqual([
      ['loan_id', 'MISSING_FIELD'],
      ['borrower_id_type', 'ID_TYPE_MISMATCH'],
      ['borrower_id', 'BAD_CHECK_CHARACTER'],
      ['sci_tech', 'MALFORMED_FLAG'],
      ['principal', 'MALFORMED_MONEY'],
      ['currency', 'CURRENCY_NOT_CNY'],
      ['interest_rate_pct', 'INTEREST_RATE_ZERO'],
      ['matures_on', 'MATURITY_NOT_AFTER_DISBURSEMENT'],
    ]);
  });

  it('reports an identifier that fails its check and also its prefix', () => {
    expect(problems({ borrower_id: '92350100M000100Y41', borrower_type: 'small' })).toEqual([
      ['borrower_id', 'BAD_CHECK_CHARACTER'],
      ['borrower_id', 'USCC_PREFIX_MISMATCH'],
    ]);
  });

  it('skips the comparisons that need a malformed date, but still judges a birth date as a date', () => {
    expect(problems({ disbursed_on: '2025-13-01', matures_on: '2020-01-01' })).toEqual([['disbursed_on', 'MALFORMED_DATE']]);
    expect(problems({ ...FARMER, borrower_id: residentId('20300101'), disbursed_on: 'soon' })).toEqual([['disbursed_on', 'MALFORMED_DATE']]);
    expect(problems({ ...FARMER, borrower_id: residentId('19490230'), disbursed_on: 'soon' })).toEqual([
      ['borrower_id', 'BIRTH_DATE_INVALID'],
      ['disbursed_on', 'MALFORMED_DATE'],
    ]);
  });

  it('leaves an identifier of unknown kind unjudged', () => {
    expect(problems({ borrower_id_type: 'LEI', borrower_id: 'nonsense' })).toEqual([['borrower_id_type', 'UNKNOWN_ID_TYPE']]);
  });
});

describe('money grammar', () => {
  it.each(['1,000', '1e6', '+1', '.5', '1000.', '1000.123', '-1', '１０００', '1000.0０', '0x10', 'NaN', 'Infinity'])('refuses %j', (principal) => {
    expect(problems({ principal })).toEqual([['principal', 'MALFORMED_MONEY']]);
  });

  it('accepts exactly 1,000,000,000,000.00 yuan and refuses one fen more', () => {
    expect(accepted({ principal: '1000000000000.00' }).principalFen).toBe(100_000_000_000_000n);
    expect(accepted({ principal: '1000000000000' }).principalFen).toBe(100_000_000_000_000n);
    expect(problems({ principal: '1000000000000.01' })).toEqual([['principal', 'PRINCIPAL_TOO_LARGE']]);
  });

  it('accepts the smallest principal, one fen', () => {
    expect(accepted({ principal: '0.01' }).principalFen).toBe(1n);
  });

  it.each(['4.47', '0.0001', '12', '004.4700', '9999.9999', '0000000000009999'])('accepts the interest rate %s', (rate) => {
    expect(accepted({ interest_rate_pct: rate }).interestRatePct).toBe(rate);
  });

  it.each(['1,5', '1e1', '+4.47', '4.', '４.47'])('refuses the rate %j', (rate) => {
    expect(problems({ guarantee_fee_rate_pct: rate })).toEqual([['guarantee_fee_rate_pct', 'MALFORMED_RATE']]);
  });
});

describe('characters a field may not hold', () => {
  it.each(LOAN_ROW_FIELDS)('a NUL in %s is CONTROL_CHARACTER for that field, and nothing else of it is judged', (field) => {
    expect(problems({ [field]: `${VALID[field]}\u0000` })).toEqual([[field, 'CONTROL_CHARACTER']]);
  });

  it.each(LOAN_ROW_FIELDS)('a lone surrogate in %s is MALFORMED_TEXT', (field) => {
    expect(problems({ [field]: `\ud800${VALID[field]}` })).toEqual([[field, 'MALFORMED_TEXT']]);
  });

  it.each(LOAN_ROW_FIELDS.filter((f) => f !== 'borrower_name'))('a zero-width space in %s is INVISIBLE_CHARACTER', (field) => {
    expect(problems({ [field]: `${VALID[field]}\u200b` })).toEqual([[field, 'INVISIBLE_CHARACTER']]);
  });

  it('a name may hold a zero-width joiner but no bidirectional override', () => {
    expect(accepted({ borrower_name: '福州👨\u200d👩明辉' }).borrowerName).toBe('福州👨\u200d👩明辉');
    expect(problems({ borrower_name: '\u202e辉明州福' })).toEqual([['borrower_name', 'INVISIBLE_CHARACTER']]);
  });
});

describe('the supported range of business dates', () => {
  it('accepts 1900-01-01 and 2199-12-31', () => {
    expect(accepted({ disbursed_on: '1900-01-01', matures_on: '2199-12-31' })).toMatchObject({ disbursedOn: '1900-01-01', maturesOn: '2199-12-31' });
  });

  it.each([
    ['disbursed_on', '1899-12-31'],
    ['disbursed_on', '0000-01-01'],
    ['matures_on', '2200-01-01'],
    ['matures_on', '9999-12-31'],
  ])('refuses %s %s as DATE_OUT_OF_RANGE', (field, date) => {
    const other = field === 'disbursed_on' ? { matures_on: '1900-06-01' } : {};
    expect(problems({ [field]: date, ...other })).toEqual([[field, 'DATE_OUT_OF_RANGE']]);
  });

  it('still reads a resident ID born before the range', () => {
    expect(accepted({ ...FARMER, borrower_id: '440524188001010014' }).borrowerId).toBe('440524188001010014');
  });
});

describe('lengths in Unicode code points', () => {
  const cjk = '张';
  const emoji = '😀'; // one code point, two UTF-16 units

  it('accepts a name of 200 code points even when it is 201 UTF-16 units', () => {
    const name = cjk.repeat(199) + emoji;
    expect(name.length).toBe(201);
    expect(accepted({ borrower_name: name }).borrowerName).toBe(name);
    expect(accepted({ borrower_name: emoji.repeat(200) }).borrowerName).toHaveLength(400);
  });

  it('refuses a name of 201 code points', () => {
    expect(problems({ borrower_name: cjk.repeat(200) + emoji })).toEqual([['borrower_name', 'NAME_LENGTH']]);
    expect(problems({ borrower_name: cjk.repeat(201) })).toEqual([['borrower_name', 'NAME_LENGTH']]);
  });

  it('counts after trimming', () => {
    expect(accepted({ borrower_name: ` ${cjk.repeat(200)}\t` }).borrowerName).toBe(cjk.repeat(200));
  });

  it('accepts a loan id of 64 code points and refuses 65', () => {
    expect(accepted({ loan_id: emoji.repeat(64) }).loanId).toBe(emoji.repeat(64));
    expect(accepted({ loan_id: 'L'.repeat(64) }).loanId).toBe('L'.repeat(64));
    expect(problems({ loan_id: cjk.repeat(65) })).toEqual([['loan_id', 'MALFORMED_LOAN_ID']]);
  });
});
