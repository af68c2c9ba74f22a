import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SyncHarness } from '../sync/harness.ts';
import { expectCopyConverged } from './convergence.ts';
import { engineBug } from './engine-bugs.ts';
import { startMatrixHarness } from './matrix-harness.ts';
import { PHASES } from './phases.ts';
import { PROCESS_FAULTS, processFaultSteps } from './process-faults.ts';

// Postgres restarted and the slice process killed, mid-page, × every phase.
let h: SyncHarness;
beforeAll(async () => {
  h = await startMatrixHarness(13);
});
afterAll(async () => {
  await h?.close();
});

describe.each(PHASES)('$name', (phase) => {
  for (const pf of PROCESS_FAULTS) {
    for (const [step, fn] of processFaultSteps(() => h, phase, pf)) {
      const bug = engineBug(phase.name, pf.name, step);
      (bug ? it.skip : it)(`${pf.name}: ${step}${bug ? ` (engine bug: ${bug})` : ''}`, fn, 90_000);
    }
  }
  it('the whole copy converges afterwards', () => expectCopyConverged(h), 120_000);
});
