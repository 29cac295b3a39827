import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { useLocation } from 'react-router';
import { AppViewerQuery } from '../../app/viewer';
import { setToken } from '../../app/auth';
import { createCache } from '../../app/apollo';
import { renderWithProviders } from '../../test/render';
import { AnalyticsLanding, setJustSignedIn } from './AnalyticsLanding';

type Role = 'AGENT' | 'TEAM_LEAD' | 'MANAGER' | 'ADMIN';

function Where() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

function renderAt(route: string, role: Role) {
  const cache = createCache();
  cache.writeQuery({
    query: AppViewerQuery,
    data: { viewer: { __typename: 'User', id: 'u1', name: 'Max', email: 'max@example.nl', role, availability: 'ONLINE', teams: [] } },
  });
  renderWithProviders(
    <>
      <AnalyticsLanding />
      <Where />
    </>,
    { route, cache },
  );
}

afterEach(() => {
  setJustSignedIn(false);
  localStorage.clear();
});

describe('AnalyticsLanding', () => {
  it.each(['MANAGER', 'ADMIN'] as const)('sends a %s who just signed in from / to the dashboard', async (role) => {
    setToken('token-1'); // what a sign-in does
    renderAt('/', role);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/analytics'));
  });

  it.each(['AGENT', 'TEAM_LEAD'] as const)('keeps a %s on the inbox', async (role) => {
    setJustSignedIn(true);
    renderAt('/', role);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('only redirects right after a sign-in: a later visit of / (Inbox link, reload) shows the inbox', async () => {
    setJustSignedIn(false);
    renderAt('/', 'MANAGER');
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('does not move a manager who signed in on the way to a thread', async () => {
    setJustSignedIn(true);
    renderAt('/threads/t1', 'MANAGER');
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('location')).toHaveTextContent('/threads/t1');
  });
});
