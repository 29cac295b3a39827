import { NavLink, Outlet, useNavigate } from 'react-router';
import type { ApolloClient } from '@apollo/client';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { Fragment, lazy, Suspense, useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionIcon, AppShell, Avatar, Box, Button, Group, Menu, Text, ThemeIcon, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChartBar, IconCheck, IconChevronDown, IconHeadset, IconInbox, IconLanguage, IconLogout, IconMessagePlus, IconSettings } from '@tabler/icons-react';
import { setToken } from './auth';
import { graphql } from '../gql';
import { LiveUpdates } from './LiveUpdates';
import { ConnectionBanner } from './ConnectionBanner';
import { AppViewerQuery, useViewer } from './viewer';
import { initials } from '../shared/time';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { AvailabilitySwitch } from '../features/availability/AvailabilitySwitch';
import { AnalyticsLanding } from '../features/analytics/AnalyticsLanding';
import { GlobalShortcuts } from '../features/shortcuts/GlobalShortcuts';
import { ariaKeyShortcuts } from '../features/shortcuts/shortcuts';
import { applyPreferences, currentLanguage, LANGUAGE_NAMES, preloadLanguageFor, UI_LANGUAGES, usePreferencesKey, type UiLanguage } from '../i18n';

export { AppViewerQuery } from './viewer';

// Loaded when first opened (it brings the template rendering of the composer along).
const NewConversationModal = lazy(() => import('../features/conversation/NewConversationModal').then((m) => ({ default: m.NewConversationModal })));

/** Ends the session server-side: the token is void at once, even if a copy of it leaked. */
export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
    }
  }
`);

/**
 * The viewer's UI language and time zone with the organization's defaults (its own query, so the
 * role query AppViewer and everything that reads it from the cache stay as they are).
 */
export const ViewerPreferencesQuery = graphql(`
  query ViewerPreferences {
    viewer {
      id
      locale
      timezone
      organization {
        locale
        timezone
      }
    }
  }
