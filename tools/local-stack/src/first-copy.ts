import postgres from 'postgres';
import {
  describeFirstCopy,
  firstCopyProgress,
  type SyncHealthRow,
} from '../../../web/src/freshness.ts';

/**
 * `npm start`'s news for a newcomer: progress of the first copy of the books (from
 * reporting.sync_health, the same figures the page shows) until every model has completed one
 * pass, then one line saying so. Returns a stop function.
 */
export function watchFirstCopy(
  dbUrl: string,
  opts: { log: (line: string) => void; everyMs?: number; startedAt?: number },
): () => Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const t0 = opts.startedAt ?? performance.now();
  let stopped = false;
  let last = '';
  let lastAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const health = await sql<SyncHealthRow[]>`select * from reporting.sync_health`;
      const copy = firstCopyProgress(health);
      const line = describeFirstCopy(copy);
      if (copy.done) {
        const s = ((performance.now() - t0) / 1000).toFixed(0);
        opts.log(`[first copy] ${line} (${s} s) The page shows every report.`);
        stopped = true;
      } else if (line !== last && performance.now() - lastAt > 10_000) {
        opts.log(`[first copy] ${line}`);
        last = line;
        lastAt = performance.now();
      }
    } catch (e) {
      opts.log(`[first copy] cannot read reporting.sync_health: ${(e as Error).message}`);
    }
    if (!stopped) timer = setTimeout(tick, opts.everyMs ?? 2_000);
    else await sql.end({ timeout: 1 });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    await sql.end({ timeout: 1 });
  };
}
