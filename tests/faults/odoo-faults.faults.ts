import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { type SyncHarness, startSyncHarness } from '../sync/harness.ts';
import { expectCopyConverged } from './convergence.ts';
import { engineBug } from './engine-bugs.ts';
import { FAULT_CASES } from './fault-kinds.ts';
import { runOdooFaultCell } from './odoo-fault-cell.ts';
import { PHASES } from './phases.ts';

// Every fault the simulator injects × every phase (fault-kinds.ts × phases.ts).
let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ seed: 11 });
  await h.syncToEnd();
});
afterEach(() => h.sim.control.clearFaults());
afterAll(async () => {
  await h?.close();
});

describe.each(PHASES)('$name', (phase) => {
  for (const fc of FAULT_CASES) {
    const bug = engineBug(phase.name, fc.name);
    (bug ? it.skip : it)(`${fc.name}${bug ? ` (engine bug: ${bug})` : ''}`, () =>
      runOdooFaultCell(h, phase, fc),
    );
  }
  it('the whole copy converges afterwards', () => expectCopyConverged(h), 120_000);
});
