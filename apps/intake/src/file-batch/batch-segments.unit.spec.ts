import { HttpException } from '@nestjs/common';
import { BatchResultsController } from '../batch-results/batch-results.controller';
import { RowsParams } from '../batch-results/rows-params';
import { BatchController } from './batch.controller';

// The batch kind is the path segment of `/banks/{bank}/{segment}/{ref}`: batches, repayments,
// claims or recoveries. A segment that names a property every JavaScript object has (constructor,
// __proto__, toString, ...) is no batch kind either: 400 UNKNOWN_BATCH_KIND, and nothing is filed
// or looked up (it was taken for a kind, reached the database and answered 500).

const OBJECT_PROPERTIES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const caller = { code: 'ICBC', kind: 'bank' as const, keyId: '0000000000000000' };

async function statusOf(run: () => Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    await run();
    return { status: 200 };
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), code: (error.getResponse() as { code?: string }).code };
    throw error;
  }
}

describe('a path segment named like a property of every object', () => {
  it('is told apart from the kinds, which are filed, and from other names, which are refused', async () => {
    const filing = { file: jest.fn(async () => ({ kind: 'filed', summary: {} })) };
    const controller = new BatchController(filing as never);
    const req = { resume: () => undefined, complete: true, destroy: () => undefined };
    const res = { once: () => undefined, setHeader: () => undefined, status: () => undefined };
    expect(await statusOf(() => controller.file('ICBC', 'repayments', 'ref-1', undefined, 'csv', 'text/csv', caller, req as never, res as never))).toEqual({ status: 200 });
    expect(filing.file).toHaveBeenCalledTimes(1);
    expect(await statusOf(() => controller.file('ICBC', 'loans', 'ref-1', 'P1', 'csv', 'text/csv', caller, req as never, res as never))).toEqual({ status: 400, code: 'UNKNOWN_BATCH_KIND' });
  });

  it.each(OBJECT_PROPERTIES)('%s is refused as an upload, before anything is filed', async (segment) => {
    const filing = { file: jest.fn(async () => ({ kind: 'filed', summary: {} })) };
    const controller = new BatchController(filing as never);
    const req = { resume: () => undefined, complete: true, destroy: () => undefined };
    const res = { once: () => undefined, setHeader: () => undefined, status: () => undefined };
    const answer = await statusOf(() => controller.file('ICBC', segment, 'ref-1', 'P1', 'csv', 'text/csv', caller, req as never, res as never));
    expect(answer).toEqual({ status: 400, code: 'UNKNOWN_BATCH_KIND' });
    expect(filing.file).not.toHaveBeenCalled();
  });

  it.each(OBJECT_PROPERTIES)('%s is refused as a read of a batch or of its rows', async (segment) => {
    const db = { query: jest.fn(async () => []) };
    const filing = { summary: jest.fn(async () => null) };
    const controller = new BatchResultsController(db as never, filing as never);
    expect(await statusOf(() => controller.summary('ICBC', segment, 'ref-1', caller))).toEqual({ status: 400, code: 'UNKNOWN_BATCH_KIND' });
    expect(await statusOf(() => controller.rows('ICBC', segment, 'ref-1', new RowsParams(), caller))).toEqual({ status: 400, code: 'UNKNOWN_BATCH_KIND' });
    expect(db.query).not.toHaveBeenCalled();
    expect(filing.summary).not.toHaveBeenCalled();
  });
});
