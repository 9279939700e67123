import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from './canonical';
import { GuaranteeCertificate, IssuedGuarantee, certificateDigest, certificateOf, statusOf } from './certificate';
import { KeySet, Signed, SigningKey, keyIdOf, parseSignedDocument, publishedKeyOf, rotated, signed, signingKeyOf, verifyCertificate, verifySigned } from './signing';

const GUARANTOR = 'FJGC';

const newKey = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { publicKeyPem, signing: signingKeyOf(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()) };
};
const OLD = newKey();
const NEW = newKey();
const STRANGER = newKey();

const beforeRotation: KeySet = { guarantor: GUARANTOR, keys: [publishedKeyOf(OLD.publicKeyPem, GUARANTOR, '2025-01-01T00:00:00Z')] };
const ROTATED_AT = '2026-01-01T00:00:00Z';
const afterRotation = rotated(beforeRotation, publishedKeyOf(NEW.publicKeyPem, GUARANTOR, ROTATED_AT), ROTATED_AT);

// a guarantee-issued.v1 event, with the fields a certificate leaves out
const issued: IssuedGuarantee & Record<string, unknown> = {
  guaranteeId: 'ICBC/L-0001',
  bank: 'ICBC',
  loanId: 'L-0001',
  batchRef: 'B-2025-06',
  row: 7,
  programme: 'FJ-MICRO',
  programmeVersion: '2025-01-01',
  province: '35',
  fundBacked: true,
  borrower: { idType: 'USCC', id: '91350100M000100Y43', name: '福州市鼓楼区小微科技有限公司', type: 'micro' },
  principalFen: '100000000',
  interestRatePct: '3.45',
  guaranteeFeeRatePct: '0.8',
  disbursedOn: '2025-06-01',
  maturesOn: '2026-06-01',
  termDays: 365,
  guaranteeFeeFen: '800000',
  parties: [
    { role: 'bank', participant: 'ICBC', sharePct: '20', riskFen: '20000000' },
    { role: 'guarantor', participant: GUARANTOR, sharePct: '40', riskFen: '40000000' },
    { role: 'reguarantor', participant: 'FJRG', sharePct: '30', riskFen: '30000000' },
    { role: 'fund', participant: 'NFGF', sharePct: '10', riskFen: '10000000' },
  ],
  reguaranteeFeePct: '0.5',
  issuedOn: '2025-06-01',
  decidedAt: '2025-06-01T09:30:00+08:00',
  lists: ['sci-tech-2025'],
};
const SOURCE = { schema: 'underwriting.loans-decided.v2', position: '123456789012' };

const certificateAt = (issuedAt: string, changes: Partial<IssuedGuarantee> = {}) => certificateOf({ ...issued, ...changes }, SOURCE, issuedAt);
const certificate = certificateAt('2025-06-01T10:00:00+08:00');

// what a holder of the certificate does: keep its JSON text and read it back
const throughText = <D>(doc: Signed<D>, edit: (text: string) => string = (t) => t): Signed<unknown> => {
  const read = parseSignedDocument(edit(JSON.stringify(doc, null, 2)));
  if (!read.ok) throw new Error(read.reason);
  return read.signed;
};

describe('a guarantee certificate', () => {
  it('is made of the issued guarantee, names its guarantor and its event, and leaves out what only the platform reads', () => {
    expect(certificate).toMatchObject({ kind: 'g2g.guarantee-certificate', version: 1, guaranteeId: 'ICBC/L-0001', guarantor: GUARANTOR, principalFen: '100000000', source: SOURCE });
    expect(certificate.parties).toHaveLength(4);
    for (const field of ['province', 'fundBacked', 'termDays', 'reguaranteeFeePct', 'decidedAt', 'lists']) expect(certificate).not.toHaveProperty(field);
  });

  it('cannot be made of a guarantee without its one guarantor, nor of an amount that is not integer fen', () => {
    expect(() => certificateAt('2025-06-01T10:00:00Z', { parties: issued.parties.filter((p) => p.role !== 'guarantor') })).toThrow('has 0 guarantor parties');
    expect(() => certificateAt('2025-06-01T10:00:00Z', { principalFen: '1000.50' })).toThrow('principalFen "1000.50" is not integer fen');
    expect(() => certificateAt('2025-06-01 10:00')).toThrow('not an ISO time');
  });
});

