import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconHeadset } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useLogin } from './useLogin';
import { describeError } from '../../shared/errorMessages';
import { getToken } from '../../app/auth';
import { preloadSignedInChunks } from '../../app/chunks';

export function LoginPage() {
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ code: string; message: string }[]>([]);
  const [login, { loading, error }] = useLogin();
  const { t } = useTranslation();

  if (getToken()) return <Navigate to="/" replace />;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    preloadSignedInChunks();
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
    <Center component="main" mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380}>
        {/* Typing (or a password manager filling in) starts the signed-in app's chunks: ready when the login answers. */}
        <form onSubmit={onSubmit} onInput={preloadSignedInChunks} onFocus={preloadSignedInChunks}>
          <Stack>
            <Stack gap={4} align="center">
              <ThemeIcon size={44} radius="xl" variant="light">
                <IconHeadset size={26} />
              </ThemeIcon>
              <Title order={1} size="h3">
                {t('login.title')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('login.subtitle')}
              </Text>
            </Stack>
            {errors.map((e) => (
              <Alert key={e.code + e.message} color="red" icon={<IconAlertCircle size={18} />} data-error-code={e.code}>
                {t(`errors.${e.code}`, { defaultValue: e.message })}
              </Alert>
            ))}
            {error && (
              <Alert color="red" icon={<IconAlertCircle size={18} />}>
                {t(`errors.${describeError(error).code}`, { defaultValue: describeError(error).message })}
              </Alert>
            )}
            <TextInput
              label={t('login.email')}
              type="email"
              autoComplete="username"
              required
              withAsterisk={false}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('login.password')}
              autoComplete="current-password"
              required
              withAsterisk={false}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={loading} fullWidth>
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
