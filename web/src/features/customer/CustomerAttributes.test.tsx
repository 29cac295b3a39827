import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../test/render';
import { attributeValue, CustomerAttributes, UpdateCustomerAttributesMutation } from './CustomerAttributes';

type Sent = { customerId: string; customAttributes: Record<string, unknown> };

/** A mock answering every updateCustomer with the merged attributes, recording what was sent. */
function saving(initial: Record<string, unknown>) {
  const sent: Sent[] = [];
  let current = { ...initial };
  const result = vi.fn(() => ({
    data: { updateCustomer: { __typename: 'CustomerPayload' as const, customer: { __typename: 'Customer' as const, id: 'c1', customAttributes: current }, errors: [] } },
  }));
  const mock = {
    request: {
      query: UpdateCustomerAttributesMutation,
      variables: (v: { input: Sent }) => {
        sent.push(v.input);
        current = { ...current, ...v.input.customAttributes };
        for (const [k, val] of Object.entries(v.input.customAttributes)) if (val === null) delete current[k];
        return true;
      },
    },
    result,
    maxUsageCount: 10,
  };
  return { sent, mock, result };
}

describe('CustomerAttributes', () => {
  it('adds, edits and removes attributes one key at a time (null removes)', async () => {
    const attrs = { carModel: 'Hyundai Ioniq 5', panels: 12 };
    const { sent, mock, result } = saving(attrs);
    renderWithProviders(<CustomerAttributes customerId="c1" attributes={attrs} />, { mocks: [mock] });

    await userEvent.type(screen.getByRole('textbox', { name: 'Attribute name' }), 'color');
    await userEvent.type(screen.getByRole('textbox', { name: 'Value' }), 'red');
    await userEvent.click(screen.getByRole('button', { name: 'Add attribute' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    expect(sent[0]).toEqual({ customerId: 'c1', customAttributes: { color: 'red' } });

    // A number stays a number.
    await userEvent.click(screen.getByRole('button', { name: 'Edit panels' }));
    const value = screen.getByRole('textbox', { name: 'Value of panels' });
    expect(value).toHaveValue('12');
    await userEvent.clear(value);
    await userEvent.type(value, '14');
    await userEvent.click(screen.getByRole('button', { name: 'Save panels' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(2));
    expect(sent[1]).toEqual({ customerId: 'c1', customAttributes: { panels: 14 } });

    await userEvent.click(screen.getByRole('button', { name: 'Remove carModel' }));
    await waitFor(() => expect(result).toHaveBeenCalledTimes(3));
    expect(sent[2]).toEqual({ customerId: 'c1', customAttributes: { carModel: null } });
  });

  it('refuses an invalid or existing key without calling the API', async () => {
    const { mock, result } = saving({ carModel: 'Ioniq' });
    renderWithProviders(<CustomerAttributes customerId="c1" attributes={{ carModel: 'Ioniq' }} />, { mocks: [mock] });
    const key = screen.getByRole('textbox', { name: 'Attribute name' });
    await userEvent.type(key, 'two words');
    await userEvent.type(screen.getByRole('textbox', { name: 'Value' }), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Add attribute' }));
    expect(await screen.findByTestId('attribute-error')).toHaveTextContent('Use letters, digits');
    await userEvent.clear(key);
    await userEvent.type(key, 'carModel');
    await userEvent.click(screen.getByRole('button', { name: 'Add attribute' }));
    expect(await screen.findByTestId('attribute-error')).toHaveTextContent('already exists');
    expect(result).not.toHaveBeenCalled();
    expect(within(screen.getByTestId('custom-attributes')).getByText('Ioniq')).toBeInTheDocument();
  });

  it('keeps the type an attribute had when the text reads as one', () => {
    expect(attributeValue('14', 12)).toBe(14);
    expect(attributeValue('fourteen', 12)).toBe('fourteen');
    expect(attributeValue('false', true)).toBe(false);
    expect(attributeValue(' 14 ', 'x')).toBe('14');
  });
});
