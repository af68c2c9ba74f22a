import type { ModelRun } from './engine-context.ts';
import { BudgetSpentError } from './errors.ts';
import type { Fetched } from './page-fetch.ts';

/** Time kept for the commit after a page request when deciding whether to ask for one more. */
export const PAGE_HEADROOM_MS = 3_000;

/** What the pipeline does with each page; the caller's cursor semantics live in these. */
export interface PageStages<T> {
  /** Asks Odoo for the page after `cursor` (keyset on id). */
  fetch(cursor: number): Promise<Fetched>;
  /** Encodes a fetched page holding ids (from, last]; runs while Odoo serves the next one. */
  prepare(got: Fetched, from: number, last: number, finished: boolean): T;
  /** Commits a prepared page; commits run one at a time, in page order. */
  commit(item: T): Promise<void>;
}

/**
 * Keyset pages from `start` through three overlapping stages (rule 1 with a pipeline): Odoo
 * serves page k+2 while this thread prepares page k+1 and Postgres commits page k. Each commit
 * still checks the cursor the previous one left, so a kill or a rival loses or doubles nothing.
 * Stops after the last page (one not full) or when the budget allows no further request.
 */
export async function pipelinePages<T>(
  run: ModelRun,
  start: number,
  stages: PageStages<T>,
): Promise<void> {
  let next: Promise<Fetched> | null = run.budget.allows(PAGE_HEADROOM_MS)
    ? stages.fetch(start)
    : null;
  let inFlight: Promise<void> | null = null;
  let cursor = start;
  try {
    while (next) {
      let got: Fetched;
      try {
        got = await next;
      } catch (e) {
        // Out of budget before the next page: stop after the last commit, resume next time.
        if (e instanceof BudgetSpentError) break;
        throw e;
      }
      const from = cursor;
      const finished = !got.full;
      // Ask for the next page before preparing this one: Odoo serves it meanwhile. An id that
      // is not an integer fails the preparation below, and that request's answer is dropped.
      const { records } = got;
      const count = records ? records.length : got.page.count;
      const last =
        count === 0 ? from : records ? (records[count - 1].id as number) : got.page.ids[count - 1];
      next = !finished && run.budget.allows(PAGE_HEADROOM_MS) ? stages.fetch(last) : null;
      next?.catch(() => {}); // observed on the next turn, or dropped if a commit fails first
      const item = stages.prepare(got, from, last, finished);
      cursor = last;
      if (inFlight) await inFlight;
      inFlight = stages.commit(item);
      inFlight.catch(() => {}); // awaited below or on the next turn
      if (finished) break;
    }
  } finally {
    // Never leave a commit running behind the caller's back (it holds the model's lock).
    if (inFlight) await inFlight.catch(() => {});
  }
  if (inFlight) await inFlight; // rethrows a failed last commit
}
