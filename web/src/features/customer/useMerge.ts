import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';

/** Probable duplicates of one customer (same e-mail or phone on any channel), at most 10. */
export const CustomerDuplicatesQuery = graphql(`
  query CustomerDuplicates($id: ID!) {
    node(id: $id) {
      id
      ... on Customer {
        duplicateSuggestions {
          id
          name
          email
          phone
          companyName
        }
      }
    }
  }
`);

export const MergeCustomersMutation = graphql(`
  mutation MergeCustomers($primaryId: ID!, $duplicateId: ID!) {
    mergeCustomers(primaryId: $primaryId, duplicateId: $duplicateId) {
      customer {
        id
        ...EditCustomerModal_customer
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** The customer's threads a thread can be merged into (newest activity first). */
export const CustomerThreadsForMergeQuery = graphql(`
  query CustomerThreadsForMerge($customerId: ID!) {
    threads(first: 50, filter: { customerId: $customerId }) {
      edges {
        node {
          id
          subject
          status
          lastMessageAt
          mergedInto {
            id
          }
          channel {
            id
            type
            name
          }
        }
      }
    }
  }
`);

export const MergeThreadsMutation = graphql(`
  mutation MergeThreads($targetId: ID!, $sourceIds: [ID!]!) {
    mergeThreads(targetId: $targetId, sourceIds: $sourceIds) {
      thread {
        id
        status
        lastMessageAt
      }
      sources {
        id
        status
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/**
 * mergeCustomers(primaryId, duplicateId). The duplicate is deleted by the API, so it is evicted
 * from the cache (every list showing it drops it); the primary comes back normalised by id.
 */
export function useMergeCustomers() {
  const [mutate, state] = useMutation(MergeCustomersMutation);
  const merge = (primaryId: string, duplicateId: string) =>
    mutate({
      variables: { primaryId, duplicateId },
      update(cache, { data }) {
        if (data?.mergeCustomers.errors.length) return;
        cache.evict({ id: cache.identify({ __typename: 'Customer', id: duplicateId }) });
        cache.gc();
      },
    });
  return [merge, state] as const;
}

/** mergeThreads(targetId, [sourceId]): the source comes back CLOSED and the target refreshed (normalised by id). */
export function useMergeThreads() {
  const [mutate, state] = useMutation(MergeThreadsMutation);
  const merge = (targetId: string, sourceId: string) => mutate({ variables: { targetId, sourceIds: [sourceId] } });
  return [merge, state] as const;
}
