/**
 * An operator registered a participant (or a new version of one). Key: the participant code.
 */
export const participantRegisteredV1 = {
  topic: 'g2g.underwriting.participant-registered.v1',
  version: 1,
  key: (v: ParticipantRegisteredV1) => v.code,
} as const;

export type ParticipantKindV1 = 'bank' | 'guarantor' | 'reguarantor' | 'fund' | 'regulator' | 'operator';

export interface ParticipantRegisteredV1 {
  code: string;
  kind: ParticipantKindV1;
  name: string;
  /** guarantors: net assets in fen (decimal string), for leverage */
  netAssetsFen: string | null;
  effectiveFrom: string;
  registeredAt: string;
}
