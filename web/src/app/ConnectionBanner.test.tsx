import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { theme } from './theme';
import { BANNER_TEXT, ConnectionBanner } from './ConnectionBanner';
import { createConnectionStatus } from './connection';

function setup() {
  const store = createConnectionStatus(true);
  store.connecting(false);
  store.connected(false);
  render(
    <MantineProvider theme={theme} env="test">
      <ConnectionBanner store={store} delayMs={1000} backMs={4000} />
    </MantineProvider>,
  );
  const banner = () => screen.getByRole('status');
  return { store, banner };
}

describe('ConnectionBanner', () => {
  afterEach(() => vi.useRealTimers());

  it('is an empty polite live region while connected', () => {
    const { banner } = setup();
    expect(banner()).toHaveAttribute('aria-live', 'polite');
    expect(banner()).toHaveAttribute('data-state', 'hidden');
    expect(banner()).toHaveTextContent('');
  });

  it('a drop shows "reconnecting" after the delay, then "back online", which goes away', async () => {
    vi.useFakeTimers();
    const { store, banner } = setup();
    act(() => store.closed(1006));
    await act(() => vi.advanceTimersByTimeAsync(999));
    expect(banner()).toHaveAttribute('data-state', 'hidden');
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(banner()).toHaveAttribute('data-state', 'reconnecting');
    expect(banner()).toHaveTextContent(BANNER_TEXT.reconnecting);

    act(() => {
      store.connecting(true);
      store.connected(true);
    });
    expect(banner()).toHaveAttribute('data-state', 'back');
    expect(banner()).toHaveTextContent(BANNER_TEXT.back);
    await act(() => vi.advanceTimersByTimeAsync(4000));
    expect(banner()).toHaveAttribute('data-state', 'hidden');
  });

  it('a blip shorter than the delay shows nothing at all', async () => {
    vi.useFakeTimers();
    const { store, banner } = setup();
    act(() => store.closed(4499));
    await act(() => vi.advanceTimersByTimeAsync(300));
    act(() => store.connected(true));
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(banner()).toHaveAttribute('data-state', 'hidden');
  });

  it('browser offline shows at once; online with the socket still down says reconnecting, then back', async () => {
    vi.useFakeTimers();
    const { store, banner } = setup();
    act(() => {
      store.setBrowserOnline(false);
      store.closed(4499);
    });
    expect(banner()).toHaveAttribute('data-state', 'offline');
    expect(banner()).toHaveTextContent(BANNER_TEXT.offline);
    act(() => store.setBrowserOnline(true));
    expect(banner()).toHaveAttribute('data-state', 'reconnecting');
    act(() => store.connected(true));
    expect(banner()).toHaveAttribute('data-state', 'back');
  });
});
