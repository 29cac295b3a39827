import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisClient } from '../../src/shared/redis.js';

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe('createRedisClient', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hands a refused connection to onError; ioredis prints no "Unhandled error event" to stderr', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await closedPort();
    const errors: Error[] = [];
    const gotError = new Promise<void>((resolve) => {
      setTimeout(resolve, 5000);
      const client = createRedisClient(`redis://127.0.0.1:${port}`, { retryStrategy: () => null, maxRetriesPerRequest: 0 }, (err) => {
        errors.push(err);
        client.disconnect();
        resolve();
      });
    });
    await gotError;
    // ioredis reports an error without listener on the next tick: give it that tick.
    await new Promise((r) => setTimeout(r, 50));
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    expect(printed.mock.calls.map((c) => String(c[0]))).not.toContainEqual(expect.stringContaining('Unhandled error event'));
  });

  it('without onError the errors are still listened to (not printed)', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await closedPort();
    const client = createRedisClient(`redis://127.0.0.1:${port}`, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    await new Promise((resolve) => client.once('end', resolve));
    expect(client.listenerCount('error')).toBe(1);
    expect(printed.mock.calls.map((c) => String(c[0]))).not.toContainEqual(expect.stringContaining('Unhandled error event'));
  });
});
