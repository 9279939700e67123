import { Check, SequenceNumber, WholeNumber, problem } from '@g2g/platform';
import { IsOptional } from 'class-validator';

/** The names of the messages a feed carries, as `only` takes them. */
export const FEED_MESSAGE_NAMES = [
  'guarantee-issued',
  'guarantee-ceded',
  'claim-paid',
  'recovery-shared',
  'programme-suspended',
  'programme-resumed',
  'breaker-approached',
  'release-reminder',
  'risk-labelled',
] as const;

const namesOf = (text: string) =>
  text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

/** `GET /feed?after=&limit=&only=`: the cursor (the `seq` of the last message read, 0 from the start), the page size, and the messages wanted. */
export class FeedParams {
  @WholeNumber(1, 5_000)
  limit = 500;

  @SequenceNumber()
  after = 0n;

  @IsOptional()
  @Check(
    (only) => typeof only === 'string' && namesOf(only).length > 0 && namesOf(only).every((n) => (FEED_MESSAGE_NAMES as readonly string[]).includes(n)),
    problem('BAD_ONLY', `only: one or more of ${FEED_MESSAGE_NAMES.join(', ')}, comma-separated`),
  )
  only?: string;

  /** the message names asked for, null for all */
  names(): string[] | null {
    return this.only === undefined ? null : namesOf(this.only);
  }
}
