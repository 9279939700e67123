import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiYaml } from './document';

/** Writes docs/asyncapi.yaml from the contracts (`npm run asyncapi`; run from dist/scripts/asyncapi). */
const root = join(__dirname, '../../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const path = join(root, 'docs/asyncapi.yaml');
writeFileSync(path, asyncApiYaml(version));
console.log(`wrote ${path}`);
