import { Activity } from './activity.ts';
import type { Books } from './books.ts';
import { DEFAULT_SCALE, generate } from './generator.ts';
import { OdooHttpServer } from './odoo-http-server.ts';
import { SimControl } from './sim-control.ts';
import { ADMIN_UID, Store } from './store.ts';

export { type AgedRow, agedBalance, agingBucket } from './aged-balance.ts';
export { DEFAULT_CATALOG } from './catalog.ts';
export type { Fault, FaultKind } from './faults.ts';
export type { RequestCounts } from './odoo-http-server.ts';
export { SimControl, type SimOp, SimTransaction } from './sim-control.ts';
export { DEFAULT_SCALE };

export interface SimOptions {
  /** 0 = random free port. */
  port?: number;
  host?: string;
  /** Target number of journal items (account.move.line); default DEFAULT_SCALE (20,000). */
  scale?: number;
  seed?: number;
  odooVersion?: 17 | 19;
  db?: string;
  login?: string;
  apiKey?: string;
  activity?: boolean | { intervalMs?: number };
}

export interface RunningSim {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  uid: number;
  odooVersion: number;
  control: SimControl;
  /** ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY for a client of this simulator. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** What `readyLine` announces (and `parseReadyLine` reads back). */
export interface SimEndpoint {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  uid: number;
  odooVersion: number;
}

/** Starts the one machine-readable line the CLI prints on stdout once it listens. */
export const SIM_READY_MARKER = 'ODOO_SIM_READY';

/** `ODOO_SIM_READY {"url":…,"db":…,"login":…,"apiKey":…,"uid":…,"odooVersion":…}` */
export function readyLine(sim: SimEndpoint): string {
  const { url, db, login, apiKey, uid, odooVersion } = sim;
  return `${SIM_READY_MARKER} ${JSON.stringify({ url, db, login, apiKey, uid, odooVersion })}`;
}

/** For a parent process reading the CLI's stdout: the endpoint, or undefined for other lines. */
export function parseReadyLine(line: string): SimEndpoint | undefined {
  const prefix = `${SIM_READY_MARKER} `;
  if (!line.startsWith(prefix)) return undefined;
  return JSON.parse(line.slice(prefix.length)) as SimEndpoint;
}

/** Builds the data, starts the HTTP server and (optionally) the activity timer. */
export async function startOdooSim(opts: SimOptions = {}): Promise<RunningSim> {
  const version = opts.odooVersion ?? 17;
  if (version !== 17 && version !== 19)
    throw new Error(`startOdooSim: unsupported odooVersion ${version}`);
  const db = opts.db ?? 'demo';
  const login = opts.login ?? 'admin';
  const apiKey = opts.apiKey ?? 'admin';
  const seed = opts.seed ?? 1;
  const store = new Store(version);
  const books: Books = generate(store, { scale: opts.scale ?? DEFAULT_SCALE, seed });
  let control!: SimControl;
  const server = new OdooHttpServer(store, { db, login, apiKey, version }, (action, body, url) =>
    control.handle(action, body, url),
  );
  control = new SimControl(store, books, server);
  const activity = new Activity(store, books, seed);
  control.activity = activity;
  const host = opts.host ?? '127.0.0.1';
  const port = await server.listen(opts.port ?? 0, host);
  if (opts.activity) {
    activity.start(typeof opts.activity === 'object' ? opts.activity.intervalMs : undefined);
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    env: { ODOO_URL: url, ODOO_DB: db, ODOO_USERNAME: login, ODOO_API_KEY: apiKey },
    db,
    login,
    apiKey,
    uid: ADMIN_UID,
    odooVersion: version,
    control,
    close: async () => {
      activity.stop();
      await server.close();
    },
  };
}
