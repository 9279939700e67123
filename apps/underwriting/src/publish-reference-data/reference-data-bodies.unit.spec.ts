import { HttpException } from '@nestjs/common';
import { ValidInput, validated, validatedList } from '@g2g/platform';
import { demoProgrammeDocument } from '../../../../libs/domain/src/programme/demo-programme.fixture';
import { ResumeBody } from '../programme-breaker/resume-body';
import { ParticipantBody, ProgrammeBody, RevocationBody } from './reference-data-bodies';

// The documents operators publish, as the routes' pipes read them: a good document passes as it
// came; a participant or a programme with problems is 422 with every problem by its field; a
// revocation or a resumption that cannot be read is 400 with what is wrong with it.

function answer(pipe: ValidInput<object, unknown>, body: unknown): any {
  try {
    return { passed: pipe.transform(body) };
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
}

const participants = validatedList(ParticipantBody, 'send one participant or a list of them');
const ICBC = { code: 'ICBC', kind: 'bank', name: 'Industrial and Commercial Bank of China', effective_from: '2025-01-01' };

describe('a participant document', () => {
  it('one participant, or a list of them, passes', () => {
    expect(answer(participants, ICBC).passed).toEqual([expect.objectContaining(ICBC)]);
    const guarantor = { code: 'BJ-GUOHUA', kind: 'guarantor', name: 'Guohua', net_assets: '2000000000.00' };
    expect(answer(participants, [ICBC, guarantor, { ...ICBC, code: 'BOC', net_assets: null, effective_from: null }]).passed).toHaveLength(3);
  });

  it.each([
    [{ ...ICBC, code: 'icbc' }, 'code', 'code: 1-32 upper-case letters, digits or dashes'],
    [{ ...ICBC, code: 'A'.repeat(33) }, 'code', 'code: 1-32 upper-case letters, digits or dashes'],
    [{ ...ICBC, kind: 'broker' }, 'kind', 'kind: one of bank, guarantor, reguarantor, fund, regulator, operator'],
    [{ ...ICBC, name: '  ' }, 'name', 'name: 1-200 characters'],
    [{ ...ICBC, name: 'x'.repeat(201) }, 'name', 'name: 1-200 characters'],
    [{ ...ICBC, net_assets: 2000 }, 'net_assets', 'net_assets: yuan as a decimal string'],
    [{ ...ICBC, net_assets: '1.005' }, 'net_assets', 'net_assets: yuan as a decimal string'],
    [{ ...ICBC, effective_from: '2025-02-30' }, 'effective_from', 'effective_from: a date YYYY-MM-DD'],
  ])('%j: %s', (body, field, message) => {
    expect(answer(participants, body)).toEqual({ status: 422, body: { code: 'INVALID_PARTICIPANT', message: 'the participant document has problems', errors: [{ field, message }] } });
  });

  it('names every problem of a list by its place in it, and refuses an empty list', () => {
    expect(answer(participants, [ICBC, { code: 'x' }]).body.errors.map((e: { field: string }) => e.field)).toEqual(['[1].code', '[1].kind', '[1].name']);
    expect(answer(participants, [ICBC, null]).body.errors.map((e: { field: string }) => e.field)).toEqual(['[1].code', '[1].kind', '[1].name']);
    expect(answer(participants, [])).toEqual({ status: 422, body: { code: 'INVALID_PARTICIPANT', message: 'the participant document has problems', errors: [{ field: 'body', message: 'send one participant or a list of them' }] } });
  });
});

describe('a programme document', () => {
  const programmes = validated(ProgrammeBody);
  const problems = (changes: Record<string, unknown>) => {
    const a = answer(programmes, { ...demoProgrammeDocument, ...changes });
    if (a.passed) return 'passed';
    expect(a).toMatchObject({ status: 422, body: { code: 'INVALID_PROGRAMME', message: 'the programme document has problems' } });
    return a.body.errors;
  };

  it('the demo programme passes, as it came', () => {
    const passed = answer(programmes, demoProgrammeDocument).passed;
    expect(passed).toBeInstanceOf(ProgrammeBody);
    expect(JSON.parse(JSON.stringify(passed))).toEqual(demoProgrammeDocument);
  });

  it('may name a max_risk_score, a decimal string from 0 to 1', () => {
    expect(problems({ max_risk_score: '0.35' })).toBe('passed');
    const refused = [{ field: 'max_risk_score', message: 'max_risk_score must be a decimal from 0 to 1 with at most 4 places, as a string (for example "0.35")' }];
    expect(problems({ max_risk_score: 0.35 })).toEqual(refused);
    expect(problems({ max_risk_score: '1.5' })).toEqual(refused);
  });

  it('may name recommended lists it requires and prefers, by their ids', () => {
    expect(problems({ required_lists: ['BJ-SPEC'], preferred_lists: [] })).toBe('passed');
    expect(problems({ required_lists: 'BJ-SPEC' })).toEqual([{ field: 'required_lists', message: 'required_lists must list recommended list ids (letters, digits, . _ -, at most 64)' }]);
    expect(problems({ preferred_lists: ['no spaces'] })).toEqual([{ field: 'preferred_lists', message: 'preferred_lists must list recommended list ids (letters, digits, . _ -, at most 64)' }]);
  });

  it('the rules of a whole programme are left to the domain: shares, the bank\'s 20%, min above max', () => {
    expect(problems({ parties: [{ role: 'bank', participant: '$bank', share_pct: '10' }], term_months: { min: 12, max: 6 } })).toBe('passed');
  });

  it.each([
    [{ id: 'bad id' }, 'id', 'id must be a string matching /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/'],
    [{ name: '' }, 'name', 'name must be a string matching /^.+$/'],
    [{ effective_from: '2025-02-30' }, 'effective_from', 'effective_from must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31'],
    [{ effective_from: '2200-01-01' }, 'effective_from', 'effective_from must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31'],
    [{ province: '1' }, 'province', 'province must be a string matching /^\\d\\d$/'],
    [{ province: '99' }, 'province', 'province 99 is not a province code'],
    [{ banks: [] }, 'banks', 'banks must list at least one bank code'],
    [{ banks: ['ICBC', 7] }, 'banks', 'banks must list at least one bank code'],
    [{ parties: [] }, 'parties', 'parties must list the risk-sharing parties'],
    [{ parties: 'BJ-GUOHUA' }, 'parties', 'parties must list the risk-sharing parties'],
    [{ parties: [{ role: 'bank', participant: '$bank', share_pct: '20' }, 'x'] }, 'parties', 'parties must list the risk-sharing parties, each with a role, a participant and a share_pct'],
    [{ parties: [{ role: 'bank', participant: '$bank', share_pct: '120' }] }, 'parties[0].share_pct', 'share_pct must be a percentage from 0 to 100'],
    [{ parties: [{ role: 'regulator', participant: 'NFRA', share_pct: '20' }] }, 'parties[0].role', 'role: one of bank, guarantor, reguarantor, fund'],
    [{ parties: [{ role: 'bank', share_pct: '20' }] }, 'parties[0].participant', 'each party needs a role and a participant'],
    [{ borrower_types: [] }, 'borrower_types', 'borrower_types must list at least one type'],
    [{ borrower_types: ['micro', 'giant'] }, 'borrower_types', 'unknown borrower type giant'],
    [{ max_borrower_principal: 10000000 }, 'max_borrower_principal', 'max_borrower_principal must be yuan as a decimal string, e.g. "1000000.00"'],
    [{ term_months: 12 }, 'term_months', 'term_months must be {"min": months, "max": months}'],
    [{ term_months: { min: 0, max: 12 } }, 'term_months.min', 'term_months.min must be a whole number from 1 to 600'],
    [{ term_months: { min: 1, max: 1.5 } }, 'term_months.max', 'term_months.max must be a whole number from 1 to 600'],
    [{ max_guarantee_fee_rate_pct: '1.00001' }, 'max_guarantee_fee_rate_pct', 'max_guarantee_fee_rate_pct must be a percentage as a decimal string with at most 4 decimals'],
    [{ max_interest_rate_pct: 8 }, 'max_interest_rate_pct', 'max_interest_rate_pct must be a percentage as a decimal string with at most 4 decimals'],
    [{ excluded_industry_sections: 'J' }, 'excluded_industry_sections', 'excluded_industry_sections must list industry sections (none: [])'],
    [{ excluded_industry_sections: ['J', 'Z'] }, 'excluded_industry_sections', 'unknown industry section Z'],
    [{ excluded_industry_sections: undefined }, 'excluded_industry_sections', 'excluded_industry_sections must list industry sections (none: [])'],
    [{ programme_quota: '1e10' }, 'programme_quota', 'programme_quota must be yuan as a decimal string, e.g. "1000000.00"'],
    [{ bank_quotas: [] }, 'bank_quotas', 'bank_quotas must be an object of bank code to yuan (none: {})'],
    [{ bank_quotas: undefined }, 'bank_quotas', 'bank_quotas must be an object of bank code to yuan (none: {})'],
    [{ bank_quotas: { ICBC: '1.00', BOC: 5 } }, 'bank_quotas', 'bank_quotas.BOC must be yuan as a decimal string, e.g. "1000000.00"'],
    [{ reguarantee_fee_pct: { default: '0.5' } }, 'reguarantee_fee_pct.principal_at_most_5m', 'reguarantee_fee_pct.principal_at_most_5m must be a percentage as a decimal string with at most 4 decimals'],
    [{ reguarantee_fee_pct: null }, 'reguarantee_fee_pct', 'reguarantee_fee_pct must be {"default": percent, "principal_at_most_5m": percent}'],
    [{ claim_grace_days: -1 }, 'claim_grace_days', 'claim_grace_days must be a whole number from 0 to 3660'],
    [{ claim_covers_interest: 'no' }, 'claim_covers_interest', 'claim_covers_interest must be true or false'],
    [{ fund_cap_pct: '' }, 'fund_cap_pct', 'fund_cap_pct must be a percentage as a decimal string with at most 4 decimals'],
    [{ breaker_pct: null }, 'breaker_pct', 'breaker_pct must be a percentage as a decimal string with at most 4 decimals'],
  ])('%j: %s', (changes, field, message) => {
    expect(problems(changes)).toEqual([{ field, message }]);
  });

  it('lists every problem of a document at once, in the order of its fields', () => {
    expect(problems({ id: '', province: 'x', claim_grace_days: 'x' }).map((p: { field: string }) => p.field)).toEqual(['id', 'province', 'claim_grace_days']);
    expect(answer(programmes, undefined).body.errors).toHaveLength(19);
  });

  it('keeps bank codes of bank_quotas as they came, names of object members too, for the registry to judge', () => {
    const quotas = JSON.parse('{"ICBC": "1000000.00", "constructor": "1.00", "__proto__": "1.00"}');
    const passed = answer(programmes, { ...demoProgrammeDocument, bank_quotas: quotas }).passed as ProgrammeBody;
    expect(Object.keys(passed.bank_quotas)).toEqual(['ICBC', 'constructor', '__proto__']);
  });
});

describe('a revocation', () => {
  const revocations = validated(RevocationBody);
  const A = 'aaaaaaaaaaaaaaaa';

  it('names one key id, or all', () => {
    expect(answer(revocations, { key_id: A }).passed.request()).toEqual({ keyId: A });
    expect(answer(revocations, { all: true }).passed.request()).toEqual({ all: true });
  });

  const neither = 'send {"key_id": "<16 hex digits>"} to revoke one key, or {"all": true} to revoke every key of the participant';
  it.each([
    [{}, neither],
    [undefined, neither],
    [null, neither],
    [[], neither],
    [{ key_id: A, all: true }, neither],
    [{ all: false }, 'all: true to revoke every key (or send key_id instead)'],
    [{ all: 'yes' }, 'all: true to revoke every key (or send key_id instead)'],
    [{ all: null }, 'all: true to revoke every key (or send key_id instead)'],
    [{ key_id: 'AAAAAAAAAAAAAAAA' }, 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)'],
    [{ key_id: 'abc' }, 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)'],
    [{ key_id: `${A}0` }, 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)'],
    [{ key_id: null }, 'key_id: the 16 lower-case hex digits of a key id (g2g keys list CODE)'],
  ])('%j: 400 BAD_REVOCATION', (body, message) => {
    expect(answer(revocations, body)).toEqual({ status: 400, body: { code: 'BAD_REVOCATION', message } });
  });
});

describe('a resumption', () => {
  const resumptions = validated(ResumeBody);

  it('names its business date, or none (then today)', () => {
    expect(answer(resumptions, { resumed_on: '2025-10-01' }).passed.resumed_on).toBe('2025-10-01');
    for (const body of [undefined, {}, { resumed_on: null }]) expect(answer(resumptions, body).passed.resumed_on ?? null).toBeNull();
  });

  it.each(['2025-10-32', '2025/10/01', '', 20251001])('%j: 400 BAD_DATE', (resumedOn) => {
    expect(answer(resumptions, { resumed_on: resumedOn })).toEqual({ status: 400, body: { code: 'BAD_DATE', message: 'resumed_on: YYYY-MM-DD' } });
  });
});
