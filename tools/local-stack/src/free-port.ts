import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports the kernel hands out by itself: to every outgoing connection (a test's Postgres
 * clients, fetches) and to every `listen(0)`. A port found free there can be taken by another
 * process between our check and our `listen` (parallel test files did: EADDRINUSE), so the
 * ports handed out here are below this range. Linux's default when /proc is unreadable.
 */
export function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // Not Linux: the kernel's own default below.
  }
  return [32768, 60999];
}

/** No port could be found: the kernel refused even to pick one. */
export class FreePortError extends Error {
  override name = 'FreePortError';
}

const LOWEST = 10_000;
const TRIES = 50;

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EADDRINUSE' || e.code === 'EACCES' ? resolve(null) : reject(e),
    );
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : null));
    });
  });
}

/**
 * A port free on 127.0.0.1 for a server about to start: a random one between 10,000 and the
 * kernel's ephemeral range (nobody is handed it meanwhile unless they ask for that very port),
 * or, when none of 50 tries is free, one the kernel picks.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const span = low - LOWEST;
  if (span > 0) {
    for (let i = 0; i < TRIES; i++) {
      const port = await listenOnce(LOWEST + Math.floor(Math.random() * span));
      if (port) return port;
    }
  }
  const port = await listenOnce(0);
  if (!port) throw new FreePortError('no free port on 127.0.0.1: the kernel gave none');
  return port;
}
