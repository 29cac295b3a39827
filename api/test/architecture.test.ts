/**
 * The provider boundary, checked on the source text: the domain
 * (`src/modules/`) reaches providers only through the contract files of
 * `src/channels/` (types.ts, io.ts, registry.ts), never a provider folder,
 * and reads no provider-specific setting; `src/server.ts` names no provider.
 * Adding a provider must stay "one folder under channels/ + one line in
 * registry.ts".
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
const MODULES = path.join(SRC, 'modules');
const CHANNELS = path.join(SRC, 'channels');
/** The only files of src/channels/ the domain may import. */
const CONTRACT = new Set(['types', 'io', 'registry'].map((f) => path.join(CHANNELS, `${f}.ts`)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (p: string) => path.relative(path.resolve(SRC, '..'), p);

/** Removes block and line comments (keeps strings; good enough for these checks). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module specifier of a file: static imports/exports, `import type`, dynamic `import()`, `require()`. */
function specifiersOf(text: string): string[] {
  const code = stripComments(text);
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"`]([^'"`]+)['"`]/g,
    /\bimport\s*['"`]([^'"`]+)['"`]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Where a relative specifier points, as a .ts path (imports end in .js in this ESM code base). */
function resolveSpecifier(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const abs = path.resolve(path.dirname(file), spec);
  return abs.replace(/\.(js|mjs|cjs)$/, '.ts');
}

/** The provider-boundary violations of one file's imports. */
function providerImports(file: string, text: string): string[] {
  const bad: string[] = [];
  for (const spec of specifiersOf(text)) {
    const target = resolveSpecifier(file, spec);
    if (!target) continue;
    const inChannels = target === CHANNELS || target.startsWith(CHANNELS + path.sep);
    if (!inChannels) continue;
    const asFile = /\.ts$/.test(target) ? target : `${target}.ts`;
    if (!CONTRACT.has(asFile)) bad.push(spec);
  }
  return bad;
}

/** Provider-specific environment variables declared in src/config.ts (WHATSAPP_*, TWILIO_*, GRAPH_*, MICROSOFT_*). */
const PROVIDER_ENV_PREFIX = /^(WHATSAPP_|TWILIO_|GRAPH_|MICROSOFT_)/;
const providerEnvVars = [...readFileSync(path.join(SRC, 'config.ts'), 'utf8').matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:\s*z\./gm)]
  .map((m) => m[1]!)
  .filter((name) => PROVIDER_ENV_PREFIX.test(name));

/** Names of provider env vars a file mentions: a declared one anywhere in code, or any `env.` / `config.` access with a provider prefix. */
function providerEnvUses(text: string): string[] {
  const code = stripComments(text);
  const found = new Set<string>();
  for (const name of providerEnvVars) if (new RegExp(`\\b${name}\\b`).test(code)) found.add(name);
  for (const m of code.matchAll(/\b(?:env|config)\s*(?:\.\s*|\[\s*['"`])((?:WHATSAPP_|TWILIO_|GRAPH_|MICROSOFT_)[A-Z0-9_]*)/g)) found.add(m[1]!);
  return [...found];
}

const PROVIDER_NAMES = /whatsapp|outlook|twilio|chatwoot/i;

