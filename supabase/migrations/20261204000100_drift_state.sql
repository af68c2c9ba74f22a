-- Drift shows itself (DESIGN §4 rule 11): what the engine keeps per model to close the paths
-- through which the copy could silently go stale — the rolling content sweep's position and
-- cycle, a write_date from Odoo's future that was refused as a high-water mark, Odoo's clock at
-- the start of a window pass, and the work a slice leaves for the next one (re-reads after a
-- field appeared or a month differed, reconciliation ranges).
alter table ods.sync_state
  -- Content sweep: Odoo's (id, write_date) per id range against the mirror's. One cycle walks
  -- every id once; sweep_cursor is the id the current cycle has reached.
  add column if not exists sweep_cursor bigint not null default 0,
  add column if not exists sweep_started_at timestamptz,
  add column if not exists last_swept_at timestamptz,
  add column if not exists sweep_repaired bigint not null default 0,
  -- A record whose write_date was beyond Odoo's own clock (plus the skew allowance): the
  -- high-water mark was held at Odoo's clock instead. {"id", "write_date", "odoo_now", "seen_at"}
  add column if not exists clock_outlier jsonb,
  -- Odoo's clock (its HTTP Date) when the window pass in progress began: the pass's new
  -- high-water mark is never later, so rows edited behind its cursor fall in the next window.
  add column if not exists window_clock timestamptz,
  -- Keyset re-reads in progress, resumed page by page across invocations: a column added after
  -- the snapshot (backfill) or a month verification found different (verify).
  -- [{"reason": "backfill", "fields": [...], "after": <id>} |
  --  {"reason": "verify", "period": "2026-03", "domain": [...], "after": <id>}]
  add column if not exists rereads jsonb not null default '[]',
  -- Deletion reconciliation's id ranges still to compare, when a slice ran out of budget.
  add column if not exists reconcile_stack jsonb,
  -- Set when an invocation starts work on the model, cleared when it ends (well or not): still
  -- set at the next turn means the platform killed the invocation mid-work (wall or CPU limit).
  add column if not exists turn_started_at timestamptz,
  add column if not exists killed_turns integer not null default 0,
  -- Which mode (sync, reconcile, verify) failed last: only a success of that same mode clears
  -- the error, so a reconcile failing every 15 minutes is not hidden by each minute's sync.
  add column if not exists last_error_mode text;

comment on column ods.sync_state.last_swept_at is
  'When the last complete content-sweep cycle over every id of the model ended';
comment on column ods.sync_state.clock_outlier is
  'The last write_date seen beyond Odoo''s clock plus the skew allowance (never used as high-water mark)';