describe('verifying a signed certificate', () => {
  it('given a certificate signed by the guarantor key in use, when read back from its text, then it verifies', () => {
    const doc = signed(certificate, OLD.signing);
    expect(doc.signature).toMatchObject({ algorithm: 'Ed25519', keyId: keyIdOf(OLD.publicKeyPem) });
    expect(Buffer.from(doc.signature.value, 'base64')).toHaveLength(64);
    expect(verifyCertificate(throughText(doc), beforeRotation)).toEqual({ valid: true, guaranteeId: 'ICBC/L-0001', keyId: OLD.signing.keyId });
  });

  it('given one digit of the principal changed in the text, then the signature does not match', () => {
    const altered = throughText(signed(certificate, OLD.signing), (t) => t.replace('"principalFen": "100000000"', '"principalFen": "900000000"'));
    expect((altered.document as GuaranteeCertificate).principalFen).toBe('900000000');
    expect(verifyCertificate(altered, beforeRotation)).toEqual({ valid: false, reason: 'the signature does not match the document (altered, or signed by another key)' });
  });

  it('given the keys of the parsed JSON in another order, then it still verifies: the canonical form is signed, not the text', () => {
    const shuffle = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(shuffle) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffle(x)])) : v;
    const doc = signed(certificate, OLD.signing);
    const text = JSON.stringify(shuffle(doc));
    expect(text.startsWith('{"signature":{"value"')).toBe(true);
    const read = parseSignedDocument(text);
    expect(read.ok && verifyCertificate(read.signed, beforeRotation)).toMatchObject({ valid: true });
  });

  it('given a certificate signed by another key, then it is refused, whichever key id it claims', () => {
    expect(verifyCertificate(signed(certificate, STRANGER.signing), beforeRotation)).toEqual({
      valid: false,
      reason: `signed by key ${STRANGER.signing.keyId}, which the guarantor's key set (${GUARANTOR}) does not hold`,
    });
    expect(verifyCertificate(signed(certificate, posingAsOld(STRANGER.signing)), beforeRotation)).toMatchObject({ valid: false, reason: 'the signature does not match the document (altered, or signed by another key)' });
  });

  it('given key ids derived from the keys, then two keys never share one and an id cannot be put on another key in the set', () => {
    expect(OLD.signing.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(OLD.signing.keyId).not.toBe(NEW.signing.keyId);
    const misnamed: KeySet = { guarantor: GUARANTOR, keys: [{ ...beforeRotation.keys[0], publicKeyPem: STRANGER.publicKeyPem }] };
    expect(verifyCertificate(signed(certificate, STRANGER.signing), misnamed)).toMatchObject({ valid: false, reason: expect.stringContaining('does not hold') });
    expect(verifyCertificate(signed(certificate, posingAsOld(STRANGER.signing)), misnamed)).toEqual({ valid: false, reason: `key ${OLD.signing.keyId} in the key set is not the Ed25519 key its id names` });
  });

  it('given another guarantor key set, then the certificate is refused before any key is looked at', () => {
    expect(verifyCertificate(signed(certificate, OLD.signing), { ...beforeRotation, guarantor: 'XMGC' })).toEqual({ valid: false, reason: `the certificate is ${GUARANTOR}'s; the key set is XMGC's` });
  });

  it('given a status where a certificate belongs, then it is not a guarantee certificate', () => {
    const status = signed(statusOf(certificate, 'in-force', null, '2025-07-01T00:00:00Z'), OLD.signing);
    expect(verifyCertificate(status, beforeRotation)).toEqual({ valid: false, reason: 'not a guarantee certificate' });
  });
});

