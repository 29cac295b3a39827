/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const API = process.env.HUB_API_URL ?? 'http://localhost:4000';
const here = path.dirname(fileURLToPath(import.meta.url));
const gqlDir = path.join(here, 'src/gql');

/**
 * Build-time twin of graphql-codegen's client-preset babel/SWC plugin, made for
 * chunking: every `graphql(`…`)` call in web/src becomes an import of its
 * generated document (`LoginDocument`, `ThreadRow_ThreadFragmentDoc`), each
 * served as its own virtual module (`virtual:hub-gql/<export>`), so a document
 * travels in the chunk of the route that uses it. Without it gql.ts's map
 * holds every document of the app (86 ASTs, ~370 kB), all in the entry's
 * chunks; and src/gql/graphql.ts, one module, cannot be split across chunks.
 *
 * Names and ASTs come from the generated src/gql/gql.ts and graphql.ts; a
 * call without a generated document fails the build (run `pnpm codegen`).
 * Dev server and vitest keep the runtime `graphql()` of gql.ts.
 */
function graphqlDocumentImports(): Plugin {
  const PREFIX = 'virtual:hub-gql/';
  let generated: { exportsByName: Map<string, string>; astByExport: Map<string, string> } | null = null;
  const definitionName = (source: string) => /\b(?:query|mutation|subscription|fragment)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(source)?.[1];
  const load = () => {
    const exportsByName = new Map<string, string>();
    for (const m of readFileSync(path.join(gqlDir, 'gql.ts'), 'utf8').matchAll(/^\s*("(?:[^"\\]|\\.)*"): types\.(\w+),$/gm)) {
      const name = definitionName(JSON.parse(m[1]!) as string);
      if (name) exportsByName.set(name, m[2]!);
    }
    const astByExport = new Map<string, string>();
    for (const m of readFileSync(path.join(gqlDir, 'graphql.ts'), 'utf8').matchAll(/^export const (\w+) = (\{"kind":"Document".*\}) as unknown as DocumentNode<.*>;$/gm)) {
      astByExport.set(m[1]!, JSON.stringify(JSON.parse(m[2]!)));
    }
    return { exportsByName, astByExport };
  };
  return {
    name: 'hub:graphql-document-imports',
    apply: 'build',
    enforce: 'pre',
    buildStart() {
      generated = load();
    },
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const ast = generated?.astByExport.get(id.slice(PREFIX.length + 1));
      if (!ast) this.error(`no generated document ${id}`);
      return `export default ${ast};`;
    },
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/\.tsx?$/.test(file) || file.startsWith(gqlDir) || !file.startsWith(path.join(here, 'src')) || !code.includes('graphql(`')) return null;
      generated ??= load();
      const used = new Set<string>();
      const out = code.replace(/\bgraphql\(\s*`([^`]*)`\s*\)/g, (_call, source: string) => {
        const name = definitionName(source);
        const exported = name ? generated!.exportsByName.get(name) : undefined;
        if (!exported || !generated!.astByExport.has(exported)) this.error(`${file}: no generated document for graphql(\`…${name ?? '?'}…\`): run \`pnpm codegen\``);
        used.add(exported);
        return `__gql_${exported}`;
      });
      const imports = [...used].map((e) => `import __gql_${e} from '${PREFIX}${e}';`).join('\n');
      return { code: `${imports}\n${out}`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [graphqlDocumentImports(), react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      '/webhooks': { target: API, changeOrigin: true },
      '/media': { target: API, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      '/webhooks': { target: API, changeOrigin: true },
      '/media': { target: API, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    // No public source maps: the hub serves web/dist as is (and refuses *.map anyway, api/src/http/hygiene.ts).
    // `vite build --sourcemap hidden` makes maps for an error tracker without linking or serving them.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // userEvent-heavy component tests exceed the 5 s default on a busy machine.
    testTimeout: 20_000,
  },
});
