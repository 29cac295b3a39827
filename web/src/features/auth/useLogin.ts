import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { setToken } from '../../app/auth';
import { prefetchSignedIn } from '../../app/chunks';
import { toUserErrors } from '../../shared/userErrors';

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      user {
        id
        name
        email
        role
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
 * Logs in, stores the bearer token, resets the cache (a new viewer sees different data) and
 * starts the first screen's requests (viewer, first inbox page) before the caller navigates.
 */
export function useLogin() {
  const [mutate, state] = useMutation(LoginMutation);
  const login = async (email: string, password: string) => {
    const { data } = await mutate({ variables: { email, password } });
    const errors = toUserErrors(data?.login?.errors);
    const token = errors.length === 0 ? (data?.login?.token ?? null) : null;
    if (token) {
      setToken(token);
      await state.client.clearStore();
      prefetchSignedIn(state.client, data?.login?.user?.role);
    }
    return { token, errors };
  };
  return [login, state] as const;
}
