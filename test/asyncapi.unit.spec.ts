import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { CONTRACTS } from '@g2g/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asyncApiYaml } from '../scripts/asyncapi/document';

// docs/asyncapi.yaml is generated from the contracts (npm run asyncapi) and committed: it must be
// a valid AsyncAPI 3.0 document, and what the generator makes of the contracts as they are now.

const root = join(__dirname, '..');
const committed = readFileSync(join(root, 'docs/asyncapi.yaml'), 'utf8');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0 document', async () => {
    const diagnostics = await new Parser().validate(committed);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
  }, 30_000);

  it('is what the generator makes of the contracts now (after a change to a contract: npm run asyncapi)', () => {
    expect(committed).toBe(asyncApiYaml(version));
  });

  it('has a channel for every published contract, at its topic, with its payload schema and version', () => {
    const doc = parse(committed);
    for (const c of CONTRACTS.filter((c) => c.published)) {
      const name = `${c.name}.v${c.version}`;
      expect([name, doc.channels[name]?.address]).toEqual([name, c.address]);
      expect(doc.components.messages[name]['x-contract-version']).toBe(c.version);
      expect(doc.components.schemas[name]).toEqual(JSON.parse(JSON.stringify(c.schema)));
    }
    expect(doc.channels['dead-letter.v1'].address).toBe('g2g.{schema}.dead-letters.v1');
  });
});
