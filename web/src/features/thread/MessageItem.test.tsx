import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { makeFragmentData } from '../../gql';
import { MessageItem, MessageItem_message } from './MessageItem';
import { renderWithProviders } from '../../test/render';

type MessageData = ResultOf<typeof MessageItem_message>;
type AttachmentData = MessageData['attachments'][number];

function attachment(a: Partial<AttachmentData> & { kind: string }): AttachmentData {
  return {
    __typename: 'Attachment',
    mimeType: null,
    url: null,
    fileName: null,
    caption: null,
    latitude: null,
    longitude: null,
    name: null,
    address: null,
    ...a,
  };
}

function renderMessage(attachments: AttachmentData[], content = '') {
  const data: MessageData = {
    __typename: 'Message',
    id: 'm1',
    type: 'INCOMING',
    content,
    subject: null,
    createdAt: new Date().toISOString(),
    deliveryStatus: 'DELIVERED',
    readAt: null,
    contentHtml: null,
    canRetry: false,
    channel: { __typename: 'Channel', id: 'ch-wa', type: 'WHATSAPP_BUSINESS' },
    deliveries: [],
    sender: { __typename: 'MessageSender', kind: 'CUSTOMER', name: 'Mario Rossi' },
    attachments,
  };
  return renderWithProviders(<MessageItem message={makeFragmentData(data, MessageItem_message)} />);
}

describe('MessageItem attachments', () => {
  it('renders an image with a url as a thumbnail that opens the full-size image', async () => {
    renderMessage([attachment({ kind: 'image', url: 'https://cdn.example/meter.jpg', fileName: 'meter.jpg', mimeType: 'image/jpeg', caption: 'My meter' })]);
    const thumb = within(screen.getByTestId('attachment-image')).getByRole('img', { name: 'My meter' });
    expect(thumb).toHaveAttribute('src', 'https://cdn.example/meter.jpg');

    await userEvent.click(screen.getByRole('button', { name: 'Open meter.jpg full size' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('attachment-image-full')).toHaveAttribute('src', 'https://cdn.example/meter.jpg');
    expect(within(dialog).getByRole('link', { name: 'Open original' })).toHaveAttribute('href', 'https://cdn.example/meter.jpg');
  });

  it('renders other attachments as file chips (a link when there is a url)', () => {
    renderMessage([
      attachment({ kind: 'document', url: 'https://cdn.example/document.pdf', fileName: 'document.pdf', mimeType: 'application/pdf' }),
      attachment({ kind: 'image' }), // WhatsApp media without a downloadable url
    ]);
    const [doc, img] = screen.getAllByTestId('attachment-file');
    expect(within(doc!).getByRole('link', { name: 'document.pdf' })).toHaveAttribute('href', 'https://cdn.example/document.pdf');
    expect(doc).toHaveTextContent('application/pdf');
    expect(img).toHaveTextContent('Photo');
    expect(within(img!).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.queryByTestId('attachment-image')).not.toBeInTheDocument();
  });

  it('links a location to OpenStreetMap', () => {
    renderMessage([attachment({ kind: 'location', latitude: 45.4642, longitude: 9.19, name: 'Duomo', address: 'Piazza del Duomo, Milano' })]);
    const link = within(screen.getByTestId('attachment-location')).getByRole('link', { name: 'Duomo' });
    expect(link.getAttribute('href')).toMatch(/^https:\/\/www\.openstreetmap\.org\/\?mlat=45\.4642&mlon=9\.19(#|$)/);
    expect(screen.getByText('Piazza del Duomo, Milano')).toBeInTheDocument();
  });

  it('falls back to a file chip when the thumbnail cannot load, and does not repeat a caption equal to the text', () => {
    renderMessage([attachment({ kind: 'image', url: '/media/m1/0?exp=1&sig=x', caption: 'Zo ziet het display eruit' })], 'Zo ziet het display eruit');
    expect(screen.getAllByText('Zo ziet het display eruit')).toHaveLength(1);
    fireEvent.error(within(screen.getByTestId('attachment-image')).getByRole('img'));
    const chip = screen.getByTestId('attachment-file');
    expect(chip).toHaveTextContent('preview unavailable');
    expect(within(chip).getByRole('link', { name: 'Photo' })).toHaveAttribute('href', '/media/m1/0?exp=1&sig=x');
  });
});
