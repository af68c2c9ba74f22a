import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the whole fault matrix (tests/faults/*.faults.ts), too long for
// `npm test`, which runs its fast subset (tests/faults/*.test.ts) with every other test.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/faults/**/*.faults.ts'],
    globalSetup: ['tests/faults/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file starts its own cluster; one at a time on a machine shared with others.
    fileParallelism: false,
    reporters: ['default'],
  },
});
