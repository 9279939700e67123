import { Static, Type } from '@sinclair/typebox';
import { Day, Equal, Exact, SameType, Time } from '../schema';

export const ProgrammeResumedV1Schema = Exact({ programme: Type.String(), resumedOn: Day(), recordedAt: Time() });

/** An operator resumed a suspended programme. Key: the programme id. */
export const programmeResumedV1 = {
  topic: 'g2g.underwriting.programme-resumed.v1',
  version: 1,
  key: (v: ProgrammeResumedV1) => v.programme,
  schema: ProgrammeResumedV1Schema,
} as const;

export interface ProgrammeResumedV1 {
  programme: string;
  resumedOn: string;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _ProgrammeResumedV1 = SameType<Equal<Static<typeof ProgrammeResumedV1Schema>, ProgrammeResumedV1>>;
