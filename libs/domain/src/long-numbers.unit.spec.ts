import { validateLoanRow } from './loan-row';
import { VALID_LOAN_ROW } from './loan-row.fixture';

// A field may be as long as a row (1 MiB): a principal can be written with a million digits. It is
// above the limit (1,000,000,000,000 yuan) whatever the digits are, and saying so must not cost
// time in proportion to the square of its length: intake checks a chunk of 1,000 rows at once, and
// while it does it answers no other client (a million-digit principal took about 0.4 s to refuse,
// so a file of such rows held intake for minutes).

describe('a principal with a million digits', () => {
  it('is refused as too large at once', () => {
    const principal = '9'.repeat(1_000_000);
    const started = performance.now();
    const checked = validateLoanRow({ ...VALID_LOAN_ROW, principal });
    const elapsed = performance.now() - started;
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors.map((e) => e.code)).toEqual(['PRINCIPAL_TOO_LARGE']);
    expect(elapsed).toBeLessThan(100);
  });

  it('with two decimals, or zeros in front, is judged the same way', () => {
    for (const principal of [`${'9'.repeat(999_997)}.00`, `${'0'.repeat(999_990)}1500000.00`]) {
      const started = performance.now();
      const checked = validateLoanRow({ ...VALID_LOAN_ROW, principal });
      expect(performance.now() - started).toBeLessThan(100);
      expect(checked.ok).toBe(principal.startsWith('0'));
    }
  });
});
