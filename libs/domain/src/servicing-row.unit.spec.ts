import { validateClaimRow, validateRecoveryRow, validateRepaymentRow } from './servicing-row';

describe('repayment, claim and recovery rows', () => {
  it('reads a repayment, trimming spaces and tabs', () => {
    expect(validateRepaymentRow({ loan_id: ' L1\t', amount: '1000.5', repaid_on: '2025-06-30' })).toEqual({
      ok: true,
      row: { loanId: 'L1', amountFen: 100050n, repaidOn: '2025-06-30' },
    });
  });

  it('refuses a repayment of nothing, a malformed amount and a date that does not exist, naming each field', () => {
    const zero = validateRepaymentRow({ loan_id: 'L1', amount: '0.00', repaid_on: '2025-02-29' });
    expect(zero).toEqual({
      ok: false,
      errors: [
        { code: 'AMOUNT_NOT_POSITIVE', field: 'amount', message: 'amount must be more than 0' },
        { code: 'MALFORMED_DATE', field: 'repaid_on', message: 'repaid_on 2025-02-29: a real date YYYY-MM-DD' },
      ],
    });
    expect(validateRepaymentRow({ loan_id: 'L1', amount: '1,000', repaid_on: '2025-06-30' })).toMatchObject({ ok: false, errors: [{ code: 'MALFORMED_MONEY' }] });
  });

  it('reads a claim; unpaid interest may be zero but unpaid principal may not', () => {
    expect(validateClaimRow({ loan_id: 'L1', overdue_since: '2025-01-01', claimed_on: '2025-04-01', unpaid_principal: '1000000.00', unpaid_interest: '0' })).toEqual({
      ok: true,
      row: { loanId: 'L1', overdueSince: '2025-01-01', claimedOn: '2025-04-01', unpaidPrincipalFen: 100000000n, unpaidInterestFen: 0n },
    });
    expect(validateClaimRow({ loan_id: 'L1', overdue_since: '2025-01-01', claimed_on: '2025-04-01', unpaid_principal: '0', unpaid_interest: '0' })).toMatchObject({
      ok: false,
      errors: [{ code: 'AMOUNT_NOT_POSITIVE', field: 'unpaid_principal' }],
    });
  });

  it('reports a missing field of a recovery', () => {
    expect(validateRecoveryRow({ loan_id: 'L1', amount: '5' })).toEqual({
      ok: false,
      errors: [{ code: 'MISSING_FIELD', field: 'recovered_on', message: 'recovered_on is missing' }],
    });
  });

  it('refuses an amount above the largest principal a loan may have, at once however many digits it has', () => {
    const repay = (amount: string) => validateRepaymentRow({ loan_id: 'L1', amount, repaid_on: '2025-06-30' });
    expect(repay('1000000000000.00')).toMatchObject({ ok: true, row: { amountFen: 100000000000000n } });
    expect(repay(`${'0'.repeat(1_000_000)}1.00`)).toMatchObject({ ok: true, row: { amountFen: 100n } });
    for (const amount of ['1000000000000.01', '99999999999999', `${'9'.repeat(1_048_540)}.00`]) {
      const started = performance.now();
      expect(repay(amount)).toMatchObject({ ok: false, errors: [{ code: 'AMOUNT_TOO_LARGE', field: 'amount' }] });
      expect(performance.now() - started).toBeLessThan(100);
    }
    const claim = validateClaimRow({ loan_id: 'L1', overdue_since: '2025-01-01', claimed_on: '2025-04-01', unpaid_principal: '1000.00', unpaid_interest: '2000000000000000000.00' });
    expect(claim).toMatchObject({ ok: false, errors: [{ code: 'AMOUNT_TOO_LARGE', field: 'unpaid_interest' }] });
  });
});