describe('key rotation', () => {
  it('adds the new key and retires the old one, which stays in the set', () => {
    expect(afterRotation.keys.map((k) => [k.keyId, k.retiredAt])).toEqual([
      [OLD.signing.keyId, ROTATED_AT],
      [NEW.signing.keyId, undefined],
    ]);
  });

  it('given a certificate signed by the old key before the rotation, then it still verifies after it', () => {
    const doc = throughText(signed(certificate, OLD.signing));
    expect(verifyCertificate(doc, afterRotation)).toEqual({ valid: true, guaranteeId: 'ICBC/L-0001', keyId: OLD.signing.keyId });
  });

  it('given a certificate signed by the new key after the rotation, then it verifies', () => {
    expect(verifyCertificate(signed(certificateAt('2026-02-01T10:00:00+08:00'), NEW.signing), afterRotation)).toMatchObject({ valid: true, keyId: NEW.signing.keyId });
  });

  it('given a certificate signed with the old key dated after its retirement, then it is refused', () => {
    expect(verifyCertificate(signed(certificateAt('2026-02-01T10:00:00+08:00'), OLD.signing), afterRotation)).toEqual({
      valid: false,
      reason: `signed by key ${OLD.signing.keyId} at 2026-02-01T10:00:00+08:00, after it was retired on ${ROTATED_AT}`,
    });
    // the instant counts, not the text: 07:59 in China is before midnight UTC
    expect(verifyCertificate(signed(certificateAt('2026-01-01T07:59:59+08:00'), OLD.signing), afterRotation)).toMatchObject({ valid: true });
  });

  it('given a certificate dated before the key was in use, then it is refused', () => {
    expect(verifyCertificate(signed(certificate, NEW.signing), afterRotation)).toEqual({
      valid: false,
      reason: `signed by key ${NEW.signing.keyId} at 2025-06-01T10:00:00+08:00, before it was in use (from ${ROTATED_AT})`,
    });
  });
});

