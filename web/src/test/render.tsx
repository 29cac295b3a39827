import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import type { InMemoryCache } from '@apollo/client';
import { useFragment } from '@apollo/client/react';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import type { ResultOf, VariablesOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createCache } from '../app/apollo';
import { theme } from '../app/theme';
import { makeFragmentData, type FragmentType } from '../gql';

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
  { mocks = [], route = '/', cache = createCache() }: { mocks?: ReadonlyArray<MockLink.MockedResponse<any, any>>; route?: string; cache?: InMemoryCache } = {},
) {
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

/**
 * Renders `children` with the fragment data of one cached entity, kept live like a real
 * parent query would (cache writes, e.g. by mutations, re-render it). Renders nothing until complete.
 */
export function FromCache<TDoc extends TypedDocumentNode<any, any>>(props: {
  fragment: TDoc;
  fragmentName: string;
  from: { __typename: string; id: string };
  children: (data: FragmentType<TDoc>) => ReactNode;
}) {
  const { data, complete } = useFragment({ fragment: props.fragment, fragmentName: props.fragmentName, from: props.from });
  if (!complete) return null;
  return <>{props.children(makeFragmentData(data as ResultOf<TDoc>, props.fragment) as FragmentType<TDoc>)}</>;
}
