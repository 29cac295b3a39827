import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import type { ResultOf, VariablesOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createCache } from '../app/apollo';
import { theme } from '../app/theme';

/**
 * A schema-typed mock: `data` must satisfy the generated result type of `query`
 * and `variables` its generated variables type.
 */
export function mockOp<TDoc extends TypedDocumentNode<any, any>>(
  query: TDoc,
  variables: VariablesOf<TDoc>,
  data: ResultOf<TDoc>,
  opts: { maxUsageCount?: number; delay?: number } = {},
): MockLink.MockedResponse<ResultOf<TDoc>, VariablesOf<TDoc>> {
  return { request: { query, variables }, result: { data: data as never }, ...opts };
}

export function renderWithProviders(
  ui: ReactElement,
  { mocks = [], route = '/' }: { mocks?: ReadonlyArray<MockLink.MockedResponse<any, any>>; route?: string } = {},
) {
  const cache = createCache();
  const utils = render(
    <MockedProvider mocks={mocks} cache={cache}>
      <MantineProvider theme={theme} env="test">
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </MantineProvider>
    </MockedProvider>,
  );
  return { ...utils, cache };
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Combine several `makeFragmentData(...)` results for one object (deep merge at runtime;
 * at type level the fragment refs intersect, as the generated operation types expect).
 */
export function mergeFragmentData<T extends object[]>(...parts: T): UnionToIntersection<T[number]> {
  const merge = (a: any, b: any): any => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, unknown> = { ...a };
      for (const k of Object.keys(b)) out[k] = k in a ? merge(a[k], b[k]) : b[k];
      return out;
    }
    return b;
  };
  return parts.reduce((acc, p) => merge(acc, p), {}) as UnionToIntersection<T[number]>;
}