describe('a certificate with its status', () => {
  const doc = signed(certificate, OLD.signing);
  const stated = (status: 'in-force' | 'released' | 'claimed', since: string | null, of: GuaranteeCertificate = certificate, key: SigningKey = OLD.signing) =>
    throughText(signed(statusOf(of, status, since, '2025-12-01T00:00:00Z'), key));

  it('binds the status to the certificate by the sha256 of its canonical JSON', () => {
    expect(statusOf(certificate, 'in-force', null, '2025-12-01T00:00:00Z').certificateDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(certificateDigest(JSON.parse(JSON.stringify(certificate)))).toBe(certificateDigest(certificate));
    expect(canonicalJson(certificate)).toContain('"name":"福州市鼓楼区小微科技有限公司"');
  });

  it('given an in-force status, then the certificate verifies', () => {
    expect(verifyCertificate(doc, beforeRotation, stated('in-force', null))).toEqual({ valid: true, guaranteeId: 'ICBC/L-0001', keyId: OLD.signing.keyId });
  });

  it('given a claimed status, then it is refused with the date of the claim', () => {
    expect(verifyCertificate(doc, beforeRotation, stated('claimed', '2026-03-01'))).toEqual({ valid: false, reason: 'the guarantee was claimed on 2026-03-01' });
  });

  it('given a released status, then it is refused with the date of the release', () => {
    expect(verifyCertificate(doc, beforeRotation, stated('released', '2026-06-01'))).toEqual({ valid: false, reason: 'the guarantee was released on 2026-06-01' });
  });

  it('given a status of another certificate, even of the same guarantee, then it is refused', () => {
    const reissued = certificateAt('2025-06-02T10:00:00+08:00');
    expect(verifyCertificate(doc, beforeRotation, stated('in-force', null, reissued))).toEqual({ valid: false, reason: 'the status is for another certificate (its digest differs)' });
    const other = certificateAt('2025-06-01T10:00:00+08:00', { guaranteeId: 'ICBC/L-0002', loanId: 'L-0002' });
    expect(verifyCertificate(doc, beforeRotation, stated('in-force', null, other))).toEqual({ valid: false, reason: 'the status is for another certificate (guarantee ICBC/L-0002)' });
  });

  it('given a status signed by a key the guarantor does not hold, then it is refused', () => {
    expect(verifyCertificate(doc, beforeRotation, stated('in-force', null, certificate, STRANGER.signing))).toEqual({
      valid: false,
      reason: `the status is not signed by the guarantor's keys: signed by key ${STRANGER.signing.keyId}, which the guarantor's key set (${GUARANTOR}) does not hold`,
    });
  });

  it('given a status altered after signing (claimed made in force), then its signature does not match', () => {
    const claimed = signed(statusOf(certificate, 'claimed', '2026-03-01', '2026-03-02T00:00:00Z'), OLD.signing);
    const altered = { ...claimed, document: { ...claimed.document, status: 'in-force', since: null } };
    expect(verifyCertificate(doc, beforeRotation, altered)).toEqual({
      valid: false,
      reason: "the status is not signed by the guarantor's keys: the signature does not match the document (altered, or signed by another key)",
    });
  });

  it('given a status signed with the old key after its retirement, then it is refused by its statedAt', () => {
    const late = throughText(signed(statusOf(certificate, 'in-force', null, '2026-02-01T00:00:00Z'), OLD.signing));
    expect(verifyCertificate(doc, afterRotation, late)).toMatchObject({ valid: false, reason: expect.stringContaining(`after it was retired on ${ROTATED_AT}`) });
    expect(verifyCertificate(doc, afterRotation, stated('in-force', null))).toMatchObject({ valid: true });
  });

  it('a status must say a date unless the guarantee is in force', () => {
    expect(() => statusOf(certificate, 'claimed', null, '2026-03-02T00:00:00Z')).toThrow('since must be the date (YYYY-MM-DD) it was claimed');
    expect(() => statusOf(certificate, 'in-force', '2026-03-01', '2026-03-02T00:00:00Z')).toThrow('since must be null');
  });
});

describe('reading a signed document from text', () => {
  const reason = (text: string) => {
    const read = parseSignedDocument(text);
    return read.ok ? null : read.reason;
  };

  it('gives a reason, not a TypeError, for text that is not JSON or not a signed document', () => {
    expect(reason('{"document":')).toMatch(/^not JSON: /);
    expect(reason('null')).toBe('not a signed document: expected an object with a document and a signature');
    expect(reason('[1]')).toBe('not a signed document: expected an object with a document and a signature');
    expect(reason('{"signature":{}}')).toBe('not a signed document: it has no document object');
    expect(reason('{"document":{}}')).toBe('not a signed document: it has no signature object');
    expect(reason('{"document":{},"signature":{"algorithm":"Ed25519","value":1}}')).toBe('the signature lacks keyId, value (or they are not strings)');
    expect(reason('{"document":{},"signature":{"algorithm":"Ed25519","keyId":"k","value":"v"},"note":1}')).toBe('not a signed document: unexpected note beside the document and the signature');
  });

  it('given a document a verifier cannot put in canonical form or date, then verifying says so', () => {
    const doc = throughText(signed(certificate, OLD.signing), (t) => t.replace('"row": 7', '"row": 7.5'));
    expect(verifyCertificate(doc, beforeRotation)).toEqual({ valid: false, reason: 'the certificate has no row number' });
    expect(verifySigned(doc, beforeRotation)).toMatchObject({ valid: false, reason: expect.stringContaining('the document has no canonical form: canonical JSON: $.row is 7.5') });
    expect(verifySigned({ document: { kind: 'other' }, signature: doc.signature }, beforeRotation)).toMatchObject({ valid: false, reason: expect.stringContaining('not a guarantee certificate or status') });
  });

  it('given a signature of another algorithm or a damaged value, then it is refused', () => {
    const doc = signed(certificate, OLD.signing);
    expect(verifyCertificate({ ...doc, signature: { ...doc.signature, algorithm: 'SM2' as 'Ed25519' } }, beforeRotation)).toEqual({ valid: false, reason: 'signed with "SM2"; only Ed25519 is accepted' });
    expect(verifyCertificate({ ...doc, signature: { ...doc.signature, value: doc.signature.value.slice(4) } }, beforeRotation)).toEqual({ valid: false, reason: 'the signature value is not 64 bytes in base64' });
  });
});

function posingAsOld(key: SigningKey): SigningKey {
  return { keyId: OLD.signing.keyId, privateKeyPem: key.privateKeyPem };
}
