// The last step of bench/lib/sql-book.ts: the sync's own state as the loaded book implies it.

/**
 * ods.sync_state as a finished first copy leaves it (phase incremental, counts, high-water
 * marks, the columns as the engine maps them), so sync_health and the reports' freshness treat
 * the book as a complete, current copy; and the reports' input versions bumped (the load ran
 * with triggers off).
 */
export const syncState = `
do $$
declare
  c record;
  t text;
  n bigint;
  top bigint;
  hw timestamptz;
begin
  for c in select * from ods.catalog where enabled loop
    t := replace(c.model, '.', '_');
    if to_regclass('odoo.' || t) is null then continue; end if;
    execute format('select count(*), coalesce(max(id), 0), max(write_date) from odoo.%I', t)
      into n, top, hw;
    insert into ods.sync_state as s (model, phase, snapshot_cursor, snapshot_total,
      snapshot_started_at, snapshot_done_at, high_water, page_size, columns, schema_checked_at,
      rows, last_success_at, last_reconciled_at, last_verified_at, verification_ok, last_swept_at,
      odoo_version, unsettled_from)
    select c.model, 'incremental', top, n, now() - interval '1 minute', now(), hw, c.page_size,
           (select jsonb_agg(jsonb_build_object(
                     'name', col.column_name,
                     'odooType', case when col.data_type = 'ARRAY' then 'many2many'
                                      when col.data_type = 'bigint' and col.column_name like '%\\_id'
                                        then 'many2one'
                                      when col.data_type = 'bigint' then 'integer'
                                      when col.data_type = 'numeric' then 'monetary'
                                      when col.data_type = 'text' then 'char'
                                      when col.data_type = 'date' then 'date'
                                      when col.data_type like 'timestamp%' then 'datetime'
                                      when col.data_type = 'boolean' then 'boolean'
                                      else 'json' end,
                     'sqlType', case when col.data_type = 'ARRAY' then 'bigint[]'
                                     when col.data_type like 'timestamp%' then 'timestamptz'
                                     else col.data_type end) order by col.ordinal_position)
              from information_schema.columns col
             where col.table_schema = 'odoo' and col.table_name = t
               and col.column_name not in ('id', '_synced_at')),
           now(), n, now(), now(), now(), true, now(), 17, hw
    on conflict (model) do update
       set phase = excluded.phase, snapshot_cursor = excluded.snapshot_cursor,
           snapshot_total = excluded.snapshot_total, snapshot_started_at = excluded.snapshot_started_at,
           snapshot_done_at = excluded.snapshot_done_at, high_water = excluded.high_water,
           page_size = excluded.page_size, columns = excluded.columns,
           schema_checked_at = excluded.schema_checked_at, rows = excluded.rows,
           last_success_at = excluded.last_success_at, last_reconciled_at = excluded.last_reconciled_at,
           last_verified_at = excluded.last_verified_at, verification_ok = true,
           last_swept_at = excluded.last_swept_at, odoo_version = excluded.odoo_version,
           unsettled_from = excluded.unsettled_from, last_error = null, last_error_at = null,
           consecutive_failures = 0, updated_at = now();
  end loop;
  update ods.reporting_inputs set version = version + 1, changed_at = clock_timestamp();
end $$;
`;
