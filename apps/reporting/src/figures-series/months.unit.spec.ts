import { monthsOf } from './figures-series';

describe('the months of a period', () => {
  it('each with the part of the period that falls in it', () => {
    expect(monthsOf('2024-12-15', '2025-03-10')).toEqual([
      { month: '2024-12', from: '2024-12-15', to: '2024-12-31' },
      { month: '2025-01', from: '2025-01-01', to: '2025-01-31' },
      { month: '2025-02', from: '2025-02-01', to: '2025-02-28' },
      { month: '2025-03', from: '2025-03-01', to: '2025-03-10' },
    ]);
  });

  it('one month for a period within it, and leap Februaries', () => {
    expect(monthsOf('2024-02-03', '2024-02-29')).toEqual([{ month: '2024-02', from: '2024-02-03', to: '2024-02-29' }]);
    expect(monthsOf('2024-02-01', '2024-03-01').map((m) => m.to)).toEqual(['2024-02-29', '2024-03-01']);
  });
});
