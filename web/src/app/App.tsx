import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ApolloClient } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { theme } from './theme';
import { getToken, onTokenChange } from './auth';
import { AppLayout } from './AppLayout';
import { LoginPage } from '../features/auth/LoginPage';

// Route-level code splitting: the login page loads only the shell; each area is its own chunk,
// fetched when its route is first opened (the charts of the dashboard, recharts, only there).
const InboxPage = lazy(() => import('../features/inbox/InboxPage').then((m) => ({ default: m.InboxPage })));
const ThreadView = lazy(() => import('../features/thread/ThreadView').then((m) => ({ default: m.ThreadView })));
const NoThreadSelected = lazy(() => import('../features/thread/ThreadView').then((m) => ({ default: m.NoThreadSelected })));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const AnalyticsPage = lazy(() => import('../features/analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));

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
            <AppLayout />
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

export function App({ client }: { client: ApolloClient }) {
  return (
    <ApolloProvider client={client}>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </MantineProvider>
    </ApolloProvider>
  );
}
