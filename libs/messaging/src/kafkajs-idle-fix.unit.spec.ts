import { installKafkajsIdleFix, kafkajsRequestQueue } from './kafkajs-idle-fix';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const made: { throttleCheckTimeoutId: NodeJS.Timeout | null }[] = [];
const queue = () => {
  const q = new kafkajsRequestQueue({ instrumentationEmitter: { emit: () => undefined }, maxInFlightRequests: 1, requestTimeout: 1_000, enforceRequestTimeout: true, clientId: 't', broker: 'b', logger, isConnected: () => true });
  made.push(q);
  return q;
};

describe("kafkajs's request queue", () => {
  beforeAll(() => installKafkajsIdleFix());
  // the queues here have no socket: a timer left armed would fire into a request that cannot send
  afterEach(() => {
    for (const q of made.splice(0)) if (q.throttleCheckTimeoutId) clearTimeout(q.throttleCheckTimeoutId);
  });

  it('arms no timer when nothing waits and nothing holds it back', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('checks again later when a request waits, or while the broker throttles it', () => {
    const waiting = queue();
    waiting.pending.push({ send: () => undefined });
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();

    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
