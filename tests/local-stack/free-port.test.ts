import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralRange, freePort } from '../../tools/local-stack/src/free-port.ts';

const listen = (port: number) =>
  new Promise<() => Promise<void>>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise<void>((done) => srv.close(() => done()))),
    );
  });

describe('freePort', () => {
  it('hands out ports outside the range the kernel gives to outgoing connections and listen(0)', async () => {
    // Inside that range, any client socket of a parallel test file could take the port between
    // freePort() and the server's listen (the EADDRINUSE seen in CI).
    const [low, high] = ephemeralRange();
    expect(low).toBeGreaterThan(10_000);
    for (let i = 0; i < 100; i++) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port < low || port > high).toBe(true);
    }
  });

  it('hands out a port a server can listen on at once, never one already taken', async () => {
    const taken: Array<() => Promise<void>> = [];
    const ports = new Set<number>();
    try {
      for (let i = 0; i < 100; i++) {
        const port = await freePort();
        expect(ports.has(port)).toBe(false);
        ports.add(port);
        taken.push(await listen(port));
      }
    } finally {
      await Promise.all(taken.map((close) => close()));
    }
  });
});
