import { createHash } from 'node:crypto';
import { GuaranteeIssuedV1, GuaranteePartyV1 } from '@g2g/contracts';
import { isValidDate } from '@g2g/domain';
import { canonicalJson } from './canonical';

/**
 * A guarantee certificate: what the guarantor states it guarantees, as a document a bank, a
 * borrower or an auditor can keep and check without the platform (signing.ts signs and checks it).
 * It holds the terms the guarantee was issued under, taken from its `guarantee-issued.v1` event,
 * and names that event, so that the certificate can be traced back to the log.
 */
export const CERTIFICATE_KIND = 'g2g.guarantee-certificate';
export const STATUS_KIND = 'g2g.guarantee-status';

/** A party of the guarantee and its part, as the issued event states it. */
export type CertificateParty = GuaranteePartyV1;

/** The fields of a `guarantee-issued.v1` event a certificate is made of (the event carries more). */
export type IssuedGuarantee = Pick<
  GuaranteeIssuedV1,
  | 'guaranteeId'
  | 'bank'
  | 'loanId'
  | 'batchRef'
  | 'row'
  | 'programme'
  | 'programmeVersion'
  | 'borrower'
  | 'principalFen'
  | 'interestRatePct'
  | 'guaranteeFeeRatePct'
  | 'guaranteeFeeFen'
  | 'disbursedOn'
  | 'maturesOn'
  | 'issuedOn'
  | 'parties'
>;

export interface GuaranteeCertificate extends IssuedGuarantee {
  kind: typeof CERTIFICATE_KIND;
  version: 1;
  /** participant code of the party with role `guarantor`: whose keys sign the certificate */
  guarantor: string;
  source: CertificateSource;
  /** when the certificate was made (ISO time): the key that signs it must be in use then */
  issuedAt: string;
}

/** The event a certificate was made from: its log (schema) and its global position (a decimal string). */
export interface CertificateSource {
  schema: string;
  position: string;
}

const FEN = /^(0|[1-9][0-9]*)$/;
const POSITION = /^(0|[1-9][0-9]*)$/;
const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

/** An ISO 8601 time with its offset (`2026-01-05T08:00:00Z`) that names a real instant. */
export function isIsoTime(text: unknown): text is string {
  return typeof text === 'string' && ISO_TIME.test(text) && isValidDate(text.slice(0, 10)) && Number.isFinite(Date.parse(text));
}

/**
 * The certificate of an issued guarantee. Only the fields above are copied, each field by name, so
 * that what the event gains later (and what it carries for the platform only, like its province or
 * lists) is not signed by accident. Throws when the event has not exactly one guarantor party (the
 * split rules allow no other) or when an amount, the source or the time is malformed.
 */
export function certificateOf(issued: IssuedGuarantee, source: CertificateSource, issuedAt: string): GuaranteeCertificate {
  const guarantors = issued.parties.filter((p) => p.role === 'guarantor');
  if (guarantors.length !== 1) throw new Error(`guarantee ${issued.guaranteeId} has ${guarantors.length} guarantor parties, not one: no certificate can name its guarantor`);
  for (const [field, fen] of [
    ['principalFen', issued.principalFen],
    ['guaranteeFeeFen', issued.guaranteeFeeFen],
    ...issued.parties.map((p, i) => [`parties[${i}].riskFen`, p.riskFen]),
  ]) {
    if (!FEN.test(fen)) throw new Error(`guarantee ${issued.guaranteeId}: ${field} ${JSON.stringify(fen)} is not integer fen`);
  }
  if (!POSITION.test(source.position)) throw new Error(`certificate source position ${JSON.stringify(source.position)} is not a decimal global position`);
  if (!isIsoTime(issuedAt)) throw new Error(`certificate issuedAt ${JSON.stringify(issuedAt)} is not an ISO time with an offset`);
  const { idType, id, name, type } = issued.borrower;
  return {
    kind: CERTIFICATE_KIND,
    version: 1,
    guaranteeId: issued.guaranteeId,
    bank: issued.bank,
    loanId: issued.loanId,
    batchRef: issued.batchRef,
    row: issued.row,
    programme: issued.programme,
    programmeVersion: issued.programmeVersion,
    borrower: { idType, id, name, type },
    principalFen: issued.principalFen,
    interestRatePct: issued.interestRatePct,
    guaranteeFeeRatePct: issued.guaranteeFeeRatePct,
    guaranteeFeeFen: issued.guaranteeFeeFen,
    disbursedOn: issued.disbursedOn,
    maturesOn: issued.maturesOn,
    issuedOn: issued.issuedOn,
    parties: issued.parties.map(({ role, participant, sharePct, riskFen }) => ({ role, participant, sharePct, riskFen })),
    guarantor: guarantors[0].participant,
    source: { schema: source.schema, position: source.position },
    issuedAt,
  };
}

