import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:versions`: the sync, reporting and page suites once per Odoo version the
// simulator speaks and per transport (tests/setup/versions.ts) — each version over its default
// (`auto`: JSON-RPC on 16–18, JSON-2 on 19) and over XML-RPC, each pair a project with
// ODOO_VERSION and ODOO_TEST_PROTOCOL set — plus the 17 → 18 upgrade under a running copy.
// Plain `npm test` runs them on 17 over JSON-RPC (and a fast subset of the version cases).
// ODOO_TEST_PROTOCOLS=auto (or xmlrpc) narrows the transports.
const VERSIONS = [16, 17, 18, 19];
const PROTOCOLS = (process.env.ODOO_TEST_PROTOCOLS ?? 'auto,xmlrpc')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
const PER_VERSION = [
  'tests/sync/**/*.test.ts',
  'tests/reporting/**/*.test.ts',
  'tests/e2e/page.test.ts',
  'tests/e2e/first-copy.test.ts',
];
// Run once: the upgrade pins its versions; the others start no simulator.
const ONCE = [
  'tests/sync/upgrade.test.ts',
  'tests/sync/convert.test.ts',
  'tests/sync/copy-pages.test.ts',
  'tests/sync/health-errors.test.ts',
  'tests/sync/health-page-text.test.ts',
  'tests/sync/politeness.test.ts',
];

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Each file starts its own cluster and simulator: two at a time on a shared machine.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      ...VERSIONS.flatMap((v) =>
        PROTOCOLS.map((protocol) => ({
          extends: true as const,
          test: {
            name: `odoo-${v}-${protocol}`,
            include: PER_VERSION,
            exclude: ONCE,
            env: { ODOO_VERSION: String(v), ODOO_TEST_PROTOCOL: protocol },
          },
        })),
      ),
      {
        extends: true as const,
        test: { name: 'once', include: ONCE },
      },
    ],
  },
});