describe('architecture: the provider boundary', () => {
  const files = tsFiles(MODULES);

  it('finds the module sources and the provider env vars to check', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(providerEnvVars).toEqual(expect.arrayContaining(['WHATSAPP_GRAPH_BASE_URL', 'GRAPH_BASE_URL', 'TWILIO_API_BASE_URL']));
    // The checks themselves catch what they should (so a regex slip cannot make this file pass vacuously).
    const sample = path.join(MODULES, 'message', 'x.ts');
    expect(providerImports(sample, `import { whatsappAdapter } from '../../channels/whatsapp/adapter.js';`)).toEqual(['../../channels/whatsapp/adapter.js']);
    expect(providerImports(sample, `const m = await import('../../channels/outlook/send.js');`)).toEqual(['../../channels/outlook/send.js']);
    expect(providerImports(sample, `export { x } from '../../channels/sms/segments.js';`)).toEqual(['../../channels/sms/segments.js']);
    expect(providerImports(sample, `import type { ChannelAdapter } from '../../channels/types.js';\nimport { adapterFor } from '../../channels/registry.js';`)).toEqual([]);
    expect(providerEnvUses(`const u = process.env.TWILIO_ACCOUNT_SID;`)).toEqual(['TWILIO_ACCOUNT_SID']);
    expect(providerEnvUses(`fetch(deps.config.GRAPH_BASE_URL)`)).toEqual(['GRAPH_BASE_URL']);
    expect(providerEnvUses(`// WHATSAPP_GRAPH_BASE_URL in a comment\nconst code = 'WHATSAPP_WINDOW_CLOSED';`)).toEqual([]);
  });

  it('no file under src/modules/ imports from a provider folder of src/channels/ (only types.ts, io.ts, registry.ts)', () => {
    const violations = files.flatMap((f) => providerImports(f, readFileSync(f, 'utf8')).map((spec) => `${rel(f)} imports ${spec}`));
    expect(violations).toEqual([]);
  });

  it('no source file under src/modules/ names a provider-specific environment variable', () => {
    // Tests may point a provider at its loopback fake (e.g. WHATSAPP_GRAPH_BASE_URL); the domain code may not.
    const sources = files.filter((f) => !/\.test\.ts$/.test(f));
    const violations = sources.flatMap((f) => providerEnvUses(readFileSync(f, 'utf8')).map((name) => `${rel(f)} names ${name}`));
    expect(violations).toEqual([]);
  });

  it('which identity kinds are channel-scoped is declared by the adapters, not written in the customer module', async () => {
    const { channelScopedIdentityKinds } = await import('../src/channels/registry.js');
    expect([...channelScopedIdentityKinds].sort()).toEqual(['CHATWOOT_CONTACT', 'PARTNER']);
    const code = stripComments(readFileSync(path.join(MODULES, 'customer', 'customer.service.ts'), 'utf8'));
    expect(code).not.toMatch(/CHATWOOT_CONTACT|'PARTNER'/);
  });

  it("which identity kinds hold a phone number in a provider's notation is declared by the adapters, not written in the merge", async () => {
    const { phoneIdentities } = await import('../src/channels/registry.js');
    expect(phoneIdentities.map((p) => p.kind)).toEqual(['WHATSAPP_ID']);
    const [wa] = phoneIdentities;
    expect(wa!.fromPhone('+31612345678')).toBe('31612345678');
    expect(wa!.fromPhone('0612345678')).toBeNull();
    expect(wa!.toPhone('31612345678')).toBe('+31612345678');
    expect(wa!.toPhone('not-a-number')).toBeNull();
    const code = stripComments(readFileSync(path.join(MODULES, 'customer', 'customer.merge.ts'), 'utf8'));
    expect(code).not.toMatch(/WHATSAPP_ID/);
  });

  it('the per-channel response-time goals of the analytics are declared by the adapters, not written in the metrics', async () => {
    const { METRICS } = await import('../src/modules/analytics/metrics.js');
    expect(METRICS.FIRST_RESPONSE_TIME.channelGoals).toEqual({
      EMAIL_OUTLOOK: { value: 4 * 3600, direction: 'AT_MOST', business: true },
      WHATSAPP_BUSINESS: { value: 3600, direction: 'AT_MOST', business: true },
    });
    expect(METRICS.REPLY_TIME.channelGoals).toEqual(METRICS.FIRST_RESPONSE_TIME.channelGoals);
    const code = stripComments(readFileSync(path.join(MODULES, 'analytics', 'metrics.ts'), 'utf8'));
    expect(code).not.toMatch(/EMAIL_OUTLOOK|WHATSAPP_BUSINESS/);
  });

  it("no file under src/modules/ names a provider's reply-window or opt-out code, comments included: descriptions take them from the registry", async () => {
    const { windowAndOptOutCodes, replyWindowsInWords } = await import('../src/channels/registry.js');
    expect(windowAndOptOutCodes).toBe('WHATSAPP_WINDOW_CLOSED, SMS_OPTED_OUT');
    expect(replyWindowsInWords).toBe('WHATSAPP_BUSINESS: lastInboundAt + 24 h, then WHATSAPP_WINDOW_CLOSED');
    const codes = windowAndOptOutCodes.split(', ');
    const hits = files.flatMap((f) => (codes.some((c) => readFileSync(f, 'utf8').includes(c)) ? [rel(f)] : []));
    expect(hits).toEqual([]);
  });

  it('src/server.ts names no provider', () => {
    const code = stripComments(readFileSync(path.join(SRC, 'server.ts'), 'utf8'));
    const hits = code.split('\n').filter((line) => PROVIDER_NAMES.test(line));
    expect(hits).toEqual([]);
    // and it imports nothing from src/channels/ beyond the contract
    expect(providerImports(path.join(SRC, 'server.ts'), code)).toEqual([]);
  });
});

/**
 * The `select` and `query` callbacks of the schema's Pothos fields, as `name: (params) =>`, with
 * their parameters. The Prisma plugin passes them (args, context, …).
 */
function selectionCallbacks(text: string): { name: string; params: string[] }[] {
  const code = stripComments(text);
  return [...code.matchAll(/\b(select|query)\s*:\s*(?:async\s*)?\(([^)]*)\)\s*=>/g)].map((m) => ({
    name: m[1]!,
    params: m[2]!
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  }));
}

describe('architecture: query plans kept across requests (builder option prisma.cachePlans)', () => {
  it('no select or query callback of the schema takes the context: a kept plan ran them for another request', () => {
    expect(selectionCallbacks(`query: (args) => ({ orderBy: x }), select: (args, ctx, nested) => nested()`)).toEqual([
      { name: 'query', params: ['args'] },
      { name: 'select', params: ['args', 'ctx', 'nested'] },
    ]);
    const files = [...tsFiles(MODULES), ...tsFiles(path.join(SRC, 'schema'))];
    const found = files.flatMap((f) => selectionCallbacks(readFileSync(f, 'utf8')).map((c) => ({ file: rel(f), ...c })));
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((c) => c.params.length > 1)).toEqual([]);
    // Only the option's promise is checked here; the patch keeps plans only where it is set.
    expect(readFileSync(path.join(SRC, 'schema', 'builder.ts'), 'utf8')).toMatch(/cachePlans: true/);
  });
});
