import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';

describe('g2g reminders run', () => {
  it('an operator sends the reminders of a date: the date travels as on, to compensation', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op', G2G_COMPENSATION_URL: 'http://comp:8084' },
      fetch: fakeFetch({ 'POST /reminders/run': () => ({ status: 200, body: { reminded_on: '2026-02-09', reminders: 1234, messages: 3 } }) }, calls),
    });
    expect(await run(['reminders', 'run', '--on', '2026-02-09'], io)).toBe(0);
    expect(calls[0].url).toBe('http://comp:8084/reminders/run');
    expect(calls[0].headers.authorization).toBe('Bearer op');
    expect(JSON.parse(calls[0].body!)).toEqual({ on: '2026-02-09' });
    expect(io.stdout()).toBe("release reminders of 2026-02-09: 1,234 sent to the banks' and guarantors' feeds (3 messages)\n");
  });

  it('a date already sent says so; without --on the service chooses the date', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'POST /reminders/run': () => ({ status: 200, body: { reminded_on: '2026-12-08', reminders: 0, messages: 0 } }) }, calls),
    });
    expect(await run(['reminders', 'run'], io)).toBe(0);
    expect(JSON.parse(calls[0].body!)).toEqual({});
    expect(io.stdout()).toBe('release reminders of 2026-12-08: none due (or every one already sent)\n');
  });

  it('a date that is not YYYY-MM-DD is a usage mistake', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['reminders', 'run', '--on', '9/2/2026'], io)).toBe(2);
    expect(io.stderr()).toContain('--on must be a date YYYY-MM-DD');
  });
});
