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

  /**
   * A background pass's turn (content sweep, counts, verification): the model's lock, plus a
   * second one that says "a background pass holds it". A sync finding the model busy waits for
   * such a holder, which lets it in between units (`handOver`), instead of skipping the model
   * until the next tick; a second background pass finds that lock taken and skips.
   */
  async tryLockBackground(model: string): Promise<boolean> {
    const [{ ok }] = await this
      .conn`select pg_try_advisory_lock(hashtext('odoo-sync-background'), hashtext(${model})) as ok`;
    if (!ok) return false;
    if (await this.tryLock(model)) return true;
    await this
      .conn`select pg_advisory_unlock(hashtext('odoo-sync-background'), hashtext(${model}))`;
    return false;
  }

  async unlockBackground(model: string): Promise<void> {
    await this.unlock(model);
    await this
      .conn`select pg_advisory_unlock(hashtext('odoo-sync-background'), hashtext(${model}))`;
  }

  /** Whether a sync waits for the model (a background pass then lets it go first). */
  async waiting(model: string): Promise<boolean> {
    const [{ waiting }] = await this.conn`select exists (
        select 1 from pg_locks where locktype = 'advisory' and not granted and objsubid = 2
          and database = (select oid from pg_database where datname = current_database())
          and classid = hashtext('odoo-sync')::oid and objid = hashtext(${model})::oid) as waiting`;
    return waiting;
  }

  /**
   * Hands the model to the sync waiting for it and takes it back after its turn: the lock queue
   * serves the waiting sync before this request.
   */
  async handOver(model: string): Promise<void> {
    await this.unlock(model);
    await this.conn`select pg_advisory_lock(hashtext('odoo-sync'), hashtext(${model}))`;
  }

  /**
   * For a sync that found the model busy: when a background pass holds it, waits up to `ms` for
   * its next yield and takes the model (true); a model busy with another sync is left to it.
   */
  async waitForBackground(model: string, ms: number): Promise<boolean> {
    if (ms < 100) return false;
    const [{ free }] = await this
      .conn`select pg_try_advisory_lock(hashtext('odoo-sync-background'), hashtext(${model})) as free`;
    if (free) {
      await this
        .conn`select pg_advisory_unlock(hashtext('odoo-sync-background'), hashtext(${model}))`;
      return false;
    }
    try {
      await this.conn.begin(async (tx) => {
        await tx`select set_config('lock_timeout', ${`${Math.round(ms)}ms`}, true)`;
        await tx`select pg_advisory_lock(hashtext('odoo-sync'), hashtext(${model}))`;
      });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === '55P03') return false; // lock_timeout
      throw e;
    }
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
