import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { SettingsPage } from './SettingsPage';
import { SettingsSlaPoliciesQuery } from './SlaPolicyForm';
import { AppViewerQuery } from '../../app/viewer';
import { mockOp, renderWithProviders } from '../../test/render';

const viewer = (role: 'AGENT' | 'TEAM_LEAD' | 'MANAGER') =>
  mockOp(AppViewerQuery, {}, { viewer: { __typename: 'User', id: 'u1', name: 'Max', email: 'max@example.nl', role, availability: 'OFFLINE', teams: [] } });
const policies = mockOp(
  SettingsSlaPoliciesQuery,
  {},
  { slaPolicies: { __typename: 'SlaPolicyConnection', totalCount: 0, edges: [] } },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

describe('Settings by role', () => {
  it('gives a manager the SLA, business hours, routing and team tabs, without the admin-only ones', async () => {
    renderWithProviders(<SettingsPage />, { mocks: [viewer('MANAGER'), policies] });
    expect(await screen.findByRole('tab', { name: 'SLA policies', selected: true })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Business hours' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Routing' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Team assignment' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Channels' })).not.toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'API keys' })).not.toBeInTheDocument();
    expect(await screen.findByText(/No SLA policies yet/)).toBeInTheDocument();
  });

  it.each(['AGENT', 'TEAM_LEAD'] as const)('shows a %s no settings', async (role) => {
    renderWithProviders(<SettingsPage />, { mocks: [viewer(role)] });
    expect(await screen.findByText('Managers and administrators only')).toBeInTheDocument();
    expect(screen.queryByTestId('settings-page')).not.toBeInTheDocument();
  });
});
