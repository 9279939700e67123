import { Writable } from 'node:stream';
import { BackupWriter } from './backup-file';

describe('writing a backup', () => {
  it('gives up, instead of waiting for ever, when the client goes away mid-way', async () => {
    // a client that reads a little and hangs up: the HTTP response closes without finishing
    let received = 0;
    const client = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > 4096) this.destroy();
        else setTimeout(done, 1);
      },
    });
    const writer = new BackupWriter(client);
    const writing = (async () => {
      await writer.header({ takenAt: '2026-12-08T00:00:00.000Z', mode: 'embedded', transactions: 0, schemas: [] });
      await writer.begin('intake', 'events', ['data']);
      // incompressible enough that gzip passes bytes on as they come
      for (let i = 0; i < 20_000; i++) await writer.row([`${i}-${Math.random().toString(36)}-${Math.random().toString(36)}`]);
      return writer.finish();
    })();
    await expect(writing).rejects.toThrow(/premature close|destroyed/i);
  }, 10_000);
});
