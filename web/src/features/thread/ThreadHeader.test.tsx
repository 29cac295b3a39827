import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import type { MockLink } from '@apollo/client/testing';
import { makeFragmentData } from '../../gql';
import { createCache } from '../../app/apollo';
import { ThreadHeader, ThreadHeader_thread, ThreadHeaderAgentsQuery } from './ThreadHeader';
import { EditCustomerModal_customer } from '../customer/EditCustomerModal';
import { UpdateCustomerMutation } from '../customer/useUpdateCustomer';
import { FromCache, mockOp, renderWithProviders } from '../../test/render';

type CustomerData = ResultOf<typeof EditCustomerModal_customer>;
type HeaderData = ResultOf<typeof ThreadHeader_thread>;
type UpdateData = ResultOf<typeof UpdateCustomerMutation>;
type UpdateVars = VariablesOf<typeof UpdateCustomerMutation>;

const LONG_SUBJECT = 'Wallbox installation in the garage of the new house in Milano, second floor';

const mario: CustomerData = {
  __typename: 'Customer',
  id: 'c1',
  name: 'Mario Rossi',
  email: 'mario@example.it',
  phone: '+393331234567',
  companyName: null,
  codiceFiscale: null,
  partitaIva: null,
  pec: null,
  sdi: null,
  tier: 'STANDARD',
};

function headerData(customer: CustomerData | null): HeaderData {
  return {
    __typename: 'Thread',
    id: 't1',
    subject: LONG_SUBJECT,
    status: 'OPEN',
    priority: 'NORMAL',
    orderReference: null,
    responseDueAt: null,
    overdue: false,
    firstResponseAt: null,
    resolvedAt: null,
    unread: false,
    snoozedUntil: null,
    sla: null,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS', name: 'WhatsApp' },
    customer: customer && {
      __typename: 'Customer',
      id: customer.id,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      companyName: customer.companyName,
      tier: customer.tier,
      ...makeFragmentData(customer, EditCustomerModal_customer),
    },
    assignee: null,
  };
}

const agentsMock = mockOp(ThreadHeaderAgentsQuery, {}, { agents: { __typename: 'UserConnection', edges: [] } }, { maxUsageCount: Number.POSITIVE_INFINITY });

function updateMock(variables: UpdateVars, data: UpdateData) {
  const result = vi.fn(() => ({ data }));
  return { mock: { request: { query: UpdateCustomerMutation, variables }, result }, result };
}

/** The header reads its thread from the cache (as under ThreadView), so mutation results re-render it. */
function renderHeader(customer: CustomerData | null, mocks: ReadonlyArray<MockLink.MockedResponse<any, any>> = []) {
  const cache = createCache();
  cache.writeFragment({ fragment: ThreadHeader_thread, fragmentName: 'ThreadHeader_thread', data: headerData(customer) });
  return renderWithProviders(
    <FromCache fragment={ThreadHeader_thread} fragmentName="ThreadHeader_thread" from={{ __typename: 'Thread', id: 't1' }}>
      {(thread) => <ThreadHeader thread={thread} />}
    </FromCache>,
    { cache, mocks: [agentsMock, ...mocks] },
  );
}

const dialog = () => screen.getByRole('dialog', { name: 'Edit customer' });
const field = (label: string) => within(dialog()).getByRole('textbox', { name: label });

