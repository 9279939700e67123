import {
  checkIdentifierFitsBorrowerType,
  checkIndustryCode,
  checkRegionCode,
  checkResidentId,
  checkUscc,
  isBorrowerType,
  isInclusive,
  regionInProvince,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from './identifiers';

const fails = (reason: string) => ({ ok: false, reason });
const OK = { ok: true };

describe('Unified Social Credit Code of a firm', () => {
  it('computes the check character of the domain example 91350100M000100Y4 as 3', () => {
    // values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 x weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    // = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; (31 - 28) mod 31 = 3 -> '3'
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(checkUscc('91350100M000100Y43')).toEqual(OK);
  });

  it('accepts an individual business (92) and a cooperative (93) whose check is a letter', () => {
    // 92...: sum 1640 + 3 (weight of character 2) = 1643; mod 31 = 0; check (31 - 0) mod 31 = 0 -> '0'
    expect(checkUscc('92350100M000100Y40')).toEqual(OK);
    // 93...: sum 1646; mod 31 = 3; check 28 -> 'W' (A=10 ... H=17, J=18 ... N=22, P=23, Q=24, R=25, T=26, U=27, W=28)
    expect(checkUscc('93350100M000100Y4W')).toEqual(OK);
  });

  it.each(['91350100M000100Y44', '91350100M000100Y40', '91350100M000100Y4Y', '91350100M000100Y34', '19350100M000100Y43'])(
    'refuses %s whose check character is wrong',
    (code) => {
      expect(checkUscc(code)).toEqual(fails('BAD_CHECK_CHARACTER'));
    },
  );

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the forbidden letter %s anywhere in the code', (letter) => {
    expect(checkUscc(`91350100${letter}000100Y43`)).toEqual(fails('BAD_ALPHABET'));
    expect(checkUscc(`91350100M000100Y4${letter}`)).toEqual(fails('BAD_ALPHABET'));
  });

  it.each(['91350100m000100Y43', '91350100M000100y43', '91350100M000100Y4３', '91350100M000100Y4 ', '91350100-000100Y43'])(
    'refuses %j: lower case, full-width and punctuation are outside the alphabet',
    (code) => {
      expect(checkUscc(code)).toEqual(fails('BAD_ALPHABET'));
    },
  );

  it.each(['91350100M000100Y4', '91350100M000100Y433', ''])('refuses %j of the wrong length', (code) => {
    expect(checkUscc(code)).toEqual(fails('BAD_LENGTH'));
  });
});

describe('resident ID number of a farmer or individual', () => {
  it('accepts the domain examples, including one ending in X', () => {
    // 11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; mod 11 = 2 -> '10X98765432'[2] = 'X'
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(checkResidentId('11010519491231002X', '2025-06-01')).toEqual(OK);
    // 44052418800101001: 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; mod 11 = 8 -> '4'
    expect(residentIdCheckCharacter('44052418800101001')).toBe('4');
    expect(checkResidentId('440524188001010014', '2025-06-01')).toEqual(OK);
  });

  it('refuses a lower-case x as check character', () => {
    expect(checkResidentId('11010519491231002x', '2025-06-01')).toEqual(fails('BAD_ALPHABET'));
  });

  it.each(['110105194912310020', '110105194912310021', '440524188001010015', '44052418800101001X', '11010519491231003X'])(
    'refuses %s whose check character is wrong',
    (id) => {
      expect(checkResidentId(id, '2025-06-01')).toEqual(fails('BAD_CHECK_CHARACTER'));
    },
  );

  it.each(['1101051949123100X2', '11010519491231A02X', '１10105194912310020'])('refuses %j with a non-digit in characters 1-17', (id) => {
    expect(checkResidentId(id, '2025-06-01')).toEqual(fails('BAD_ALPHABET'));
  });

  it.each(['11010519491231002', '11010519491231002XX', '110105491231002'])('refuses %j of the wrong length', (id) => {
    expect(checkResidentId(id, '2025-06-01')).toEqual(fails('BAD_LENGTH'));
  });

  it('accepts a person born on a leap day, 2000-02-29', () => {
    // 11010520000229001: 7+9+0+5+0+20+4+0+0+0+0+18+20+45+0+0+2 = 130; mod 11 = 9 -> '3'
    expect(checkResidentId('110105200002290013', '2025-06-01')).toEqual(OK);
  });

  it('refuses a birth date of 1900-02-29, which never existed, even with a correct check character', () => {
    // 11010519000229001: 7+9+0+5+0+20+2+9+0+0+0+18+20+45+0+0+2 = 137; mod 11 = 5 -> '7'
    expect(residentIdCheckCharacter('11010519000229001')).toBe('7');
    expect(checkResidentId('110105190002290017', '2025-06-01')).toEqual(fails('BIRTH_DATE_INVALID'));
  });

  it('refuses a person born after the loan was disbursed, and accepts one born that same day', () => {
    expect(checkResidentId('110105200002290013', '2000-02-28')).toEqual(fails('BIRTH_AFTER_DISBURSEMENT'));
    expect(checkResidentId('110105200002290013', '2000-02-29')).toEqual(OK);
  });
});

