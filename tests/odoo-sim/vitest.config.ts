import { defineConfig } from 'vitest/config';

/** The simulator's suites need no database: `npx vitest run -c tests/odoo-sim/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/odoo-sim/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
