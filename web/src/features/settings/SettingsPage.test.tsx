import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { ApiKeysTab, SettingsApiKeysQuery } from './ApiKeysTab';
import { ApiKeyChannelsQuery } from './CreateApiKeyModal';
import { CreateApiKeyMutation } from './useCreateApiKey';
import { ApiKeyRow_apiKey } from './ApiKeyRow';
import { ChannelsTab, SettingsChannelsQuery } from './ChannelsTab';
import { ChannelCard_channel } from './ChannelCard';
import { ChannelForm_channel } from './ChannelForm';
import { UpdateChannelMutation } from './useUpdateChannel';
import { mergeFragmentData, mockOp, renderWithProviders } from '../../test/render';

const SECRET = 'hub_live_7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e';

describe('API keys', () => {
  it('shows the secret once after create, in a copyable box with a warning; never again', async () => {
    const created: ResultOf<typeof ApiKeyRow_apiKey> = {
      __typename: 'ApiKey',
      id: 'k1',
      name: 'ERP import',
      prefix: 'hub_live_7f3a',
      scopes: ['INGEST', 'READ'],
      channel: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date().toISOString(),
    };
    const variables: VariablesOf<typeof CreateApiKeyMutation> = { input: { name: 'ERP import', scopes: ['INGEST', 'READ'] } };
    const result = vi.fn(() => ({
      data: {
        createApiKey: {
          __typename: 'CreateApiKeyPayload',
          apiKey: { __typename: 'ApiKey', id: 'k1', ...makeFragmentData(created, ApiKeyRow_apiKey) },
          secret: SECRET,
          errors: [],
        },
      } satisfies ResultOf<typeof CreateApiKeyMutation>,
    }));
    const { cache } = renderWithProviders(<ApiKeysTab />, {
      mocks: [
        mockOp(SettingsApiKeysQuery, {}, { apiKeys: [] }, { maxUsageCount: Number.POSITIVE_INFINITY }),
        mockOp(ApiKeyChannelsQuery, {}, { channels: [] }, { maxUsageCount: Number.POSITIVE_INFINITY }),
        { request: { query: CreateApiKeyMutation, variables }, result },
      ],
    });

    expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'New API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'New API key' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'ERP import' } });
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Ingest/ }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Read/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));

    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    const box = await screen.findByTestId('api-key-secret-box');
    expect(within(box).getByTestId('api-key-secret')).toHaveTextContent(SECRET);
    expect(box).toHaveTextContent('only time the secret');
    expect(within(box).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    // The new key is listed; the secret is not kept in the Apollo cache.
    expect(await screen.findByTestId('api-key-row')).toHaveTextContent('ERP import');
    expect(JSON.stringify(cache.extract())).not.toContain(SECRET);

    await userEvent.click(within(box).getByRole('button', { name: 'I have copied it' }));
    await waitFor(() => expect(screen.queryByTestId('api-key-secret-box')).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole('button', { name: 'New API key' }));
    await screen.findByRole('dialog', { name: 'New API key' });
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(screen.queryByTestId('api-key-secret-box')).not.toBeInTheDocument();
  });
});

