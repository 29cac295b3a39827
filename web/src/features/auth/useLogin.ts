import { useMutation } from '@apollo/client/react';
import { graphql } from '../../gql';
import { setToken } from '../../app/auth';
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

/** Logs in, stores the bearer token and resets the cache (a new viewer sees different data). */
export function useLogin() {
  const [mutate, state] = useMutation(LoginMutation);
  const login = async (email: string, password: string) => {
    const { data } = await mutate({ variables: { email, password } });
    const errors = toUserErrors(data?.login?.errors);
    const token = errors.length === 0 ? (data?.login?.token ?? null) : null;
    if (token) {
      setToken(token);
      await state.client.clearStore();
    }
    return { token, errors };
  };
  return [login, state] as const;
}
