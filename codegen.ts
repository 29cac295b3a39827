import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generates typed documents for the web client from the GraphQL contract.
 * Output (web/src/gql/) is generated on every build/test and never edited by hand.
 */
const config: CodegenConfig = {
  overwrite: true,
  schema: 'schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        defaultScalarType: 'unknown',
        enumType: 'const',
        useTypeImports: true,
        // Apollo Client always adds __typename to selections (root types excepted).
        nonOptionalTypename: true,
        skipTypeNameForRoot: true,
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;
