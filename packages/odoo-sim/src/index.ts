import { Activity } from './activity.ts';
import type { Books } from './books.ts';
import { DEFAULT_SCALE, generate } from './generator.ts';
import { OdooHttpServer } from './odoo-http-server.ts';
import { SimControl } from './sim-control.ts';
import { ADMIN_UID, Store } from './store.ts';
import { isOdooVersion, type OdooVersion } from './versions.ts';

export { type AgedRow, agedBalance, agingBucket } from './aged-balance.ts';
export { DEFAULT_CATALOG } from './catalog.ts';
export type { Fault, FaultKind } from './faults.ts';
export type { RequestCounts } from './odoo-http-server.ts';
export { SimControl, type SimOp, SimTransaction } from './sim-control.ts';
export { ODOO_VERSIONS, type OdooVersion, traits } from './versions.ts';
export { DEFAULT_SCALE };

/**
 * CPU time one display name costs Odoo (`nameCostUs`). A many2one's `[id, name]` makes Odoo
 * run the target's `_compute_display_name` in Python once per distinct record of the request:
 * a handful of ORM cache reads, a prefetch query amortized over the batch, string formatting.
 * Profiles of `search_read` on journal items put that in the tens of microseconds per record
 * on a production server; 25 µs is the low end, so the saving of `load=''` is not overstated.
 */
export const DEFAULT_NAME_COST_US = 25;

export interface SimOptions {
  /** 0 = random free port. */
  port?: number;
  host?: string;
  /** Target number of journal items (account.move.line); default DEFAULT_SCALE (20,000). */
  scale?: number;
  seed?: number;
  odooVersion?: OdooVersion;
  /** CPU µs per display name computed (0 disables); default DEFAULT_NAME_COST_US. */
  nameCostUs?: number;
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
  /** The version served now (an in-place `upgrade` changes it). */
  readonly odooVersion: OdooVersion;
  control: SimControl;
  /**
   * Upgrades the running database in place, one version at a time, as Odoo's upgrade
   * scripts do: catalog switched, data migrated by SQL (write_date untouched, ids kept).
   */
  upgrade(to: OdooVersion): void;
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
  if (!isOdooVersion(version)) throw new Error(`startOdooSim: unsupported odooVersion ${version}`);
  const db = opts.db ?? 'demo';
  const login = opts.login ?? 'admin';
  const apiKey = opts.apiKey ?? 'admin';
  const seed = opts.seed ?? 1;
  const store = new Store(version);
  store.nameCostUs = opts.nameCostUs ?? DEFAULT_NAME_COST_US;
  const books: Books = generate(store, { scale: opts.scale ?? DEFAULT_SCALE, seed });
  let control!: SimControl;
  const server = new OdooHttpServer(store, { db, login, apiKey }, (action, body, url) =>
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
    get odooVersion() {
      return store.version;
    },
    control,
    upgrade: (to) => control.upgrade(to),
    close: async () => {
      activity.stop();
      await server.close();
    },
  };
}
