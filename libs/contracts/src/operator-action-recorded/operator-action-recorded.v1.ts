import { Static, Type } from '@sinclair/typebox';
import { Equal, Exact, OpenName, SameType, Time } from '../schema';

/**
 * The actions recorded so far. A service that records a new kind of action adds its name here
 * (a consumer keeps any name it does not know as it is).
 */
export const OPERATOR_ACTIONS = [
  'participant-registered',
  'programme-published',
  'api-key-issued',
  'api-key-revoked',
  'programme-resumed',
  'release-reminders-run',
  'projections-rebuilt',
  'list-published',
] as const;

export type OperatorActionV1 = (typeof OPERATOR_ACTIONS)[number];

export const OperatorActionRecordedV1Schema = Exact({
  actionId: Type.String({ minLength: 1, description: 'unique per action, chosen by the service that recorded it' }),
  service: Type.String({ description: 'the service where it happened: the owner of the topic' }),
  // checked for its shape only: a consumer keeps an action it does not know as it is
  action: OpenName<OperatorActionV1>('^[a-z][a-z0-9-]*$', OPERATOR_ACTIONS),
  actor: Exact({
    participant: Type.String({ description: 'the caller\'s participant code; OPERATOR for the bootstrap operator key' }),
    keyId: Type.String({ pattern: '^[0-9a-f]{16}$', description: 'the id of the key the caller used (the first 16 hex digits of its SHA-256)' }),
  }),
  subject: Type.String({ description: 'what was acted on: a participant code, a programme id, `projections`' }),
  details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String()), Type.Null()]), {
    description: 'what the action changed, by action (docs/contracts.md)',
  }),
  recordedAt: Time(),
});

/**
 * An operator did something to the platform: who (the participant code of the caller, `OPERATOR`
 * for the bootstrap key, and the id of the key used), what, to what, and when. Any service
 * publishes its own operators' actions on its own topic, `g2g.{service}.operator-action-recorded.v1`;
 * reporting keeps the audit trail of them all. Key: the service, so one service's actions keep
 * their order.
 */
export const operatorActionRecordedV1 = {
  version: 1,
  topic: (service: string) => `g2g.${service.replaceAll('_', '-')}.operator-action-recorded.v1`,
  /** whether a topic (or an event type named after one) carries this message, whichever service owns it */
  carries: (topic: string) => /^g2g\.[a-z0-9-]+\.operator-action-recorded\.v1$/.test(topic),
  key: (v: OperatorActionRecordedV1) => v.service,
  schema: OperatorActionRecordedV1Schema,
} as const;

export interface OperatorActionRecordedV1 {
  /** unique per action, chosen by the service that recorded it */
  actionId: string;
  /** the service where it happened: the owner of the topic */
  service: string;
  action: OperatorActionV1;
  actor: {
    /** the caller's participant code; `OPERATOR` for the bootstrap operator key */
    participant: string;
    /** the id of the key the caller used (the first 16 hex digits of its SHA-256) */
    keyId: string;
  };
  /** what was acted on: a participant code, a programme id, `projections` */
  subject: string;
  /** what the action changed, by action (docs/contracts.md) */
  details: Record<string, string | number | boolean | string[] | null>;
  recordedAt: string;
}

// tsc fails here when the schema and the interface drift apart
type _OperatorActionRecordedV1 = SameType<Equal<Static<typeof OperatorActionRecordedV1Schema>, OperatorActionRecordedV1>>;