export type GuaranteeStanding = 'in-force' | 'released' | 'claimed';
export const GUARANTEE_STANDINGS: readonly GuaranteeStanding[] = ['in-force', 'released', 'claimed'];

/**
 * What the guarantor states of a certificate at a time: still in force, or released (repaid) or
 * claimed on a business date. A certificate alone says only that the guarantee was issued; the
 * status, signed by the same keys and bound to the certificate by its digest, says whether it
 * still holds.
 */
export interface CertificateStatus {
  kind: typeof STATUS_KIND;
  version: 1;
  guaranteeId: string;
  status: GuaranteeStanding;
  /** the business date it was released or claimed on; null while in force */
  since: string | null;
  /** sha256 (hex) of the certificate's canonical JSON */
  certificateDigest: string;
  statedAt: string;
}

/** sha256 (lower-case hex) of the document's canonical JSON, UTF-8. */
export function certificateDigest(certificate: GuaranteeCertificate): string {
  return createHash('sha256').update(canonicalJson(certificate), 'utf8').digest('hex');
}

/** The status of a certificate. Throws when `since` does not fit it (a date unless in force). */
export function statusOf(certificate: GuaranteeCertificate, status: GuaranteeStanding, since: string | null, statedAt: string): CertificateStatus {
  const problem = sinceProblem(status, since);
  if (problem) throw new Error(`status of ${certificate.guaranteeId}: ${problem}`);
  if (!isIsoTime(statedAt)) throw new Error(`status statedAt ${JSON.stringify(statedAt)} is not an ISO time with an offset`);
  return { kind: STATUS_KIND, version: 1, guaranteeId: certificate.guaranteeId, status, since, certificateDigest: certificateDigest(certificate), statedAt };
}

function sinceProblem(status: GuaranteeStanding, since: unknown): string | null {
  if (status === 'in-force') return since === null ? null : 'since must be null while the guarantee is in force';
  return typeof since === 'string' && isValidDate(since) ? null : `since must be the date (YYYY-MM-DD) it was ${status}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const CERTIFICATE_STRINGS = [
  'guaranteeId', 'bank', 'loanId', 'batchRef', 'programme', 'programmeVersion', 'principalFen', 'interestRatePct',
  'guaranteeFeeRatePct', 'guaranteeFeeFen', 'disbursedOn', 'maturesOn', 'issuedOn', 'guarantor',
] as const;

/**
 * Why a parsed document is not a certificate of this version, or null. A signature binds any
 * document its key signed; this says the document is one a verifier may read as a certificate.
 */
export function certificateProblem(document: unknown): string | null {
  if (!isRecord(document) || document.kind !== CERTIFICATE_KIND) return 'not a guarantee certificate';
  if (document.version !== 1) return `a guarantee certificate of version ${JSON.stringify(document.version)}; only version 1 is read`;
  const missing = CERTIFICATE_STRINGS.filter((f) => !isString(document[f]));
  if (missing.length) return `the certificate lacks ${missing.join(', ')} (or they are not strings)`;
  if (!Number.isSafeInteger(document.row)) return 'the certificate has no row number';
  const b = document.borrower;
  if (!isRecord(b) || ![b.idType, b.id, b.name, b.type].every(isString)) return 'the certificate has no borrower';
  const parties = document.parties;
  if (!Array.isArray(parties) || !parties.every((p) => isRecord(p) && [p.role, p.participant, p.sharePct, p.riskFen].every(isString))) return 'the certificate has no parties';
  const guarantors = parties.filter((p) => p.role === 'guarantor');
  if (guarantors.length !== 1 || guarantors[0].participant !== document.guarantor) return 'the certificate names a guarantor that is not its one guarantor party';
  if (!isRecord(document.source) || !isString(document.source.schema) || !isString(document.source.position)) return 'the certificate does not name the event it came from';
  if (!isIsoTime(document.issuedAt)) return 'the certificate has no issuedAt time';
  return null;
}

/** Why a parsed document is not a status of this version, or null. */
export function statusProblem(document: unknown): string | null {
  if (!isRecord(document) || document.kind !== STATUS_KIND) return 'not a guarantee status';
  if (document.version !== 1) return `a guarantee status of version ${JSON.stringify(document.version)}; only version 1 is read`;
  if (!isString(document.guaranteeId)) return 'the status names no guarantee';
  if (!GUARANTEE_STANDINGS.includes(document.status as GuaranteeStanding)) return `the status ${JSON.stringify(document.status)} is none of ${GUARANTEE_STANDINGS.join(', ')}`;
  const since = sinceProblem(document.status as GuaranteeStanding, document.since);
  if (since) return `the status is malformed: ${since}`;
  if (!isString(document.certificateDigest) || !/^[0-9a-f]{64}$/.test(document.certificateDigest)) return 'the status has no certificate digest';
  if (!isIsoTime(document.statedAt)) return 'the status has no statedAt time';
  return null;
}