`);

/**
 * Right after a sign-in (chunks.ts `prefetchSignedIn`): the shell's two queries start before the
 * shell mounts (its useQuery calls then join them), and the viewer's language starts loading as
 * soon as the preferences are in, while the inbox's first page is still on its way.
 */
export function prefetchShell(client: ApolloClient): void {
  void client.query({ query: AppViewerQuery }).catch(() => undefined);
  void client
    .query({ query: ViewerPreferencesQuery })
    .then(({ data }) => {
      if (data?.viewer) preloadLanguageFor(data.viewer);
    })
    .catch(() => undefined);
}

/** Saves the signed-in user's own UI language and/or time zone (null: follow the organization). */
export const UpdateMyPreferencesMutation = graphql(`
  mutation UpdateMyPreferences($input: UpdateMyPreferencesInput!) {
    updateMyPreferences(input: $input) {
      user {
        id
        locale
        timezone
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

export function AppLayout() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const { viewer, isManager } = useViewer();
  const { t } = useTranslation();
  // Everything below the header re-renders in the new language / time zone at once.
  const preferencesKey = usePreferencesKey();

  const [endSession] = useMutation(LogoutMutation);
  const [savePreferences] = useMutation(UpdateMyPreferencesMutation);
  const prefsQuery = useQuery(ViewerPreferencesQuery);
  const prefs = prefsQuery.data?.viewer ?? null;
  // The pages wait for the language and time zone (one small query), so they do not render once in
  // the browser's and again in the user's; an error shows them in the browser's.
  const [prefsApplied, setPrefsApplied] = useState(false);
  const [newConversation, setNewConversation] = useState<'closed' | 'open' | 'loaded'>('closed');
  const openNewConversation = () => setNewConversation('open');
  const prefsKnown = prefsApplied || prefsQuery.error !== undefined;

  // The viewer's language and time zone (else the organization's, else the browser's). The pages
  // render once the language is switched (its texts are usually in already: prefetchShell), so
  // they render once, in the right language, not first in the browser's and then again.
  useLayoutEffect(() => {
    if (!prefs) return;
    let current = true;
    void applyPreferences({ locale: prefs.locale, timezone: prefs.timezone, organization: prefs.organization }).then(() => {
      if (current) setPrefsApplied(true);
    });
    return () => {
      current = false;
    };
  }, [prefs]);

  const switchLanguage = async (locale: UiLanguage) => {
    // At once, before the server answers; the saved value comes back into the cache (viewer.locale).
    void applyPreferences({ locale, timezone: prefs?.timezone, organization: prefs?.organization });
    try {
      const { data } = await savePreferences({ variables: { input: { locale } } });
      const error = data?.updateMyPreferences.errors[0];
      if (error) notifications.show({ color: 'red', title: t('app.languageNotSaved'), message: t(`errors.${error.code}`, { defaultValue: error.message }) });
    } catch {
      notifications.show({ color: 'red', title: t('app.languageNotSaved'), message: t('errors.NETWORK') });
    }
  };

  const logout = async () => {
    // Signing out locally happens whatever the server answers (offline, already revoked).
    await endSession().catch(() => undefined);
    setToken(null);
    await client.clearStore();
    navigate('/login', { replace: true });
  };

  return (
    <AppShell header={{ height: 56 }} padding={0}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <ThemeIcon variant="light" radius="md">
              <IconHeadset size={18} />
            </ThemeIcon>
            <Text fw={700} visibleFrom="sm">
              {t('app.name')}
            </Text>
            {/* On phones the navigation shows its icons only (named by aria-label). */}
            <Group gap={4} component="nav" aria-label={t('app.mainNav')} ml="sm" wrap="nowrap">
              <Button component={NavLink} to="/" end variant="subtle" color="gray" size="compact-sm" leftSection={<IconInbox size={14} />} aria-label={t('app.inbox')}>
                <Box component="span" visibleFrom="sm">
                  {t('app.inbox')}
                </Box>
              </Button>
              {viewer && (
                <Button
                  component={NavLink}
                  to="/analytics"
                  variant="subtle"
                  color="gray"
                  size="compact-sm"
                  leftSection={<IconChartBar size={14} />}
                  data-testid="nav-analytics"
                  aria-label={isManager ? t('app.analytics') : t('app.myPerformance')}
                >
                  <Box component="span" visibleFrom="sm">
                    {isManager ? t('app.analytics') : t('app.myPerformance')}
                  </Box>
                </Button>
              )}
              {isManager && (
                <Button
                  component={NavLink}
                  to="/settings"
                  variant="subtle"
                  color="gray"
                  size="compact-sm"
                  leftSection={<IconSettings size={14} />}
                  data-testid="nav-settings"
                  aria-label={t('app.settings')}
                >
                  <Box component="span" visibleFrom="sm">
                    {t('app.settings')}
                  </Box>
                </Button>
              )}
            </Group>
          </Group>
          {viewer && (
            <Group gap="sm" wrap="nowrap">
              <Button
                size="compact-sm"
                leftSection={<IconMessagePlus size={14} />}
                onClick={openNewConversation}
                aria-keyshortcuts={ariaKeyShortcuts('newConversation')}
                data-testid="new-conversation"
                visibleFrom="sm"
              >
                {t('newConversation.button')}
              </Button>
              <ActionIcon size="lg" variant="filled" aria-label={t('newConversation.button')} onClick={openNewConversation} hiddenFrom="sm">
                <IconMessagePlus size={18} />
              </ActionIcon>
              {viewer.availability && (
                <Box visibleFrom="sm">
                  <AvailabilitySwitch availability={viewer.availability} />
                </Box>
              )}
              <NotificationBell />
              <Menu position="bottom-end" withArrow>
                <Menu.Target>
                  <UnstyledButton>
                    <Group gap={8}>
                      {/* Named by its visible text (name, role) plus this (axe label-content-name-mismatch). */}
                      <VisuallyHidden>{t('app.accountMenu')}</VisuallyHidden>
                      <Avatar size={28} radius="xl" color="indigo">
                        {initials(viewer.name ?? viewer.email ?? '?')}
                      </Avatar>
                      <Box visibleFrom="sm">
                        <Text size="sm" fw={500} lh={1.1} data-testid="viewer-name">
                          {viewer.name ?? viewer.email}
                        </Text>
                        <Text size="xs" c="dimmed" lh={1.1}>
                          {viewer.role ? t(`app.roles.${viewer.role}`) : ''}
                        </Text>
                      </Box>
                      <IconChevronDown size={14} />
                    </Group>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{viewer.email}</Menu.Label>
                  {isManager && (
                    <Menu.Item leftSection={<IconSettings size={14} />} onClick={() => navigate('/settings')}>
                      {t('app.settings')}
                    </Menu.Item>
                  )}
                  <Menu.Divider />
                  <Menu.Label>
                    <Group gap={4}>
                      <IconLanguage size={12} />
                      {t('app.language')}
                    </Group>
                  </Menu.Label>
                  {UI_LANGUAGES.map((lng) => (
                    <Menu.Item
                      key={lng}
                      lang={lng}
                      data-testid={`language-${lng}`}
                      aria-current={currentLanguage() === lng ? 'true' : undefined}
                      rightSection={currentLanguage() === lng ? <IconCheck size={14} /> : null}
                      onClick={() => void switchLanguage(lng)}
                    >
                      {LANGUAGE_NAMES[lng]}
                    </Menu.Item>
                  ))}
                  <Menu.Divider />
                  <Menu.Item leftSection={<IconLogout size={14} />} onClick={() => void logout()}>
                    {t('app.signOut')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <LiveUpdates />
        {viewer && <GlobalShortcuts onNewConversation={openNewConversation} />}
        {newConversation !== 'closed' && (
          <Suspense fallback={null}>
            <NewConversationModal opened={newConversation === 'open'} onClose={() => setNewConversation('loaded')} />
          </Suspense>
        )}
        <ConnectionBanner />
        <AnalyticsLanding />
        {prefsKnown && (
          <Fragment key={preferencesKey}>
            <Outlet />
          </Fragment>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
