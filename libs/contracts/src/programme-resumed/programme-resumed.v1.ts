/** An operator resumed a suspended programme. Key: the programme id. */
export const programmeResumedV1 = {
  topic: 'g2g.underwriting.programme-resumed.v1',
  version: 1,
  key: (v: ProgrammeResumedV1) => v.programme,
} as const;

export interface ProgrammeResumedV1 {
  programme: string;
  resumedOn: string;
  recordedAt: string;
}
