import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the whole fault matrix (tests/faults/*.faults.ts) and the five-minute
// soak, too long for `npm test`, which runs their fast versions with every other test.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/faults/**/*.faults.ts', 'tests/soak/**/*.test.ts'],
    env: { SOAK_SECONDS: process.env.SOAK_SECONDS ?? '300' },
    globalSetup: ['tests/faults/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file starts its own cluster; one at a time on a machine shared with others.
    fileParallelism: false,
    reporters: ['default'],
  },
});
