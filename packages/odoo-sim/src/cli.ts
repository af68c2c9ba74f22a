/**
 * `npm run odoo-sim -- --port 8069 --scale 20000 --seed 1 --odoo-version 16|17|18|19 [--activity]
 *   [--activity-interval-ms 1000] [--name-cost-us 25] [--db demo] [--login admin]
 *   [--api-key admin] [--host 127.0.0.1]`
 *
 * `--port 0` picks a free port. Once the server listens, stdout gets a human-readable block
 * and then exactly one machine-readable line, for a parent process to wait for:
 *
 *   ODOO_SIM_READY {"url":"http://127.0.0.1:8069","db":"demo","login":"admin","apiKey":"admin","uid":2,"odooVersion":17}
 *
 * (a single line of JSON after the marker; nothing else on stdout starts with it). Errors go
 * to stderr with a non-zero exit. SIGINT/SIGTERM/SIGHUP close the server and exit 0.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_NAME_COST_US,
  DEFAULT_SCALE,
  type RunningSim,
  readyLine,
  startOdooSim,
} from './index.ts';
import { isOdooVersion, ODOO_VERSIONS } from './versions.ts';

function fail(message: string): never {
  console.error(`odoo-sim: ${message}`);
  process.exit(2);
}

function int(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string', default: '8069' },
      host: { type: 'string', default: '127.0.0.1' },
      scale: { type: 'string', default: String(DEFAULT_SCALE) },
      seed: { type: 'string', default: '1' },
      'odoo-version': { type: 'string', default: '17' },
      'name-cost-us': { type: 'string', default: String(DEFAULT_NAME_COST_US) },
      activity: { type: 'boolean', default: false },
      'activity-interval-ms': { type: 'string', default: '1000' },
      db: { type: 'string', default: 'demo' },
      login: { type: 'string', default: 'admin' },
      'api-key': { type: 'string', default: 'admin' },
    },
  });
}
let parsed: ReturnType<typeof parse> | undefined;
try {
  parsed = parse();
} catch (err) {
  fail((err as Error).message);
}
const { values } = parsed;

const version = Number(values['odoo-version']);
if (!isOdooVersion(version)) {
  fail(`--odoo-version must be one of ${ODOO_VERSIONS.join(', ')}, got ${values['odoo-version']}`);
}
const nameCostUs = int('name-cost-us', values['name-cost-us'], 0);
const port = int('port', values.port, 0);
if (port > 65535) fail(`--port must be ≤ 65535, got ${port}`);
const scale = int('scale', values.scale, 1);
const seed = int('seed', values.seed, 0);
const intervalMs = int('activity-interval-ms', values['activity-interval-ms'], 1);

let sim: RunningSim | undefined;
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  if (!sim) process.exit(0); // still generating: nothing to close
  // A stuck close must not keep a supervisor waiting.
  setTimeout(() => process.exit(0), 3000).unref();
  sim.close().then(
    () => {
      console.error(`odoo-sim: stopped (${signal})`);
      process.exit(0);
    },
    (err) => {
      console.error(`odoo-sim: error while stopping: ${err}`);
      process.exit(1);
    },
  );
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => stop(sig));

const t0 = performance.now();
try {
  sim = await startOdooSim({
    port,
    host: values.host,
    scale,
    seed,
    odooVersion: version,
    nameCostUs,
    db: values.db,
    login: values.login,
    apiKey: values['api-key'],
    activity: values.activity ? { intervalMs } : false,
  });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  fail(
    e.code === 'EADDRINUSE'
      ? `port ${port} on ${values.host} is already in use`
      : String(e?.stack ?? e),
  );
}
const stats = sim.control.stats();
const out = [
  `Odoo simulator ${version}.0 listening on ${sim.url} (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  `  url      ${sim.url}`,
  `  db       ${sim.db}`,
  `  login    ${sim.login}`,
  `  api key  ${sim.apiKey}`,
  `  uid ${sim.uid}; ${stats['account.move']} moves, ${stats['account.move.line']} journal items, ${stats['res.partner']} partners${values.activity ? `; activity every ${intervalMs} ms` : ''}`,
  `  control: POST ${sim.url}/sim/<action> (e.g. /sim/stats, /sim/truth {"model": ...})`,
  `  Ctrl-C to stop`,
  readyLine(sim),
];
process.stdout.write(`${out.join('\n')}\n`);