describe('region code', () => {
  it.each(['110105', '370102', '150000', '210000', '230000', '310000', '370000', '410000', '460000', '500000', '540000', '610000', '650000', '710000', '810000', '820000'])(
    'accepts %s in a province',
    (code) => {
      expect(checkRegionCode(code)).toEqual(OK);
    },
  );

  it.each(['100000', '160000', '200000', '240000', '300000', '380000', '400000', '470000', '490000', '550000', '600000', '660000', '700000', '720000', '800000', '830000', '990000', '000000'])(
    'refuses %s outside every province',
    (code) => {
      expect(checkRegionCode(code)).toEqual(fails('UNKNOWN_PROVINCE'));
    },
  );

  it('refuses the wrong length and non-digits', () => {
    expect(checkRegionCode('11010')).toEqual(fails('BAD_LENGTH'));
    expect(checkRegionCode('1101050')).toEqual(fails('BAD_LENGTH'));
    expect(checkRegionCode('11010a')).toEqual(fails('BAD_ALPHABET'));
    expect(checkRegionCode('１10105')).toEqual(fails('BAD_ALPHABET'));
  });

  it("keeps a Beijing programme to Beijing's region codes", () => {
    expect(regionInProvince('110105', '11')).toBe(true);
    expect(regionInProvince('370102', '11')).toBe(false);
    expect(regionInProvince('11010', '11')).toBe(false);
  });
});

describe('industry code', () => {
  it.each(['C1311', 'A0111', 'A0511', 'B0610', 'B1200', 'C4390', 'D4411', 'E5010', 'J6610', 'K7010', 'L7212', 'P8310', 'T9700'])(
    'accepts %s whose division lies in its section',
    (code) => {
      expect(checkIndustryCode(code)).toEqual(OK);
    },
  );

  it.each(['A0611', 'A0011', 'B0511', 'C1211', 'C4411', 'K7110', 'P8400', 'T9800', 'T9900'])('refuses %s whose division is outside its section', (code) => {
    expect(checkIndustryCode(code)).toEqual(fails('INDUSTRY_SECTION_MISMATCH'));
  });

  it('refuses an unknown section, lower case, and the wrong shape', () => {
    expect(checkIndustryCode('U9900')).toEqual(fails('UNKNOWN_SECTION'));
    expect(checkIndustryCode('c1311')).toEqual(fails('BAD_ALPHABET'));
    expect(checkIndustryCode('CC311')).toEqual(fails('BAD_ALPHABET'));
    expect(checkIndustryCode('C131')).toEqual(fails('BAD_LENGTH'));
    expect(checkIndustryCode('C13111')).toEqual(fails('BAD_LENGTH'));
  });
});

describe('borrower type', () => {
  it('knows exactly the six types, case-sensitively', () => {
    for (const t of ['micro', 'small', 'medium', 'individual_business', 'farmer', 'agri_entity']) expect(isBorrowerType(t)).toBe(true);
    for (const t of ['Micro', 'large', '', 'individual-business']) expect(isBorrowerType(t)).toBe(false);
  });

  it('counts every type but medium as inclusive, and a medium firm when the loan is agri-related', () => {
    for (const t of ['micro', 'small', 'individual_business', 'farmer', 'agri_entity'] as const) expect(isInclusive(t, false)).toBe(true);
    expect(isInclusive('medium', false)).toBe(false);
    expect(isInclusive('medium', true)).toBe(true);
  });

  it('requires a resident ID for a farmer and a USCC for every other type', () => {
    expect(checkIdentifierFitsBorrowerType('RID', '440524188001010014', 'farmer')).toEqual(OK);
    expect(checkIdentifierFitsBorrowerType('USCC', '93350100M000100Y4W', 'farmer')).toEqual(fails('ID_TYPE_MISMATCH'));
    expect(checkIdentifierFitsBorrowerType('RID', '440524188001010014', 'micro')).toEqual(fails('ID_TYPE_MISMATCH'));
    expect(checkIdentifierFitsBorrowerType('USCC', '91350100M000100Y43', 'micro')).toEqual(OK);
  });

  it('reserves USCC prefix 92 for individual businesses and 93 for agricultural entities', () => {
    expect(checkIdentifierFitsBorrowerType('USCC', '92350100M000100Y40', 'individual_business')).toEqual(OK);
    expect(checkIdentifierFitsBorrowerType('USCC', '92350100M000100Y40', 'small')).toEqual(fails('USCC_PREFIX_MISMATCH'));
    expect(checkIdentifierFitsBorrowerType('USCC', '93350100M000100Y4W', 'agri_entity')).toEqual(OK);
    expect(checkIdentifierFitsBorrowerType('USCC', '93350100M000100Y4W', 'micro')).toEqual(fails('USCC_PREFIX_MISMATCH'));
    expect(checkIdentifierFitsBorrowerType('USCC', '93350100M000100Y4W', 'individual_business')).toEqual(fails('USCC_PREFIX_MISMATCH'));
  });

  it('lets an individual business or agricultural entity registered as an enterprise (91) pass', () => {
    expect(checkIdentifierFitsBorrowerType('USCC', '91350100M000100Y43', 'individual_business')).toEqual(OK);
    expect(checkIdentifierFitsBorrowerType('USCC', '91350100M000100Y43', 'agri_entity')).toEqual(OK);
  });
});
