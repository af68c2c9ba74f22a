import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:versions`: the sync, reporting and page suites once per Odoo version the
// simulator speaks (tests/setup/versions.ts), each version a project with ODOO_VERSION set, plus
// the 17 → 18 upgrade under a running copy. Plain `npm test` runs them on 17 (and a fast subset
// of the version cases).
const VERSIONS = [16, 17, 18, 19];
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
      ...VERSIONS.map((v) => ({
        extends: true as const,
        test: {
          name: `odoo-${v}`,
          include: PER_VERSION,
          exclude: ONCE,
          env: { ODOO_VERSION: String(v) },
        },
      })),
      {
        extends: true as const,
        test: { name: 'once', include: ONCE },
      },
    ],
  },
});
