export * from './risk-inputs';
export * from './risk-rules';
export * from './risk-model';
export * from './risk-ledger';
export * from './train';
export * from './backtest';
export { RISK_MODEL, RISK_MODELS } from './models';
