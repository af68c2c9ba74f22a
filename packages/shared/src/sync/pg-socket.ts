import net from 'node:net';

// postgres.js opens its TCP connections with Nagle's algorithm on. A COPY ends with a 5-byte
// CopyDone message written after the data; Nagle holds it until the server acknowledges the
// data, and the server delays that ACK (40 ms on Linux) — once per page. With TCP_NODELAY a
// 5,000-row snapshot page goes in twice as fast (9 vs 19 µs per journal item, measured).

interface ConnectOptions {
  host: string[];
  port: number[];
  path?: string | false;
  /** Seconds, postgres.js' own option (default 30). */
  connect_timeout?: number;
}

/** The `socket` option for postgres.js: its connection, with TCP_NODELAY, hosts tried in order. */
export async function connectNoDelay(opts: ConnectOptions): Promise<net.Socket> {
  const timeoutMs = (opts.connect_timeout ?? 30) * 1000;
  if (opts.path) return open({ path: opts.path }, timeoutMs);
  let failure: unknown;
  for (let i = 0; i < opts.host.length; i++) {
    try {
      return await open({ host: opts.host[i], port: opts.port[i] ?? opts.port[0] }, timeoutMs);
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}

function open(
  target: { path: string } | { host: string; port: number },
  timeoutMs: number,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ ...target, noDelay: true });
    const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(new Error(`connect CONNECT_TIMEOUT ${where}`), { code: 'CONNECT_TIMEOUT' }),
      );
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
