/**
 * The web app's own GraphQL documents, read from web/src (every
 * graphql(`…`) literal outside tests), so the benchmark sends exactly what the
 * browser sends: an operation by name plus every fragment it spreads, transitively.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

const WEB_SRC = fileURLToPath(new URL('../../web/src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'gql' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(d.name) && !/\.test(-utils)?\.tsx?$/.test(d.name) ? [p] : [];
  });
}

let cache: { operations: Map<string, OperationDefinitionNode>; fragments: Map<string, FragmentDefinitionNode> } | null = null;

function load() {
  if (cache) return cache;
  const operations = new Map<string, OperationDefinitionNode>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of sourceFiles(WEB_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/graphql\(\s*`([\s\S]*?)`\s*\)/g)) {
      for (const def of parse(m[1]!).definitions) {
        if (def.kind === Kind.OPERATION_DEFINITION && def.name) operations.set(def.name.value, def);
        if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      }
    }
  }
  cache = { operations, fragments };
  return cache;
}

/** The printed document of the web app's operation `name` with its fragments (throws when the web app has no such operation). */
export function webDocument(name: string): string {
  const { operations, fragments } = load();
  const op = operations.get(name);
  if (!op) throw new Error(`web/src has no operation ${name} (known: ${[...operations.keys()].sort().join(', ')})`);
  const needed = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (needed.has(name)) return;
        const frag = fragments.get(name);
        if (!frag) throw new Error(`fragment ${name} (spread in ${op.name!.value}) not found in web/src`);
        needed.set(name, frag);
        collect(frag);
      },
    });
  collect(op);
  return [op, ...needed.values()].map((d) => print(d)).join('\n\n');
}

/** Whether web/src has an operation of that name. */
export function hasWebOperation(name: string): boolean {
  return load().operations.has(name);
}
