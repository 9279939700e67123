import { BacktestFigures, RISK_FEATURES, RISK_MODEL, RISK_MODELS, RiskModel, trainRiskModel } from '@g2g/domain';
import { LOAN_ROW_FIELDS } from '@g2g/domain';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultDependence, generatePortfolio, portfolioServicingCsv } from '../../apps/cli/src/generate/generate-portfolio';
import { backtestFacts, backtestPortfolio, examplesOf, trainOnPortfolio } from '../../apps/cli/src/generate/portfolio-backtest';
import { compensationRiskHistory } from '../../apps/compensation/src/risk-labels/risk-history-source';

/**
 * npm run risk:train -- [--database URL | --loans N --seed S --defaults dependent] --version V --out FILE
 *   trains the logistic model on a history: compensation's event log in a PostgreSQL database
 *   (distributed mode), or a synthetic portfolio; writes the model file.
 * npm run backtest -- [--database URL | --loans N --seed S --defaults dependent|independent] [--model V]
 *   replays the history and says how well the model would have ranked the claims that came later.
 * npm run risk:portfolio -- --loans N --seed S --defaults dependent|independent --out DIR [--bank B] [--cohorts C]
 *   writes a generated portfolio as the files a bank would send: per monthly cohort its loan batch,
 *   the claims of the loans that default and the repayments of the others.
 */

function flags(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith('--')) m.set(argv[i].slice(2), argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
  return m;
}

const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const report = (what: string, f: BacktestFigures) =>
  `${what}: ${f.guarantees} guarantees, ${f.claims} claimed later; AUC ${f.auc === null ? 'n/a' : f.auc.toFixed(3)}, top decile holds ${percent(f.topDecileClaimShare)} of the claims`;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const f = flags(rest);
  const database = f.get('database');
  const loans = Number(f.get('loans') ?? 20000);
  const seed = Number(f.get('seed') ?? 1);
  const defaults = (f.get('defaults') ?? 'dependent') as DefaultDependence;
  const cohorts = f.has('cohorts') ? Number(f.get('cohorts')) : undefined;
  if (defaults !== 'dependent' && defaults !== 'independent') throw new Error('--defaults is dependent or independent');
  if (command === 'train') {
    const version = f.get('version') ?? 'g2g-risk-next';
    let model: RiskModel;
    if (database) {
      const h = await compensationRiskHistory(database);
      model = trainRiskModel(examplesOf(h.facts, h.limitsOf), { version, seed, source: `compensation's event log (${h.events} events)` });
    } else {
      model = trainOnPortfolio(generatePortfolio({ loans, bank: 'ICBC', seed, defaults, cohorts }), { version, seed, source: `g2g generate portfolio: ${loans} loans, seed ${seed}, ${defaults} defaults` });
    }
    const out = resolve(f.get('out') ?? `libs/domain/src/risk/models/${version}.json`);
    writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
    console.log(`trained ${version} on ${model.trainedOn.guarantees} guarantees (${model.trainedOn.claims} claimed), wrote ${out}`);
    console.log(RISK_FEATURES.map((name, j) => `  ${name.padEnd(22)} ${model.weights[j].toFixed(6)}`).join('\n'));
    return;
  }
  if (command === 'backtest') {
    const version = f.get('model') ?? RISK_MODEL.version;
    const model = RISK_MODELS.get(version);
    if (!model) throw new Error(`no model ${version}; the committed ones: ${[...RISK_MODELS.keys()].join(', ')}`);
    if (database) {
      const h = await compensationRiskHistory(database);
      console.log(report(`model ${version} on compensation's event log (${h.events} events)`, backtestFacts(h.facts, model, h.limitsOf)));
    } else {
      const p = generatePortfolio({ loans, bank: 'ICBC', seed, defaults, cohorts });
      console.log(report(`model ${version} on a generated portfolio (${loans} loans, seed ${seed}, ${defaults} defaults)`, backtestPortfolio(p, model)));
    }
    return;
  }
  if (command === 'portfolio') {
    // the portfolio as files a bank would send: each cohort's batch, then its claims and repayments
    const out = resolve(f.get('out') ?? 'portfolio');
    mkdirSync(out, { recursive: true });
    const bank = f.get('bank') ?? 'ICBC';
    const p = generatePortfolio({ loans, bank, seed, defaults, cohorts });
    for (const b of p.batches) {
      const rows = b.rows.map((r) => LOAN_ROW_FIELDS.map((name) => r.values[name] ?? '').join(','));
      writeFileSync(join(out, `${b.batchRef}.csv`), `${[LOAN_ROW_FIELDS.join(','), ...rows].join('\n')}\n`);
      const servicing = portfolioServicingCsv({ batches: [b], loans: p.loans.filter((l) => l.batchRef === b.batchRef) });
      writeFileSync(join(out, `${b.batchRef}-claims.csv`), servicing.claims);
      writeFileSync(join(out, `${b.batchRef}-repayments.csv`), servicing.repayments);
    }
    console.log(`wrote ${p.batches.length} cohorts of ${bank} loans (${p.loans.length} the demo programme issues, ${p.loans.filter((l) => l.claim).length} of them defaulting) to ${out}`);
    return;
  }
  throw new Error('usage: risk train|backtest|portfolio [options]');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