describe('ThreadHeader', () => {
  it('shows the full subject on its own line (clamped to 2 lines, not truncated by the controls)', async () => {
    renderHeader(mario);
    const title = await screen.findByTestId('thread-subject-title');
    expect(title).toHaveTextContent(LONG_SUBJECT);
    expect(title).toHaveAttribute('title', LONG_SUBJECT);
    // The status/priority/assignee selects are not in the subject's row.
    expect(title.parentElement).not.toContainElement(screen.getByRole('combobox', { name: 'Status' }));
  });

  it('shows the live SLA countdown and the policy under the subject', async () => {
    const cache = createCache();
    cache.writeFragment({
      fragment: ThreadHeader_thread,
      fragmentName: 'ThreadHeader_thread',
      data: {
        ...headerData(mario),
        sla: {
          __typename: 'ThreadSla',
          paused: false,
          breached: false,
          percentUsed: 91,
          firstResponseDueAt: new Date(Date.now() + 20 * 60_000 + 30_000).toISOString(),
          nextResponseDueAt: null,
          resolutionDueAt: new Date(Date.now() + 48 * 3600_000).toISOString(),
          policy: { __typename: 'SlaPolicy', id: 'p1', name: 'Premium 1h' },
        },
      },
    });
    renderWithProviders(
      <FromCache fragment={ThreadHeader_thread} fragmentName="ThreadHeader_thread" from={{ __typename: 'Thread', id: 't1' }}>
        {(thread) => <ThreadHeader thread={thread} />}
      </FromCache>,
      { cache, mocks: [agentsMock] },
    );
    const badge = await screen.findByTestId('due-label');
    expect(badge).toHaveTextContent('first response 20m left');
    expect(badge).toHaveAttribute('data-sla-color', 'orange');
    expect(screen.getByTestId('sla-policy')).toHaveTextContent('SLA: Premium 1h');
  });

  it('hides "Edit customer" when the thread has no customer', async () => {
    renderHeader(null);
    expect(await screen.findByTestId('customer-name')).toHaveTextContent('Unknown customer');
    expect(screen.queryByRole('button', { name: 'Edit customer' })).not.toBeInTheDocument();
  });

  it('opens a prefilled form and shows a VALIDATION_FAILED error on input.partitaIva under the Partita IVA input', async () => {
    const update = updateMock(
      { input: { customerId: 'c1', partitaIva: '12345678901' } },
      {
        updateCustomer: {
          __typename: 'CustomerPayload',
          customer: null,
          errors: [
            {
              __typename: 'UserError',
              code: 'VALIDATION_FAILED',
              message: 'Not a valid partita IVA (11 digits with a valid check digit).',
              field: 'input.partitaIva',
            },
          ],
        },
      },
    );
    renderHeader(mario, [update.mock]);

    await userEvent.click(await screen.findByRole('button', { name: 'Edit customer' }));
    expect(field('Name')).toHaveValue('Mario Rossi');
    expect(field('Email')).toHaveValue('mario@example.it');
    expect(field('Phone')).toHaveValue('+393331234567');
    expect(field('Partita IVA')).toHaveValue('');
    expect(within(dialog()).getByRole('combobox', { name: 'Tier' })).toHaveValue('Standard');

    await userEvent.type(field('Partita IVA'), '12345678901');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(update.result).toHaveBeenCalledTimes(1));
    const piva = field('Partita IVA');
    await waitFor(() => expect(piva).toHaveAttribute('aria-invalid', 'true'));
    expect(piva).toHaveAccessibleDescription('Not a valid partita IVA (11 digits with a valid check digit).');
    // Only that input is flagged; the form stays open with the draft.
    expect(field('Phone')).not.toHaveAttribute('aria-invalid', 'true');
    expect(piva).toHaveValue('12345678901');
    expect(screen.queryByTestId('customer-form-error')).not.toBeInTheDocument();
  });

  it('saves the edited values with updateCustomer and the header shows them (cache by id)', async () => {
    const saved: CustomerData = {
      ...mario,
      name: 'Mario Rossi Impianti',
      phone: '+390212345678',
      companyName: 'Rossi Impianti Srl',
      partitaIva: '01234567897',
      sdi: 'ABC1234',
      email: null,
      tier: 'BUSINESS',
    };
    const update = updateMock(
      {
        input: {
          customerId: 'c1',
          name: 'Mario Rossi Impianti',
          phone: '+390212345678',
          companyName: 'Rossi Impianti Srl',
          partitaIva: '01234567897',
          sdi: 'ABC1234',
          email: null,
          tier: 'BUSINESS',
        },
      },
      {
        updateCustomer: {
          __typename: 'CustomerPayload',
          customer: { __typename: 'Customer', id: 'c1', ...makeFragmentData(saved, EditCustomerModal_customer) },
          errors: [],
        },
      },
    );
    renderHeader(mario, [update.mock]);

    await userEvent.click(await screen.findByRole('button', { name: 'Edit customer' }));
    await userEvent.clear(field('Name'));
    await userEvent.type(field('Name'), 'Mario Rossi Impianti');
    await userEvent.clear(field('Phone'));
    await userEvent.type(field('Phone'), '+390212345678');
    await userEvent.clear(field('Email'));
    await userEvent.type(field('Company name'), 'Rossi Impianti Srl');
    await userEvent.type(field('Partita IVA'), '01234567897');
    await userEvent.type(field('SDI code'), 'ABC1234');
    await userEvent.click(within(dialog()).getByRole('combobox', { name: 'Tier' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Business' }));
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(update.result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit customer' })).not.toBeInTheDocument());
    expect(screen.getByTestId('customer-name')).toHaveTextContent('Mario Rossi Impianti');
    expect(screen.getByTestId('customer-phone')).toHaveTextContent('+390212345678');
    expect(screen.getByTestId('customer-company')).toHaveTextContent('Rossi Impianti Srl');
    expect(screen.getByTestId('customer-tier')).toHaveTextContent('Business');
    expect(screen.queryByTestId('customer-email')).not.toBeInTheDocument();
  });
});
