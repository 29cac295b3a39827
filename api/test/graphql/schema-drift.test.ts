/**
 * schema.graphql (committed at the repository root) must equal the SDL the code
 * builds. printSchemaSorted() runs in a child process under tsx, exactly like
 * `pnpm schema:print`: inside vitest, `graphql` would load twice (the ESM build
 * for inlined sources, the CJS build for Pothos) and lexicographicSortSchema
 * refuses types from the other copy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/config.js';

function builtSchema(): string {
  const apiDir = path.join(repoRoot, 'api');
  const entry = pathToFileURL(path.join(apiDir, 'src/schema/index.ts')).href;
  const code = `const m = await import(${JSON.stringify(entry)}); process.stdout.write(m.printSchemaSorted());`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: apiDir,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe('schema.graphql', () => {
  it('matches the schema the code builds (else run `pnpm schema:print`)', () => {
    const committed = readFileSync(path.join(repoRoot, 'schema.graphql'), 'utf8');
    const built = builtSchema();
    expect(built.length).toBeGreaterThan(1000);
    expect(built, 'schema.graphql is out of date: run `pnpm schema:print` in api/ and commit schema.graphql').toBe(committed);
  });
});
