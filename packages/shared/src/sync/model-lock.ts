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

  close(): Promise<void> {
    return this.conn.end({ timeout: 5 });
  }
}
