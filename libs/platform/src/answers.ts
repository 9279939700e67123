import { SetMetadata } from '@nestjs/common';

const ANSWERS = 'g2g:answers';

/**
 * The statuses a route answers that its metadata does not already say: the refusals of its own
 * code (404 UNKNOWN_..., 409, 422, 503) and the successes it sets itself (an upload's 202). What
 * the metadata says is not repeated: the @HttpCode (or Nest's 200/201), 401 and 403 of @Allow,
 * the refusal of a validated input. docs/openapi.yaml lists exactly these for the route
 * (test/openapi.unit.spec.ts checks both).
 */
export const Answers = (...statuses: number[]): MethodDecorator => SetMetadata(ANSWERS, statuses);

export function answersOf(handler: object): readonly number[] {
  return Reflect.getMetadata(ANSWERS, handler) ?? [];
}
