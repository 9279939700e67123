import { ReleaseRemindersV1, breakerApproachedV1, releaseReminderV1, releaseRemindersV1 } from '@g2g/contracts';
import { render } from './feed.controller';

const reminders: ReleaseRemindersV1 = {
  bank: 'ICBC',
  remindedOn: '2026-01-11',
  recordedAt: '2026-01-10T16:00:01.000Z',
  reminders: [
    { guaranteeId: 'ICBC/L1', loanId: 'L1', programme: 'P', guarantor: 'BJ-GUOHUA', maturesOn: '2026-01-10', dueOn: '2026-01-11', daysPastMaturity: 1, outstandingFen: '100000000' },
    { guaranteeId: 'ICBC/L2', loanId: 'L2', programme: 'Q', guarantor: 'SD-GUAR', maturesOn: '2026-01-10', dueOn: '2026-01-11', daysPastMaturity: 1, outstandingFen: '50000000' },
  ],
};
const keys = (participant: string, type: string, data: unknown) => render(participant, 7n, type, data, '2026-01-10T16:00:01.000Z').map((m) => `${m.seq} ${m.topic} ${m.key}`);

describe('who reads a release reminder and an early warning in its feed', () => {
  it('the bank reads every reminder of its own message, one per guarantee', () => {
    expect(keys('ICBC', releaseRemindersV1.topic, reminders)).toEqual([`70000 ${releaseReminderV1.topic} ICBC/L1`, `70001 ${releaseReminderV1.topic} ICBC/L2`]);
    const [m] = render('ICBC', 7n, releaseRemindersV1.topic, reminders, 'x');
    expect(m.value).toEqual({ ...reminders.reminders[0], bank: 'ICBC', remindedOn: '2026-01-11', recordedAt: '2026-01-10T16:00:01.000Z' });
  });

  it('a guarantor reads only the reminders of its guarantees; another bank or a re-guarantor none', () => {
    expect(keys('SD-GUAR', releaseRemindersV1.topic, reminders)).toEqual([`70001 ${releaseReminderV1.topic} ICBC/L2`]);
    expect(keys('BOC', releaseRemindersV1.topic, reminders)).toEqual([]);
    expect(keys('BJ-REG', releaseRemindersV1.topic, reminders)).toEqual([]);
  });

  it('a warning reaches its recipients only', () => {
    const w = { programme: 'P', lossRatio: '0.0240000000', warningPct: '2.4', breakerPct: '3', guaranteeId: 'ICBC/L3', warnedOn: '2026-01-20', recordedAt: 'x', recipients: [{ role: 'guarantor', participant: 'BJ-GUOHUA' }, { role: 'regulator', participant: 'NFRA' }] };
    expect(keys('NFRA', breakerApproachedV1.topic, w)).toEqual([`70000 ${breakerApproachedV1.topic} P`]);
    expect(keys('ICBC', breakerApproachedV1.topic, w)).toEqual([]);
  });
});
