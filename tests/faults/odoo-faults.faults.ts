import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { SyncHarness } from '../sync/harness.ts';
import { expectCopyConverged } from './convergence.ts';
import { engineBug } from './engine-bugs.ts';
import { FAULT_CASES } from './fault-kinds.ts';
import { startMatrixHarness } from './matrix-harness.ts';
import { expectLastingPhaseFailureShown, runOdooFaultCell } from './odoo-fault-cell.ts';
import { PHASES } from './phases.ts';

// Every fault the simulator injects × every phase (fault-kinds.ts × phases.ts).
let h: SyncHarness;
beforeAll(async () => {
  h = await startMatrixHarness(11);
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

// The method only that phase calls on the model (incremental sync never does).
const LASTING: Array<[string, string]> = [
  ['reconcile', 'search_count'],
  ['verify', 'read_group'],
];

describe('a phase that keeps failing while incremental sync succeeds', () => {
  for (const [name, method] of LASTING) {
    const bug = engineBug(name, 'lasting failure');
    (bug ? it.skip : it)(
      `${name} (${method} refused) stays in sync_health${bug ? ` (engine bug: ${bug})` : ''}`,
      () => expectLastingPhaseFailureShown(h, PHASES.find((p) => p.name === name)!, method),
    );
  }
});
