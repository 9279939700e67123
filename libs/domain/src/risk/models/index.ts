import { RiskModel, checkModel } from '../risk-model';
import model1 from './g2g-risk-1.json';

/**
 * The committed model files, by version. A new version is a new file (written by `npm run
 * risk:train`), never an edit: labels name the version that gave them, and a replay with a newer
 * one labels history again without touching any decision.
 */
export const RISK_MODELS: ReadonlyMap<string, RiskModel> = new Map([model1 as RiskModel].map((m) => [m.version, m]));
for (const m of RISK_MODELS.values()) checkModel(m);

/** The model new guarantees are labelled with. */
export const RISK_MODEL: RiskModel = RISK_MODELS.get('g2g-risk-1')!;
