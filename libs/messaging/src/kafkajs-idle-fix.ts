/**
 * kafkajs 2.2.4 (its last release) re-arms a timer in every connection's request queue after each
 * check, even with nothing pending and no throttling: with a negative delay, so each connection
 * spins at 1 ms for as long as it is open (kafkajs issues 1556 and 1704, fix proposed in pull
 * request 1667, never released). At rest that was 3-5 % of a core in every service and a good part
 * of the broker's load. This installs the proposed fix: a check is scheduled only when a request
 * waits, or when the broker asked the client to hold back; an answer and every new request check
 * the queue anyway. ADR 0011 says why the client is patched here rather than replaced.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue');

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

let installed = false;

export function installKafkajsIdleFix(): void {
  if (installed) return;
  installed = true;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: Queue) {
    if (this.throttleCheckTimeoutId) return;
    const throttledForMs = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && throttledForMs <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
}

/** For the test: the request queue class the fix is installed on. */
export const kafkajsRequestQueue = RequestQueue as new (options: Record<string, unknown>) => Queue & { scheduleCheckPendingRequests(): void };
