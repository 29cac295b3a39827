import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconHeadset } from '@tabler/icons-react';
import { useLogin } from './useLogin';
import { getToken } from '../../app/auth';

export function LoginPage() {
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ code: string; message: string }[]>([]);
  const [login, { loading, error }] = useLogin();

  if (getToken()) return <Navigate to="/" replace />;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors([]);
    try {
      const result = await login(email, password);
      if (result.errors.length > 0) setErrors(result.errors);
      else if (result.token) navigate('/', { replace: true });
    } catch {
      // network / GraphQL errors are surfaced through `error`
    }
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380}>
        <form onSubmit={onSubmit}>
          <Stack>
            <Stack gap={4} align="center">
              <ThemeIcon size={44} radius="xl" variant="light">
                <IconHeadset size={26} />
              </ThemeIcon>
              <Title order={3}>Sign in to the Hub</Title>
              <Text size="sm" c="dimmed">
                Customer service inbox
              </Text>
            </Stack>
            {errors.map((e) => (
              <Alert key={e.code + e.message} color="red" icon={<IconAlertCircle size={18} />} data-error-code={e.code}>
                {e.message}
              </Alert>
            ))}
            {error && (
              <Alert color="red" icon={<IconAlertCircle size={18} />}>
                {error.message}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              withAsterisk={false}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              withAsterisk={false}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={loading} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
