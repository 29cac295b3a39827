import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { EditCustomerModal_customer } from './EditCustomerModal';
import { DuplicateSuggestions } from './DuplicateSuggestions';
import { MergeThreadModal } from './MergeThreadModal';
import { CustomerDuplicatesQuery, CustomerThreadsForMergeQuery, MergeCustomersMutation, MergeThreadsMutation } from './useMerge';
import { mockOp, renderWithProviders } from '../../test/render';

const giulia: ResultOf<typeof EditCustomerModal_customer> = {
  __typename: 'Customer',
  id: 'c-primary',
  name: 'Giulia Romano',
  email: 'giulia@example.it',
  phone: '+393337654321',
  companyName: 'Romano Impianti',
  codiceFiscale: null,
  partitaIva: null,
  pec: null,
  sdi: null,
  tier: 'STANDARD',
};

const duplicates = (list: { id: string; name: string; phone: string | null }[]): ResultOf<typeof CustomerDuplicatesQuery> => ({
  node: {
    __typename: 'Customer',
    id: 'c-primary',
    duplicateSuggestions: list.map((d) => ({ __typename: 'Customer' as const, id: d.id, name: d.name, email: null, phone: d.phone, companyName: null })),
  },
});

describe('merge UI', () => {
  it('lists a suggested duplicate and merges it into the customer after confirmation', async () => {
    let merged = false;
    const mocks = [
      mockOp(CustomerDuplicatesQuery, { id: 'c-primary' }, duplicates([{ id: 'c-dup', name: 'G. Romano (WhatsApp)', phone: '+393337654321' }])),
      {
        request: { query: MergeCustomersMutation, variables: { primaryId: 'c-primary', duplicateId: 'c-dup' } },
        result: () => {
          merged = true;
          return {
            data: {
              mergeCustomers: {
                __typename: 'CustomerPayload',
                customer: { __typename: 'Customer', ...makeFragmentData(giulia, EditCustomerModal_customer), id: 'c-primary' },
                errors: [],
              },
            },
          };
        },
      },
      mockOp(CustomerDuplicatesQuery, { id: 'c-primary' }, duplicates([])),
    ];
    renderWithProviders(<DuplicateSuggestions customerId="c-primary" customerName="Giulia Romano" />, { mocks });

    const row = await screen.findByTestId('duplicate-suggestion');
    expect(within(row).getByText('G. Romano (WhatsApp)')).toBeInTheDocument();
    expect(within(row).getByText('+393337654321')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Merge G. Romano (WhatsApp)' }));

    const dialog = await screen.findByRole('dialog', { name: 'Merge customers' });
    expect(dialog).toHaveTextContent('Merge G. Romano (WhatsApp) into Giulia Romano?');
    expect(merged).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Merge' }));
    await waitFor(() => expect(merged).toBe(true));
    // Refetched: no suggestion left, the panel disappears.
    await waitFor(() => expect(screen.queryByTestId('duplicate-suggestions')).not.toBeInTheDocument());
  });

  it('shows the API error of a refused merge and keeps the dialog open', async () => {
    const mocks = [
      mockOp(CustomerDuplicatesQuery, { id: 'c-primary' }, duplicates([{ id: 'c-gone', name: 'Gone', phone: null }])),
      mockOp(
        MergeCustomersMutation,
        { primaryId: 'c-primary', duplicateId: 'c-gone' },
        {
          mergeCustomers: {
            __typename: 'CustomerPayload',
            customer: null,
            errors: [{ __typename: 'UserError', code: 'NOT_FOUND', message: 'Customer not found.', field: 'duplicateId' }],
          },
        },
      ),
    ];
    renderWithProviders(<DuplicateSuggestions customerId="c-primary" customerName="Giulia Romano" />, { mocks });
    await userEvent.click(await screen.findByRole('button', { name: 'Merge Gone' }));
    const dialog = await screen.findByRole('dialog', { name: 'Merge customers' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Merge' }));
    expect(await within(dialog).findByTestId('merge-error')).toHaveTextContent(/no longer exists/);
  });

  it('"Merge into…" picks another conversation of the customer, merges this one into it and opens it', async () => {
    const thread = (id: string, subject: string, type: 'WHATSAPP_BUSINESS' | 'EMAIL_OUTLOOK', mergedInto: string | null = null) => ({
      __typename: 'Thread' as const,
      id,
      subject,
      status: 'OPEN' as const,
      lastMessageAt: '2026-11-30T10:00:00.000Z',
      mergedInto: mergedInto ? { __typename: 'Thread' as const, id: mergedInto } : null,
      channel: { __typename: 'Channel' as const, id: `ch-${type}`, type, name: type === 'WHATSAPP_BUSINESS' ? 'WhatsApp' : 'Outlook' },
    });
    let mergedVars: unknown = null;
    const mocks = [
      mockOp(
        CustomerThreadsForMergeQuery,
        { customerId: 'c-primary' },
        {
          threads: {
            __typename: 'ThreadConnection',
            edges: [
              { __typename: 'ThreadEdge', node: thread('t-mail', 'Laadpaal defect', 'EMAIL_OUTLOOK') },
              { __typename: 'ThreadEdge', node: thread('t-wa', 'Foto via WhatsApp', 'WHATSAPP_BUSINESS') },
              { __typename: 'ThreadEdge', node: thread('t-old', 'Older, merged', 'WHATSAPP_BUSINESS', 't-mail') },
            ],
          },
        },
      ),
      {
        request: { query: MergeThreadsMutation, variables: { targetId: 't-wa', sourceIds: ['t-mail'] } },
        result: (vars: unknown) => {
          mergedVars = vars;
          return {
            data: {
              mergeThreads: {
                __typename: 'MergeThreadsPayload',
                thread: { __typename: 'Thread', id: 't-wa', status: 'OPEN', lastMessageAt: '2026-11-30T10:05:00.000Z' },
                sources: [{ __typename: 'Thread', id: 't-mail', status: 'CLOSED' }],
                errors: [],
              },
            },
          };
        },
      },
    ];
    renderWithProviders(
      <Routes>
        <Route path="/threads/t-mail" element={<MergeThreadModal threadId="t-mail" customerId="c-primary" opened onClose={() => {}} />} />
        <Route path="/threads/t-wa" element={<div data-testid="target-open">target</div>} />
      </Routes>,
      { mocks, route: '/threads/t-mail' },
    );
    const dialog = await screen.findByRole('dialog', { name: 'Merge into another conversation' });
    const merge = within(dialog).getByRole('button', { name: 'Merge' });
    expect(merge).toBeDisabled();
    await userEvent.click(await within(dialog).findByPlaceholderText('Pick a conversation'));
    const options = await screen.findAllByRole('option');
    // Neither this conversation nor one already merged elsewhere is offered.
    expect(options.map((o) => o.textContent)).toEqual(['Foto via WhatsApp · WhatsApp · Open']);
    await userEvent.click(options[0]!);
    await userEvent.click(merge);
    expect(await screen.findByTestId('target-open')).toBeInTheDocument();
    expect(mergedVars).toEqual({ targetId: 't-wa', sourceIds: ['t-mail'] });
  });
});
