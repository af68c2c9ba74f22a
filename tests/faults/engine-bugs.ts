/**
 * Cells of the fault matrix that reveal an engine bug, skipped (and named in the test title)
 * until the engine is fixed: `phase/fault/step`, where `*` stands for any phase or fault. Remove
 * an entry with the fix, and the cell runs again. FAULT_MATRIX_ALL=1 runs them all anyway, to
 * see which a change of the engine fixed.
 */
const ENGINE_BUGS: Record<string, string> = {
  '*/postgres restarted mid-page/the struck process ended as it should':
    "postgres.js 3.4.9 throws an uncaught TypeError (Cannot read properties of null (reading 'write'), " +
    'connection.js nextWrite) when the server goes away mid-page: the process crashes instead of ' +
    'failing the model and recording why (porsager/postgres#1154, #1208)',
  'verify/*/sync_health shows the struck invocation':
    'verify sets ods.sync_state.last_verified_at before the re-reads it queued, and sync_health ' +
    'hides a killed verify run that started before last_verified_at: the run that died set it',
  '*/lasting failure/':
    'every successful sync-mode run clears ods.sync_state.last_error (run-slice.ts runModel), and ' +
    "failure_streaks counts a run that ended 'failed' as ended normally, so a reconcile or verify " +
    'that fails on every attempt disappears from sync_health at the next tick',
};

export function engineBug(phase: string, fault: string, step = ''): string | undefined {
  if (process.env.FAULT_MATRIX_ALL === '1') return undefined;
  return (
    ENGINE_BUGS[`${phase}/${fault}/${step}`] ??
    ENGINE_BUGS[`*/${fault}/${step}`] ??
    ENGINE_BUGS[`${phase}/*/${step}`] ??
    ENGINE_BUGS[`*/*/${step}`]
  );
}
