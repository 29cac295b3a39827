import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { UpdateCustomerInput } from '../../gql/graphql';

export const UpdateCustomerMutation = graphql(`
  mutation UpdateCustomer($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) {
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

/**
 * Updates a customer. The returned Customer is normalised by id (Customer:id), so the thread
 * header, the edit form and every inbox row showing this customer refresh by themselves.
 */
export function useUpdateCustomer() {
  const [mutate, state] = useMutation(UpdateCustomerMutation);
  const update = (input: UpdateCustomerInput) => mutate({ variables: { input } });
  return [update, state] as const;
}
