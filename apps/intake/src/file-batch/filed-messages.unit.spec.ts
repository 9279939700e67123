import { validateLoanRow } from '@g2g/domain';
import { VALID_LOAN_ROW } from '../../../../libs/domain/src/loan-row.fixture';
import { columnsOfLoans } from './batch-kinds';

// Rates are digits[.d{1,4}] and money digits[.d[d]]: zeros in front are allowed ("01000.00" is
// fine), however many, up to the length of a row (1 MiB). A valid row goes into its chunk's loans-filed message,
// relayed to Kafka, whose broker takes nothing above 1 MB: what the message carries must be the
// value, not the digits as written, or one valid row makes a message no broker takes (and the
// relay, retrying it, holds up every message after it).

const size = (fields: Record<string, string>) => {
  const checked = validateLoanRow({ ...VALID_LOAN_ROW, ...fields });
  if (!checked.ok) throw new Error(`not valid: ${checked.errors.map((e) => e.code).join(', ')}`);
  const columns = columnsOfLoans([{ row: 1, loanId: checked.row.loanId, value: checked.row }]);
  const message = { interestRatePct: columns.interestRatePct[0], guaranteeFeeRatePct: columns.guaranteeFeeRatePct[0], principalFen: columns.principalFen[0] };
  return { bytes: Buffer.byteLength(JSON.stringify(columns)), message };
};

describe('the loans-filed columns of a valid row written with zeros in front', () => {
  const zeros = '0'.repeat(1_000_000);

  it('is as small as that of the same row written plainly', () => {
    const plain = size({});
    const padded = size({ interest_rate_pct: `${zeros}4.47`, guarantee_fee_rate_pct: `${zeros}0.62`, principal: `${zeros}1500000.00` });
    expect(padded.bytes).toBeLessThan(plain.bytes + 100);
  });

  it('carries the same rates', () => {
    const plain = size({}).message;
    const padded = size({ interest_rate_pct: `${zeros}4.47`, guarantee_fee_rate_pct: `${zeros}0.62` }).message;
    expect(Number(padded.interestRatePct)).toBe(Number(plain.interestRatePct));
    expect(Number(padded.guaranteeFeeRatePct)).toBe(Number(plain.guaranteeFeeRatePct));
    expect(padded.principalFen).toBe(plain.principalFen);
  });
});
