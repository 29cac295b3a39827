import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { CreateSlaPolicyMutation, SlaPolicyForm_policy, SlaPolicyFormModal, SlaPolicyFormOptionsQuery } from './SlaPolicyForm';
import { mockOp, renderWithProviders } from '../../test/render';

type PolicyData = ResultOf<typeof SlaPolicyForm_policy>;

const optionsMock = mockOp(
  SlaPolicyFormOptionsQuery,
  {},
  {
    businessCalendars: {
      __typename: 'BusinessCalendarConnection',
      edges: [{ __typename: 'BusinessCalendarEdge', node: { __typename: 'BusinessCalendar', id: 'cal1', name: 'Office NL', timezone: 'Europe/Amsterdam' } }],
    },
    teams: [{ __typename: 'Team', id: 'team1', name: 'Support NL' }],
  },
  { maxUsageCount: Number.POSITIVE_INFINITY },
);

const DEFAULT_ESCALATION = [
  { atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] },
  { atPercent: 90, action: 'ALERT', notify: ['TEAM_LEAD'] },
  { atPercent: 100, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] },
  { afterBreachSeconds: 86_400, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
] as const;

function created(name: string): ResultOf<typeof CreateSlaPolicyMutation> {
  const policy: PolicyData = {
    __typename: 'SlaPolicy',
    id: 'p-new',
    name,
    isActive: true,
    rank: 100,
    firstResponseSeconds: 5_400,
    nextResponseSeconds: null,
    resolutionSeconds: 172_800,
    calendar: null,
    conditions: { __typename: 'SlaConditions', channelTypes: [], priorities: [], customerTiers: [], threadTypes: [], teamIds: [] },
    escalation: [],
    updatedAt: new Date().toISOString(),
  };
  return {
    createSlaPolicy: { __typename: 'SlaPolicyPayload', slaPolicy: { __typename: 'SlaPolicy', id: 'p-new', ...makeFragmentData(policy, SlaPolicyForm_policy) }, errors: [] },
  };
}

const dialog = () => screen.getByRole('dialog', { name: 'New SLA policy' });
const input = (name: string) => within(dialog()).getByRole('textbox', { name });
const setNumber = (name: string, value: string) => fireEvent.change(input(name), { target: { value } });

describe('SLA policy form', () => {
  it('sends the targets typed in hours and minutes as seconds, with the default ladder', async () => {
    const variables: VariablesOf<typeof CreateSlaPolicyMutation> = {
      input: {
        name: 'VIP customers',
        isActive: true,
        rank: 100,
        firstResponseSeconds: 5_400,
        resolutionSeconds: 172_800,
        conditions: { channelTypes: [], priorities: [], customerTiers: [], threadTypes: [], teamIds: [] },
        escalation: DEFAULT_ESCALATION.map((s) => ({ ...s, notify: [...s.notify] })),
      },
    };
    const result = vi.fn(() => ({ data: created('VIP customers') }));
    const onClose = vi.fn();
    const onCreated = vi.fn();
    renderWithProviders(<SlaPolicyFormModal policy={null} opened onClose={onClose} onCreated={onCreated} />, {
      mocks: [optionsMock, { request: { query: CreateSlaPolicyMutation, variables }, result }],
    });

    fireEvent.change(input('Name'), { target: { value: 'VIP customers' } });
    setNumber('First response hours', '1');
    setNumber('First response minutes', '30');
    setNumber('Resolution hours', '48');
    expect(
      within(dialog())
        .getAllByTestId('duration-hint')
        .slice(0, 3)
        .map((h) => h.textContent),
    ).toEqual(['1h 30m', 'none', '2d']);
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Create policy' }));

    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(onCreated).toHaveBeenCalledTimes(1);
  });

  it('refuses an invalid ladder step before sending, and shows a server ladder error on its step', async () => {
    const variables: VariablesOf<typeof CreateSlaPolicyMutation> = {
      input: {
        name: 'Std',
        isActive: true,
        rank: 100,
        firstResponseSeconds: 14_400,
        conditions: { channelTypes: [], priorities: [], customerTiers: [], threadTypes: [], teamIds: [] },
        escalation: [{ atPercent: 50, action: 'REMIND', notify: ['ASSIGNEE'] }, ...DEFAULT_ESCALATION.slice(1).map((s) => ({ ...s, notify: [...s.notify] }))],
      },
    };
    const result = vi.fn(() => ({
      data: {
        createSlaPolicy: {
          __typename: 'SlaPolicyPayload' as const,
          slaPolicy: null,
          errors: [{ __typename: 'UserError' as const, code: 'SLA_ESCALATION_INVALID' as const, message: 'Escalation step 2 is not allowed here.', field: 'input.escalation.1' }],
        },
      },
    }));
    const onClose = vi.fn();
    renderWithProviders(<SlaPolicyFormModal policy={null} opened onClose={onClose} />, {
      mocks: [optionsMock, { request: { query: CreateSlaPolicyMutation, variables }, result }],
    });

    fireEvent.change(input('Name'), { target: { value: 'Std' } });
    setNumber('Step 1 percent', '0');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Create policy' }));

    const percent = input('Step 1 percent');
    await waitFor(() => expect(percent).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog()).getByText('A whole number from 1 to 1000.')).toBeInTheDocument();
    expect(result).not.toHaveBeenCalled();

    setNumber('Step 1 percent', '50');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Create policy' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    const steps = await within(dialog()).findAllByTestId('ladder-step');
    await waitFor(() => expect(steps[1]).toHaveAttribute('data-invalid', 'true'));
    expect(within(dialog()).getByTestId('ladder-step-error')).toHaveTextContent('Escalation step 2 is not allowed here.');
    expect(steps[0]).not.toHaveAttribute('data-invalid');
    expect(onClose).not.toHaveBeenCalled();
  });
});
