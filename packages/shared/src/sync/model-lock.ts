import postgres from 'postgres';

/**
 * Single flight per model (rule 7): a session advisory lock held on a connection of its own for
 * as long as the model is being worked on. A crashed worker's connection closes and the lock
 * goes with it, so a kill never leaves a model stuck.
 */
export class ModelLocks {
  private readonly conn: postgres.Sql;
  constructor(dbUrl: string) {
    this.conn = postgres(dbUrl, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: 'odoo-sync lock' },
    });
  }

  async tryLock(model: string): Promise<boolean> {
    const [{ ok }] = await this
      .conn`select pg_try_advisory_lock(hashtext('odoo-sync'), hashtext(${model})) as ok`;
    return ok;
  }

  async unlock(model: string): Promise<void> {
    await this.conn`select pg_advisory_unlock(hashtext('odoo-sync'), hashtext(${model}))`;
  }

  /** Held for the whole run, so another process can tell a live run from a killed one. */
  async holdRun(runId: number): Promise<void> {
    await this.conn`select pg_advisory_lock(hashtext('odoo-sync-run'), ${runId}::int)`;
  }

  /** Marks runs still 'running' whose process is gone (their run lock is free) as interrupted. */
  async closeAbandonedRuns(ownRunId: number): Promise<number> {
    // Advisory locks are re-entrant within a session: our own run would look abandoned.
    const rows = await this
      .conn`select id from ods.runs where outcome = 'running' and id <> ${ownRunId}`;
    let closed = 0;
    for (const { id } of rows) {
      const [{ free }] = await this
        .conn`select pg_try_advisory_lock(hashtext('odoo-sync-run'), ${id}::int) as free`;
      if (!free) continue;
      await this.conn`select pg_advisory_unlock(hashtext('odoo-sync-run'), ${id}::int)`;
      await this.conn`update ods.runs set outcome = 'interrupted', ended_at = clock_timestamp(),
        error = 'the process ended before the run did (killed, crashed or timed out)'
        where id = ${id} and outcome = 'running'`;
      closed++;
    }
    return closed;
  }

  close(): Promise<void> {
    return this.conn.end({ timeout: 5 });
  }
}
