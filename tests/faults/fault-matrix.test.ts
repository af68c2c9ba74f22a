import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { SyncHarness } from '../sync/harness.ts';
import { engineBug } from './engine-bugs.ts';
import { FAULT_CASES } from './fault-kinds.ts';
import { startMatrixHarness } from './matrix-harness.ts';
import { runOdooFaultCell } from './odoo-fault-cell.ts';
import { PHASES } from './phases.ts';
import { PROCESS_FAULTS, processFaultSteps } from './process-faults.ts';

// The fault matrix's fast subset for `npm test`: one cell per phase, each a different kind of
// fault, and one kill mid-page. `npm run test:faults` runs every cell.
const ODOO_CELLS: Array<[string, string]> = [
  ['snapshot', 'http 503, once'],
  ['incremental', 'odoo AccessError (permission)'],
  ['reconcile', 'reset mid-body, once'],
  ['verify', 'wrong key'],
];
const PROCESS_CELLS: Array<[string, string]> = [['incremental', 'slice process killed mid-page']];

const phase = (name: string) => PHASES.find((p) => p.name === name)!;

let h: SyncHarness;
beforeAll(async () => {
  h = await startMatrixHarness(17);
});
afterEach(() => h.sim.control.clearFaults());
afterAll(async () => {
  await h?.close();
});

describe('Odoo faults', () => {
  for (const [p, f] of ODOO_CELLS) {
    const fc = FAULT_CASES.find((c) => c.name === f)!;
    const bug = engineBug(p, f);
    (bug ? it.skip : it)(`${p} × ${f}${bug ? ` (engine bug: ${bug})` : ''}`, () =>
      runOdooFaultCell(h, phase(p), fc),
    );
  }
});

describe('process faults', () => {
  for (const [p, f] of PROCESS_CELLS) {
    const pf = PROCESS_FAULTS.find((c) => c.name === f)!;
    for (const [step, fn] of processFaultSteps(() => h, phase(p), pf)) {
      const bug = engineBug(p, f, step);
      (bug ? it.skip : it)(`${p} × ${f}: ${step}${bug ? ` (engine bug: ${bug})` : ''}`, fn, 60_000);
    }
  }
});
