import { TransactionSpan, transactionNumbers } from './backup';

const span = (transactionId: string, log: string, low: number, high = low): TransactionSpan => ({ transactionId, log, low: BigInt(low), high: BigInt(high) });

describe('transaction numbers of a backup', () => {
  it('gives transactions that write in position order one number', () => {
    const n = transactionNumbers([span('900', 'a.events', 1, 3), span('905', 'a.events', 4, 9), span('907', 'b.events', 1), span('910', 'a.outbox', 1)]);
    expect(n.count).toBe(1);
    expect(['900', '905', '907', '910'].map(n.of)).toEqual([1, 1, 1, 1]);
  });

  it('starts a new number where a later transaction wrote below an earlier one in the same log', () => {
    // 905 took its id first and wrote position 7 after 906 wrote 5 and 6
    const n = transactionNumbers([span('906', 'a.events', 5, 6), span('905', 'a.events', 7), span('900', 'a.events', 1, 4), span('908', 'a.events', 8)]);
    expect(['900', '905', '906', '908'].map(n.of)).toEqual([1, 1, 2, 2]);
    expect(n.count).toBe(2);
  });

  it('compares positions within one log only: a low position in another log is no reason', () => {
    const n = transactionNumbers([span('900', 'a.events', 10), span('901', 'b.events', 1), span('902', 'a.outbox', 1)]);
    expect(n.count).toBe(1);
  });

  it('orders transaction ids as numbers, not as text', () => {
    const n = transactionNumbers([span('1000', 'a.events', 2), span('999', 'a.events', 1)]);
    expect(n.count).toBe(1);
    expect([n.of('999'), n.of('1000')]).toEqual([1, 1]);
  });

  it('keeps a checkpoint at its row; one at no transaction of the logs, or the start, reads from the start', () => {
    const n = transactionNumbers([span('900', 'a.events', 2), span('901', 'a.events', 1)]);
    expect(n.checkpoint('901', '1')).toEqual([2, '1']);
    expect(n.checkpoint('0', '0')).toEqual([0, '0']);
    expect(n.checkpoint('12345', '9')).toEqual([0, '0']);
  });
});