describe('Channels', () => {
  const channel = {
    __typename: 'Channel' as const,
    id: 'ch-wa',
    type: 'WHATSAPP_BUSINESS' as const,
    name: 'WhatsApp NL',
    isActive: true,
    provider: 'whatsapp',
    canSend: true,
    webhookUrl: 'https://hub.example.com/webhooks/whatsapp',
    responseSlaHours: 4,
    configuration: { phoneNumberId: '1234567890', displayPhoneNumber: '+31 20 123 4567', appSecret: '••••cret', verifyToken: '••••oken', accessToken: '••••1234' },
    secretKeys: ['appSecret', 'verifyToken', 'accessToken'],
    health: {
      __typename: 'ChannelHealth' as const,
      lastInboundAt: new Date(Date.now() - 3_600_000).toISOString(),
      lastSendAt: null,
      lastError: null,
      lastErrorAt: null,
      subscriptionExpiresAt: null,
    },
  };
  const channelsData: ResultOf<typeof SettingsChannelsQuery> = {
    channels: [
      {
        __typename: 'Channel',
        id: 'ch-wa',
        ...mergeFragmentData(
          makeFragmentData(
            {
              __typename: 'Channel',
              id: channel.id,
              type: channel.type,
              name: channel.name,
              isActive: channel.isActive,
              provider: channel.provider,
              canSend: channel.canSend,
              webhookUrl: channel.webhookUrl,
              health: channel.health,
              ...makeFragmentData(
                {
                  __typename: 'Channel',
                  id: channel.id,
                  type: channel.type,
                  name: channel.name,
                  responseSlaHours: 4,
                  configuration: channel.configuration,
                  secretKeys: channel.secretKeys,
                },
                ChannelForm_channel,
              ),
            },
            ChannelCard_channel,
          ),
          makeFragmentData(
            {
              __typename: 'Channel',
              id: channel.id,
              type: channel.type,
              name: channel.name,
              responseSlaHours: 4,
              configuration: channel.configuration,
              secretKeys: channel.secretKeys,
            },
            ChannelForm_channel,
          ),
        ),
      },
    ],
  };

  it('lists health and the webhook URL; maps an input.configuration.appSecret error to the App secret input', async () => {
    const variables: VariablesOf<typeof UpdateChannelMutation> = { input: { channelId: 'ch-wa', configuration: { appSecret: 'short' } } };
    const result = vi.fn(() => ({
      data: {
        updateChannel: {
          __typename: 'ChannelPayload',
          channel: null,
          errors: [{ __typename: 'UserError', code: 'VALIDATION_FAILED', message: 'appSecret must be 32 hex characters', field: 'input.configuration.appSecret' }],
        },
      } satisfies ResultOf<typeof UpdateChannelMutation>,
    }));
    renderWithProviders(<ChannelsTab />, {
      mocks: [mockOp(SettingsChannelsQuery, {}, channelsData, { maxUsageCount: Number.POSITIVE_INFINITY }), { request: { query: UpdateChannelMutation, variables }, result }],
    });

    const card = await screen.findByTestId('channel-card');
    expect(within(card).getByRole('img', { name: 'WhatsApp' })).toBeInTheDocument();
    expect(within(card).getByTestId('channel-webhook-url')).toHaveTextContent('https://hub.example.com/webhooks/whatsapp');
    expect(within(card).getByRole('button', { name: 'Copy webhook URL' })).toBeInTheDocument();
    expect(within(card).getByRole('switch', { name: 'WhatsApp NL active' })).toBeChecked();

    await userEvent.click(within(card).getByRole('button', { name: 'Edit WhatsApp NL' }));
    const dialog = await screen.findByRole('dialog');
    const appSecret = within(dialog).getByLabelText('App secret');
    // Secrets are write-only: empty input with the masked value as placeholder.
    expect(appSecret).toHaveValue('');
    expect(appSecret).toHaveAttribute('placeholder', '••••cret');
    expect(within(dialog).getByRole('textbox', { name: 'Phone number ID' })).toHaveValue('1234567890');

    fireEvent.change(appSecret, { target: { value: 'short' } });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(result).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(appSecret).toHaveAttribute('aria-invalid', 'true'));
    expect(appSecret).toHaveAccessibleDescription(expect.stringContaining('appSecret must be 32 hex characters'));
    expect(within(dialog).getByRole('textbox', { name: 'Phone number ID' })).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('channel-form-error')).not.toBeInTheDocument();
  });

  it('"Rotate" generates a random webhook secret', async () => {
    renderWithProviders(<ChannelsTab />, { mocks: [mockOp(SettingsChannelsQuery, {}, channelsData, { maxUsageCount: Number.POSITIVE_INFINITY })] });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit WhatsApp NL' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate Verify token' }));
    expect((within(dialog).getByLabelText('Verify token') as HTMLInputElement).value).toMatch(/^[0-9a-f]{48}$/);
    // App secret is issued by Meta: no rotate.
    expect(within(dialog).queryByRole('button', { name: 'Rotate App secret' })).not.toBeInTheDocument();
  });
});
