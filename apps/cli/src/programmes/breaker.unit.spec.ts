import { run } from '../cli';
import { Call, fakeFetch, fakeIo } from '../test-fakes';

describe('the programme breaker', () => {
  it('an operator resumes a suspended programme on a given date: the date travels as resumed_on', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op', G2G_UNDERWRITING_URL: 'http://uw:8082' },
      fetch: fakeFetch({ 'POST /programmes/NFGF-G2G-BJ-2025/resume': () => ({ status: 200, body: { programme: 'NFGF-G2G-BJ-2025', suspended: false, changed: true } }) }, calls),
    });
    expect(await run(['programmes', 'resume', 'NFGF-G2G-BJ-2025', '--on', '2025-10-01'], io)).toBe(0);
    expect(calls[0].url).toBe('http://uw:8082/programmes/NFGF-G2G-BJ-2025/resume');
    expect(calls[0].headers.authorization).toBe('Bearer op');
    expect(JSON.parse(calls[0].body!)).toEqual({ resumed_on: '2025-10-01' });
    expect(io.stdout()).toBe('programme NFGF-G2G-BJ-2025 resumed on 2025-10-01: it approves loans again\n');
  });

  it('resuming without --on sends no body (the server dates it); a programme that was not suspended is left as it was', async () => {
    const calls: Call[] = [];
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'POST /programmes/P/resume': () => ({ status: 200, body: { programme: 'P', suspended: false, changed: false } }) }, calls),
    });
    expect(await run(['programmes', 'resume', 'P'], io)).toBe(0);
    expect(calls[0].body).toBeUndefined();
    expect(io.stdout()).toBe('programme P was not suspended: nothing changed\n');
  });

  it('a resumption date that is not YYYY-MM-DD, or no programme at all, is a usage mistake', async () => {
    const io = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['programmes', 'resume', 'P', '--on', '1/10/2025'], io)).toBe(2);
    expect(io.stderr()).toContain('--on must be a date YYYY-MM-DD');
    const io2 = fakeIo({ env: { G2G_OPERATOR_KEY: 'op' } });
    expect(await run(['programmes', 'status'], io2)).toBe(2);
    expect(io2.stderr()).toContain('missing PROGRAMME');
  });

  it('status of a suspended programme says loans are rejected and how to resume it; --json is the answer as is', async () => {
    const fetch = fakeFetch({ 'GET /programmes/P/status': () => ({ status: 200, body: { programme: 'P', suspended: true } }) });
    const io = fakeIo({ env: { G2G_API_KEY: 'k-nfra' }, fetch });
    expect(await run(['programmes', 'status', 'P'], io)).toBe(0);
    expect(io.stdout()).toContain('programme P: suspended by its breaker; it approves no loan (PROGRAMME_SUSPENDED) until an operator resumes it (g2g programmes resume P)');
    const io2 = fakeIo({ env: { G2G_API_KEY: 'k-nfra' }, fetch });
    expect(await run(['programmes', 'status', 'P', '--json'], io2)).toBe(0);
    expect(JSON.parse(io2.stdout())).toEqual({ programme: 'P', suspended: true });
  });

  it('an unknown programme is the server refusing: its code, exit 1', async () => {
    const io = fakeIo({
      env: { G2G_OPERATOR_KEY: 'op' },
      fetch: fakeFetch({ 'GET /programmes/NOPE/status': () => ({ status: 404, body: { code: 'UNKNOWN_PROGRAMME', message: 'no programme NOPE' } }) }),
    });
    expect(await run(['programmes', 'status', 'NOPE'], io)).toBe(1);
    expect(io.stderr()).toBe('g2g programmes status: the platform answered 404 UNKNOWN_PROGRAMME: no programme NOPE\n');
  });
});
