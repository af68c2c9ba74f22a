/**
 * Cells of the fault matrix that reveal an engine bug, skipped (and named in the test title)
 * until the engine is fixed: `phase/fault/step`, where `*` stands for any phase or fault. Remove
 * an entry with the fix, and the cell runs again.
 */
const ENGINE_BUGS: Record<string, string> = {
  '*/postgres restarted mid-page/the struck process ended as it should':
    "postgres.js 3.4.9 throws an uncaught TypeError (Cannot read properties of null (reading 'write'), " +
    'connection.js nextWrite) when the server goes away mid-page: the process crashes instead of ' +
    'failing the model and recording why (porsager/postgres#1154, #1208)',
  '*/*/sync_health shows the struck invocation':
    "a killed or crashed invocation is only marked 'interrupted' in ods.runs by the next run; " +
    'reporting.sync_health shows nothing for the model (issue 9: every failed or killed invocation in sync_health)',
  '*/lasting failure/':
    'every successful sync-mode run clears ods.sync_state.last_error (run-slice.ts runModel), so a ' +
    'reconcile or verify that fails on every attempt disappears from sync_health at the next tick',
};

export function engineBug(phase: string, fault: string, step = ''): string | undefined {
  return (
    ENGINE_BUGS[`${phase}/${fault}/${step}`] ??
    ENGINE_BUGS[`*/${fault}/${step}`] ??
    ENGINE_BUGS[`${phase}/*/${step}`] ??
    ENGINE_BUGS[`*/*/${step}`]
  );
}
