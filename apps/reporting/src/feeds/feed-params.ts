import { SequenceNumber, WholeNumber } from '@g2g/platform';

/** `GET /feed?after=&limit=`: the cursor (the `seq` of the last message read, 0 from the start) and the page size. */
export class FeedParams {
  @WholeNumber(1, 5_000)
  limit = 500;

  @SequenceNumber()
  after = 0n;
}
