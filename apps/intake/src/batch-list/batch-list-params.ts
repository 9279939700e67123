import { WholeNumber } from '@g2g/platform';

/** `GET /banks/{bank}/{kind}`: how many of the latest batches. */
export class BatchListParams {
  @WholeNumber(1, 500)
  limit = 50;
}
