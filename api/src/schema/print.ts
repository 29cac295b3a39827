/** Writes schema.graphql at the repository root from the Pothos schema. Run: pnpm schema:print */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config.js';
import { printSchemaSorted } from './index.js';

const file = path.join(repoRoot, 'schema.graphql');
writeFileSync(file, printSchemaSorted());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
