/**
 * `npm run odoo-sim -- --port 8069 --scale 20000 --seed 1 --odoo-version 17 [--activity]
 *   [--activity-interval-ms 1000] [--db demo] [--login admin] [--api-key admin] [--host 127.0.0.1]`
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SCALE, startOdooSim } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8069' },
    host: { type: 'string', default: '127.0.0.1' },
    scale: { type: 'string', default: String(DEFAULT_SCALE) },
    seed: { type: 'string', default: '1' },
    'odoo-version': { type: 'string', default: '17' },
    activity: { type: 'boolean', default: false },
    'activity-interval-ms': { type: 'string', default: '1000' },
    db: { type: 'string', default: 'demo' },
    login: { type: 'string', default: 'admin' },
    'api-key': { type: 'string', default: 'admin' },
  },
});

const version = Number(values['odoo-version']);
if (version !== 17 && version !== 19) {
  console.error(`odoo-sim: --odoo-version must be 17 or 19, got ${values['odoo-version']}`);
  process.exit(2);
}
const t0 = performance.now();
const sim = await startOdooSim({
  port: Number(values.port),
  host: values.host,
  scale: Number(values.scale),
  seed: Number(values.seed),
  odooVersion: version,
  db: values.db,
  login: values.login,
  apiKey: values['api-key'],
  activity: values.activity ? { intervalMs: Number(values['activity-interval-ms']) } : false,
});
const stats = sim.control.stats();
console.log(
  `Odoo simulator ${version}.0 listening on ${sim.url} (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
console.log(`  ODOO_URL=${sim.url}`);
console.log(`  ODOO_DB=${sim.db}`);
console.log(`  ODOO_USERNAME=${sim.login}`);
console.log(`  ODOO_API_KEY=${sim.apiKey}`);
console.log(
  `  uid ${sim.uid}; ${stats['account.move']} moves, ${stats['account.move.line']} journal items, ${stats['res.partner']} partners${values.activity ? '; activity on' : ''}`,
);
console.log(`  control: POST ${sim.url}/sim/<action> (e.g. /sim/stats, /sim/truth {"model": ...})`);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
