import { Static, Type } from '@sinclair/typebox';
import { Day, Enum, Equal, Exact, Fen, SameType, Time } from '../schema';

export const PARTICIPANT_KINDS_V1 = ['bank', 'guarantor', 'reguarantor', 'fund', 'regulator', 'operator'] as const;
export type ParticipantKindV1 = (typeof PARTICIPANT_KINDS_V1)[number];

export const ParticipantRegisteredV1Schema = Exact({
  code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{0,31}$' }),
  kind: Enum(PARTICIPANT_KINDS_V1),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  netAssetsFen: Type.Union([Fen(), Type.Null()], { description: 'guarantors: net assets in fen, for leverage' }),
  effectiveFrom: Day(),
  registeredAt: Time(),
});

/**
 * An operator registered a participant (or a new version of one). Key: the participant code.
 */
export const participantRegisteredV1 = {
  topic: 'g2g.underwriting.participant-registered.v1',
  version: 1,
  key: (v: ParticipantRegisteredV1) => v.code,
  schema: ParticipantRegisteredV1Schema,
} as const;

export interface ParticipantRegisteredV1 {
  code: string;
  kind: ParticipantKindV1;
  name: string;
  /** guarantors: net assets in fen (decimal string), for leverage */
  netAssetsFen: string | null;
  effectiveFrom: string;
  registeredAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ParticipantRegisteredV1 = SameType<Equal<Static<typeof ParticipantRegisteredV1Schema>, ParticipantRegisteredV1>>;
