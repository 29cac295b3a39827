import { describe, expect, it } from 'vitest';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { AnalyticsDashboardQuery, AnalyticsSeriesQuery, AnalyticsUpdatedSubscription } from './useAnalyticsDashboard';
import { AnalyticsDrillDownQuery } from './DrillDownDrawer';
import { AnalyticsExportQuery } from './ExportButton';
import { AnalyticsTeamsQuery } from './AnalyticsFilters';

/** The API's shape limits (api/src/http/graphql-limits.ts): aliases 15, tokens 1,000, depth 7. */
const LIMITS = { aliases: 15, tokens: 1000, depth: 7 };

/** Apollo Client adds __typename to every selection set: count with it. */
function withTypename(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet(node, _key, parent) {
      if (parent && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
      return { ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
    },
  });
}

function aliases(doc: DocumentNode): number {
  let n = 0;
  visit(doc, {
    enter(node) {
      if (node.kind === Kind.FIELD && node.alias && node.name.value !== '__typename') n++;
    },
  });
  return n;
}

/** Field depth with fragments inlined. */
function depth(doc: DocumentNode): number {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const walk = (set: { selections: readonly any[] } | undefined, d: number): number =>
    !set
      ? d
      : Math.max(
          d,
          ...set.selections.map((s) =>
            s.kind === Kind.FIELD ? walk(s.selectionSet, d + 1) : s.kind === Kind.FRAGMENT_SPREAD ? walk(fragments.get(s.name.value)?.selectionSet, d) : walk(s.selectionSet, d),
          ),
        );
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  return walk(op.selectionSet, 0);
}

describe('analytics documents stay within the API limits', () => {
  it.each([
    ['AnalyticsDashboard', AnalyticsDashboardQuery],
    ['AnalyticsSeries', AnalyticsSeriesQuery],
    ['AnalyticsDrillDown', AnalyticsDrillDownQuery],
    ['AnalyticsExport', AnalyticsExportQuery],
    ['AnalyticsTeams', AnalyticsTeamsQuery],
    ['AnalyticsUpdated', AnalyticsUpdatedSubscription],
  ] as const)('%s', (_name, doc) => {
    const sent = withTypename(doc as DocumentNode);
    expect(aliases(sent)).toBeLessThanOrEqual(LIMITS.aliases);
    expect(() => parse(print(sent), { maxTokens: LIMITS.tokens })).not.toThrow();
    expect(depth(sent)).toBeLessThanOrEqual(LIMITS.depth);
  });

  it('counts aliases like the API does (the old single dashboard query had 17)', () => {
    const doc = parse(`query { a { ${Array.from({ length: 17 }, (_, i) => `x${i}: f`).join(' ')} } }`);
    expect(aliases(doc)).toBe(17);
  });
});
