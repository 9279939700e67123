import { Worker } from 'node:worker_threads';

/**
 * Asks `url` every 100 ms, on a thread of its own, how long it takes to answer: the test's own work
 * on its main thread (building or scanning a large body) does not count as the server's wait. A
 * connection the server dropped while it answered nobody counts as that long a wait.
 */
export function probeResponsiveness(url: string): { stop(): Promise<{ slowestMs: number; probes: number }> } {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    let running = true;
    let slowestMs = 0;
    let probes = 0;
    parentPort.on('message', () => { running = false; });
    (async () => {
      while (running) {
        const started = performance.now();
        await fetch(workerData.url).then((r) => r.arrayBuffer()).catch(() => undefined);
        slowestMs = Math.max(slowestMs, performance.now() - started);
        probes++;
        await new Promise((r) => setTimeout(r, 100));
      }
      parentPort.postMessage({ slowestMs: Math.round(slowestMs), probes });
    })();
    `,
    { eval: true, workerData: { url } },
  );
  const result = new Promise<{ slowestMs: number; probes: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}
