import { expect } from 'vitest';
import type { SliceSummary } from '../../packages/shared/src/sync/run-slice.ts';
import { diffWithTruth, type SyncHarness } from '../sync/harness.ts';
import { expectModelConverged, idsIn } from './convergence.ts';
import type { FaultCase } from './fault-kinds.ts';
import { MODEL, type Phase } from './phases.ts';

const retryLine = new RegExp(`^\\[${MODEL.replace('.', '\\.')}\\] (retry \\d|.*page size →)`);

/**
 * One cell: the phase's drift is put in the copy, the phase runs once with the fault injected,
 * what the engine reported is checked against its promise for that fault, then (fault cleared)
 * the phase runs again and the copy must equal Odoo with nothing lost, doubled or resurrected.
 */
export async function runOdooFaultCell(h: SyncHarness, phase: Phase, fc: FaultCase) {
  await phase.prepare(h);
  const drift = idsIn(await diffWithTruth(h, MODEL, 1_000_000));
  expect(drift.size, 'the phase has something to repair').toBeGreaterThan(0);

  const injected = h.sim.control.requestCounts().faultsInjected;
  const lines: string[] = [];
  let first: SliceSummary;
  await h.sim.control.setFault(fc.global ? fc.fault : { ...fc.fault, model: MODEL });
  try {
    [first] = await h.syncToEnd({
      mode: phase.mode,
      models: [MODEL],
      maxSlices: 1,
      extraEnv: fc.env,
      log: (l) => {
        lines.push(l);
        if (fc.healOnRetry && retryLine.test(l)) void h.sim.control.clearFaults();
      },
    });
  } finally {
    await h.sim.control.clearFaults();
  }
  const report = first.models[0];
  if (fc.maxElapsedMs) expect(first.elapsedMs, 'within budget').toBeLessThan(fc.maxElapsedMs);
  const retries = lines.filter((l) => retryLine.test(l));
  if (fc.fault.kind !== 'down')
    expect(h.sim.control.requestCounts().faultsInjected, 'the fault was met').toBeGreaterThan(
      injected,
    );

  if (fc.expect.outcome === 'succeeds') {
    expect(report.status, `${report.error}\n${lines.join('\n')}`).toBe('ok');
    expect(first.outcome).toBe('ok');
    if (fc.expect.retries) expect(retries, 'asked again after the fault').not.toEqual([]);
    else expect(retries).toEqual([]);
    // Retried within the invocation: the phase's work is done by this very run.
    if (!first.more) await expectModelConverged(h, MODEL, lines.join('\n'));
  } else {
    const { error, retried } = fc.expect;
    expect(report.status, lines.join('\n')).toBe('error');
    expect(report.error).toMatch(error);
    expect(first.outcome).toBe('failed');
    if (retried) expect(retries, 'a transient fault is retried first').not.toEqual([]);
    else expect(retries, 'a fault that cannot pass is not retried').toEqual([]);
    // What was wrong is on the model's state, in sync_health and on the run.
    const [st] = await h.sql`select last_error, last_error_at, consecutive_failures
      from ods.sync_state where model = ${MODEL}`;
    expect(st.last_error).toMatch(error);
    expect(st.last_error_at).not.toBeNull();
    expect(st.consecutive_failures).toBeGreaterThan(0);
    const [health] =
      await h.sql`select last_error from reporting.sync_health where model = ${MODEL}`;
    expect(health.last_error).toMatch(error);
    const [run] = await h.sql`select outcome, error from ods.runs where id = ${first.runId}`;
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(error);
  }
  // Whatever the fault, the faulted run made nothing worse: no row differs that did not before.
  const after = idsIn(await diffWithTruth(h, MODEL, 1_000_000));
  expect(
    [...after].filter((id) => !drift.has(id)),
    'rows the faulted run broke',
  ).toEqual([]);

  // Fault gone: the phase itself repairs its drift, and the model's health clears.
  const repairLog: string[] = [];
  const repair = await h.syncToEnd({
    mode: phase.mode,
    models: [MODEL],
    log: (l) => repairLog.push(l),
  });
  await expectModelConverged(h, MODEL, JSON.stringify({ repair, repairLog, lines }));
  if (phase.mode !== 'sync') await h.syncToEnd({ models: [MODEL] });
  const [st] = await h.sql`select last_error, consecutive_failures
    from ods.sync_state where model = ${MODEL}`;
  expect(st.last_error).toBeNull();
  expect(st.consecutive_failures).toBe(0);
}

/**
 * A phase that keeps failing (Odoo refuses only the method it needs) while every incremental
 * run succeeds: sync_health must keep saying so, not show a healthy model after the next tick.
 */
export async function expectLastingPhaseFailureShown(
  h: SyncHarness,
  phase: Phase,
  method: string,
): Promise<void> {
  await h.sim.control.setFault({ kind: 'odoo', error: 'AccessError', model: MODEL, method });
  try {
    const [failed] = await h.syncToEnd({ mode: phase.mode, models: [MODEL], maxSlices: 1 });
    expect(failed.models[0].error).toMatch(/OdooAccessError/);
    const [ok] = await h.syncToEnd({ models: [MODEL], maxSlices: 1 });
    expect(ok.models[0].status).toBe('ok');
    const [health] = await h.sql`select * from reporting.sync_health where model = ${MODEL}`;
    expect(JSON.stringify(health), `${phase.name} still failing`).toMatch(/OdooAccessError/);
  } finally {
    await h.sim.control.clearFaults();
  }
}
