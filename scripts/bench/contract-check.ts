import { ServicingDecidedV2, contractOf, guaranteesCededV2, loansDecidedV2, loansFiledV2, servicingDecidedV2, servicingFiledV2 } from '@g2g/contracts';
import { contractProblems } from '@g2g/messaging';
import { performance } from 'node:perf_hooks';
import { producedChunks } from './sample-chunks';

/**
 * What checking a consumed chunk against its contract costs, beside reading its JSON (which every
 * consumer but reporting's chunk keeper does anyway):
 *
 *   npm run --silent build && swc scripts/bench -d dist --config-file .swcrc --copy-files --quiet && node dist/scripts/bench/contract-check.js
 */

const RUNS = 200;

function median(f: () => unknown): number {
  for (let i = 0; i < 20; i++) f();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const chunks = producedChunks(1000, 20260105, 1000);
const claims = chunks.servicing.find((s) => s.kind === 'claim')!;
// compensation's answer to that claims chunk, every claim paid (built here: compensation decides against its database)
const party = (role: string, participant: string, amountFen: string) => ({ role, participant, amountFen });
const paid: ServicingDecidedV2 = {
  bank: claims.bank,
  batchRef: claims.batchRef,
  kind: 'claim',
  firstRow: claims.firstRow,
  decidedAt: '2026-01-05T08:00:01.000Z',
  row: claims.row,
  loanId: claims.loanId,
  codes: claims.row.map(() => []),
  repaid: [],
  recoveries: [],
  claims: claims.loanId.map((loanId, index) => {
    const parts = [party('bank', 'ICBC', '100000'), party('guarantor', 'BJ-GUOHUA', '200000'), party('reguarantor', 'BJ-REG', '100000'), party('fund', 'NFGF', '100000')];
    return {
      index, guaranteeId: `ICBC/${loanId}`, sequence: 2, programme: 'NFGF-G2G-BJ-2025', bank: 'ICBC', borrowerId: '91350100M000100Y43',
      overdueSince: '2025-06-01', claimedOn: '2025-09-01', unpaidPrincipalFen: '500000', unpaidInterestFen: '1200', claimAmountFen: '500000',
      parts, compensationFen: '400000', support: parts.slice(2), fundPaid: true, losses: parts, lossRatio: '0.0012345678', recordedAt: '2026-01-05T08:00:01.000Z',
    };
  }),
};

const cases: [string, string, unknown][] = [
  ['loans-filed.v2', loansFiledV2.topic, chunks.filed],
  ['loans-decided.v2', loansDecidedV2.topic, chunks.decided],
  ['guarantees-ceded.v2', guaranteesCededV2.topic, chunks.ceded],
  ['servicing-filed.v2 (claims)', servicingFiledV2.topic, claims],
  ['servicing-decided.v2 (claims paid)', servicingDecidedV2.topic, paid],
];

console.log(`node ${process.version}, median of ${RUNS} runs per chunk`);
console.log('message                              rows   bytes    first check (compiles)   JSON.parse   check');
for (const [name, topic, value] of cases) {
  const text = JSON.stringify(value);
  const rows = (value as { row?: number[]; loans?: { row: number[] }; guarantees?: { loanId: string[] } }).row?.length ?? (value as any).loans?.row.length ?? (value as any).guarantees.loanId.length;
  const start = performance.now();
  const first = contractProblems(topic, value);
  const compiled = performance.now() - start;
  if (first.problems.length > 0 || !contractOf(topic)) throw new Error(`${name} does not match its contract: ${first.problems.join('; ')}`);
  const parse = median(() => JSON.parse(text));
  const check = median(() => contractProblems(topic, value));
  console.log(`${name.padEnd(36)} ${String(rows).padStart(5)} ${String(text.length).padStart(8)} ${compiled.toFixed(1).padStart(12)} ms ${parse.toFixed(2).padStart(14)} ms ${check.toFixed(2).padStart(6)} ms`);
}
