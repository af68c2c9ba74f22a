// Where an invocation's time goes, from what the stack records: pg_net's call queued
// (ods.invocations.requested_at) → the run row inserted by the function (ods.runs.started_at:
// the stand-in's send, Deno's request, the catalog read) → the run's end (every model's turn)
// → pg_net's answer (ods.invocations.answered_at: the end-of-run report upkeep and the reply).
import type postgres from 'postgres';
import { percentile, round } from './measure.ts';

export interface InvocationTimings {
  invocations: number;
  /** p50 / p95 ms of each phase, and Odoo requests per run. */
  queueToStart: [number, number];
  run: [number, number];
  upkeep: [number, number];
  requests: [number, number];
}

/**
 * The sync invocations of `trigger` requested since `from`, each matched with the first run of
 * the same trigger that started after it was queued (runs do not keep their invocation's id).
 */
export async function invocationTimings(
  sql: postgres.Sql,
  from: Date,
  trigger: string,
): Promise<InvocationTimings> {
  await sql`select ods.check_invocations()`; // answers pg_net has recorded, read now
  const rows = await sql`
    select extract(epoch from r.started_at - i.requested_at) * 1000 as queue_ms,
           extract(epoch from r.ended_at - r.started_at) * 1000 as run_ms,
           extract(epoch from i.answered_at - r.ended_at) * 1000 as upkeep_ms,
           (select sum((m->>'requests')::int) from jsonb_array_elements(r.models) m) as requests
      from ods.invocations i
      cross join lateral (
        select * from ods.runs r
         where r.trigger = i.trigger and r.mode = 'sync' and r.started_at >= i.requested_at
           and r.ended_at is not null
         order by r.started_at limit 1) r
     where i.mode = 'sync' and i.trigger = ${trigger} and i.requested_at >= ${from}
       and i.answered_at is not null`;
  const pair = (k: string): [number, number] => {
    const xs = rows.map((r) => Number(r[k]));
    return [round(percentile(xs, 50), 0), round(percentile(xs, 95), 0)];
  };
  return {
    invocations: rows.length,
    queueToStart: pair('queue_ms'),
    run: pair('run_ms'),
    upkeep: pair('upkeep_ms'),
    requests: pair('requests'),
  };
}
