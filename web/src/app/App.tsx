import { type ComponentType, lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ApolloClient } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { CloseButton, type CloseButtonProps, MantineProvider, mergeThemeOverrides } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { cssVariablesResolver, theme } from './theme';
import { getToken, onTokenChange } from './auth';
import { LoginPage } from '../features/auth/LoginPage';
import { analyticsPageChunk, appLayoutChunk, type Chunk, inboxPageChunk, noThreadSelectedChunk, settingsPageChunk, threadViewChunk } from './chunks';

/**
 * A route component from its chunk: rendered at once when the chunk is already in (preloaded on
 * the login page, or opened before), else React.lazy (suspends until the chunk arrives). Decided
 * once per mount, so a chunk arriving later does not swap the component under a mounted route.
 */
function fromChunk<M>(c: Chunk<M>, pick: (m: M) => ComponentType) {
  const Lazy = lazy(() => c.load().then((m) => ({ default: pick(m) })));
  // biome-ignore lint/correctness/noComponentHookFactories: called once per route at module level (like lazy()); each route needs a component type of its own, or React would keep one route's state for the next at the same place
  return function ChunkRoute() {
    const [Component] = useState<ComponentType>(() => (c.loaded ? pick(c.loaded) : Lazy));
    return <Component />;
  };
}

// Route-level code splitting: the login page loads only itself, Apollo, Mantine's core and one
// language (issue 10 §6: ≤ 250 kB gzip); the signed-in shell (navigation, live updates,
// notifications) and each area are their own chunks, fetched when first opened (the charts of
// the dashboard, recharts, only there).
const AppLayout = fromChunk(appLayoutChunk, (m) => m.AppLayout);
const InboxPage = fromChunk(inboxPageChunk, (m) => m.InboxPage);
const ThreadView = fromChunk(threadViewChunk, (m) => m.ThreadView);
const NoThreadSelected = fromChunk(noThreadSelectedChunk, (m) => m.NoThreadSelected);
const SettingsPage = fromChunk(settingsPageChunk, (m) => m.SettingsPage);
const AnalyticsPage = fromChunk(analyticsPageChunk, (m) => m.AnalyticsPage);

/** A lazily loaded route: nothing while its chunk arrives (a few ms from the hub's own port, cached for a year). */
const Lazy = ({ children }: { children: ReactNode }) => <Suspense fallback={null}>{children}</Suspense>;

function useToken() {
  const [token, set] = useState(getToken);
  useEffect(() => onTokenChange(set), []);
  return token;
}

function RequireAuth({ children }: { children: ReactNode }) {
  const token = useToken();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: location }} />;
  return children;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <Lazy>
              <AppLayout />
            </Lazy>
          </RequireAuth>
        }
      >
        <Route
          element={
            <Lazy>
              <InboxPage />
            </Lazy>
          }
        >
          <Route
            index
            element={
              <Lazy>
                <NoThreadSelected />
              </Lazy>
            }
          />
          <Route
            path="threads/:id"
            element={
              <Lazy>
                <ThreadView />
              </Lazy>
            }
          />
        </Route>
        <Route
          path="settings"
          element={
            <Lazy>
              <SettingsPage />
            </Lazy>
          }
        />
        <Route
          path="analytics"
          element={
            <Lazy>
              <AnalyticsPage />
            </Lazy>
          }
        />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

/**
 * MantineProvider with the app theme plus texts Mantine needs in the UI language: every
 * CloseButton (modals, drawers, notifications, alerts) is named "Close" unless it says otherwise.
 */
function ThemeProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const close = t('common.close');
  const localized = useMemo(
    () => mergeThemeOverrides(theme, { components: { CloseButton: CloseButton.extend({ defaultProps: { 'aria-label': close } as Partial<CloseButtonProps> }) } }),
    [close],
  );
  return (
    <MantineProvider theme={localized} cssVariablesResolver={cssVariablesResolver}>
      {children}
    </MantineProvider>
  );
}

export function App({ client }: { client: ApolloClient }) {
  return (
    <ApolloProvider client={client}>
      <ThemeProvider>
        <Notifications position="top-right" />
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </ThemeProvider>
    </ApolloProvider>
  );
}
