import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) found.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return found;
}

/** The domain library is pure: rules and numbers only, no framework, no database, no broker, no I/O. */
const forbiddenInDomain = [/^@nestjs\//, /^typeorm/, /^pg($|\/)/, /^kafkajs/, /^@electric-sql\//, /^node:/, /^(fs|net|http|https|child_process|crypto|os)$/, /^@g2g\/(?!contracts$)/];

describe('architecture', () => {
  it('libs/domain imports nothing from Nest, TypeORM, pg, kafkajs or Node I/O', () => {
    const files = sources(join(root, 'libs/domain/src'));
    expect(files.length).toBeGreaterThan(0);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbiddenInDomain.some((rule) => rule.test(spec)))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the import scanner sees the kinds of import it guards against', () => {
    const sample = join(root, 'test/fixtures/impure-sample.ts.txt');
    expect(importsOf(sample)).toEqual(['@nestjs/common', 'typeorm', 'pg', 'kafkajs', 'node:fs', 'kafkajs']);
  });

  it('libraries do not import applications', () => {
    const offending = sources(join(root, 'libs')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /apps\//.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
