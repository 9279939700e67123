import { KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical';
import { CERTIFICATE_KIND, CertificateStatus, GuaranteeCertificate, STATUS_KIND, certificateDigest, certificateProblem, isIsoTime, statusProblem } from './certificate';

/**
 * Signatures over canonical JSON (docs/adr/0022). Ed25519: deterministic, one curve and no
 * parameters to choose, and verifiable with any standard library. SM2 is not used: Node's crypto
 * signs with SM2-curve keys as ECDSA, without the signer's identifier GM/T 0003 hashes in, so no
 * SM2 verifier would accept its signatures.
 */
export const SIGNATURE_ALGORITHM = 'Ed25519';
export type SignatureAlgorithm = typeof SIGNATURE_ALGORITHM;

/** The guarantor's private key, as the service that signs holds it. Never in an event or a log. */
export interface SigningKey {
  keyId: string;
  privateKeyPem: string;
}

/** A public key as the guarantor publishes it, with the time it was taken in use and, once rotated out, retired. */
export interface PublishedKey {
  keyId: string;
  algorithm: SignatureAlgorithm;
  publicKeyPem: string;
  guarantor: string;
  validFrom: string;
  retiredAt?: string;
}

/**
 * Every key a guarantor has signed with. Rotation adds the new key and retires the old one, which
 * stays in the set: what it signed before its retirement still verifies, what is dated after it
 * does not. A key left out of the set no longer verifies anything (a key that leaked is removed,
 * not retired, since whoever holds it can date a document as they like).
 */
export interface KeySet {
  guarantor: string;
  keys: PublishedKey[];
}

export interface Signature {
  algorithm: SignatureAlgorithm;
  keyId: string;
  /** base64 of the 64-byte signature over the UTF-8 of the document's canonical JSON */
  value: string;
}

export interface Signed<D> {
  document: D;
  signature: Signature;
}

export type Verification = { valid: true; keyId: string } | { valid: false; reason: string };
export type CertificateVerification = { valid: true; guaranteeId: string; keyId: string } | { valid: false; reason: string };

/**
 * A key's id: the first 16 hex characters of sha256 of its DER SubjectPublicKeyInfo. Derived from
 * the key, so two keys get the same id only by a hash collision, and an id names its key for good.
 */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** The signing key of a PKCS#8 PEM private key (Ed25519), its id derived from its public key. */
export function signingKeyOf(privateKeyPem: string): SigningKey {
  const key = ed25519Private(privateKeyPem);
  return { keyId: keyIdOf(publicPemOf(createPublicKey(key))), privateKeyPem };
}

/** The published form of an Ed25519 public key. */
export function publishedKeyOf(publicKeyPem: string, guarantor: string, validFrom: string): PublishedKey {
  if (!isIsoTime(validFrom)) throw new Error(`validFrom ${JSON.stringify(validFrom)} is not an ISO time with an offset`);
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 public key (${key.asymmetricKeyType})`);
  return { keyId: keyIdOf(publicKeyPem), algorithm: SIGNATURE_ALGORITHM, publicKeyPem: publicPemOf(key), guarantor, validFrom };
}

/** The key set after a rotation at `at`: the keys in use are retired then, and the new key is added. */
export function rotated(keySet: KeySet, next: PublishedKey, at: string): KeySet {
  if (!isIsoTime(at)) throw new Error(`rotation time ${JSON.stringify(at)} is not an ISO time with an offset`);
  if (next.guarantor !== keySet.guarantor) throw new Error(`key ${next.keyId} is published for ${next.guarantor}, not ${keySet.guarantor}`);
  if (keySet.keys.some((k) => k.keyId === next.keyId)) throw new Error(`key ${next.keyId} is in the key set already`);
  return { guarantor: keySet.guarantor, keys: [...keySet.keys.map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: at } : k)), next] };
}

/** The document with a signature over the UTF-8 bytes of its canonical JSON. */
export function signed<D>(document: D, key: SigningKey): Signed<D> {
  const value = sign(null, Buffer.from(canonicalJson(document), 'utf8'), ed25519Private(key.privateKeyPem)).toString('base64');
  return { document, signature: { algorithm: SIGNATURE_ALGORITHM, keyId: key.keyId, value } };
}

/**
 * Whether a certificate or a status was signed by one of the guarantor's keys while that key was
 * in use, by the document's own time (a certificate's `issuedAt`, a status's `statedAt`). The
 * times are read only once the signature is known good, so they are the signer's.
 */
export function verifySigned(doc: Signed<unknown>, keySet: KeySet): Verification {
  const refuse = (reason: string) => ({ valid: false as const, reason });
  const { document, signature } = doc;
  const at = signedAtOf(document);
  if (at === null) return refuse('not a guarantee certificate or status (no kind, or no time it was signed at)');
  if (signature.algorithm !== SIGNATURE_ALGORITHM) return refuse(`signed with ${JSON.stringify(signature.algorithm)}; only ${SIGNATURE_ALGORITHM} is accepted`);
  const key = keySet.keys.find((k) => k.keyId === signature.keyId);
  if (!key) return refuse(`signed by key ${signature.keyId}, which the guarantor's key set (${keySet.guarantor}) does not hold`);
  if (key.guarantor !== keySet.guarantor) return refuse(`key ${key.keyId} is published for ${key.guarantor}, not for ${keySet.guarantor}`);
  if (key.algorithm !== SIGNATURE_ALGORITHM) return refuse(`key ${key.keyId} is published as ${JSON.stringify(key.algorithm)}; only ${SIGNATURE_ALGORITHM} is accepted`);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(key.publicKeyPem);
  } catch {
    return refuse(`key ${key.keyId} in the key set is not a readable public key`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519' || keyIdOf(key.publicKeyPem) !== key.keyId) return refuse(`key ${key.keyId} in the key set is not the Ed25519 key its id names`);
  const value = Buffer.from(signature.value, 'base64');
  if (value.length !== 64 || value.toString('base64') !== signature.value) return refuse('the signature value is not 64 bytes in base64');
  let bytes: Buffer;
  try {
    bytes = Buffer.from(canonicalJson(document), 'utf8');
  } catch (e) {
    return refuse(`the document has no canonical form: ${(e as Error).message}`);
  }
  if (!verify(null, bytes, publicKey, value)) return refuse('the signature does not match the document (altered, or signed by another key)');
  if (!isIsoTime(key.validFrom) || (key.retiredAt !== undefined && !isIsoTime(key.retiredAt))) return refuse(`key ${key.keyId} is published with malformed times`);
  if (Date.parse(at) < Date.parse(key.validFrom)) return refuse(`signed by key ${key.keyId} at ${at}, before it was in use (from ${key.validFrom})`);
  if (key.retiredAt !== undefined && Date.parse(at) >= Date.parse(key.retiredAt)) return refuse(`signed by key ${key.keyId} at ${at}, after it was retired on ${key.retiredAt}`);
  return { valid: true, keyId: key.keyId };
}

/**
 * Whether a certificate holds: a certificate of the key set's guarantor, signed by its keys while
 * in use and, when a status is given, that status signed by the same keys, about this very
 * certificate (its digest), and saying the guarantee is in force.
 */
export function verifyCertificate(certificate: Signed<unknown>, keySet: KeySet, status?: Signed<unknown>): CertificateVerification {
  const refuse = (reason: string) => ({ valid: false as const, reason });
  const problem = certificateProblem(certificate.document);
  if (problem) return refuse(problem);
  const document = certificate.document as GuaranteeCertificate;
  if (document.guarantor !== keySet.guarantor) return refuse(`the certificate is ${document.guarantor}'s; the key set is ${keySet.guarantor}'s`);
  const signature = verifySigned(certificate, keySet);
  if (!signature.valid) return signature;
  if (status !== undefined) {
    const malformed = statusProblem(status.document);
    if (malformed) return refuse(malformed);
    const statusSignature = verifySigned(status, keySet);
    if (!statusSignature.valid) return refuse(`the status is not signed by the guarantor's keys: ${statusSignature.reason}`);
    const stated = status.document as CertificateStatus;
    if (stated.guaranteeId !== document.guaranteeId) return refuse(`the status is for another certificate (guarantee ${stated.guaranteeId})`);
    if (stated.certificateDigest !== certificateDigest(document)) return refuse('the status is for another certificate (its digest differs)');
    if (stated.status === 'claimed') return refuse(`the guarantee was claimed on ${stated.since}`);
    if (stated.status === 'released') return refuse(`the guarantee was released on ${stated.since}`);
  }
  return { valid: true, guaranteeId: document.guaranteeId, keyId: signature.keyId };
}

export type SignedReading = { ok: true; signed: Signed<unknown> } | { ok: false; reason: string };

/** A signed document read from its JSON text, or why the text is not one. Does not verify it. */
export function parseSignedDocument(text: string): SignedReading {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return refuse(`not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(value)) return refuse('not a signed document: expected an object with a document and a signature');
  const { document, signature } = value;
  if (!isRecord(document)) return refuse('not a signed document: it has no document object');
  if (!isRecord(signature)) return refuse('not a signed document: it has no signature object');
  const missing = (['algorithm', 'keyId', 'value'] as const).filter((f) => typeof signature[f] !== 'string');
  if (missing.length) return refuse(`the signature lacks ${missing.join(', ')} (or they are not strings)`);
  const extra = Object.keys(value).filter((k) => k !== 'document' && k !== 'signature');
  if (extra.length) return refuse(`not a signed document: unexpected ${extra.join(', ')} beside the document and the signature`);
  return { ok: true, signed: { document, signature: { algorithm: signature.algorithm as SignatureAlgorithm, keyId: signature.keyId as string, value: signature.value as string } } };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function signedAtOf(document: unknown): string | null {
  if (!isRecord(document)) return null;
  const at = document.kind === CERTIFICATE_KIND ? document.issuedAt : document.kind === STATUS_KIND ? document.statedAt : undefined;
  return isIsoTime(at) ? at : null;
}

function ed25519Private(privateKeyPem: string): KeyObject {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 private key (${key.asymmetricKeyType})`);
  return key;
}

const publicPemOf = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }).toString();
