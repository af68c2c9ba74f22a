-- The sync engine's own schemas. `odoo` holds the mirror (one table per catalog model, created
-- and altered by the runner from Odoo's fields_get); `ods` holds what to sync (catalog), where
-- each model stands (state), what each run did (runs), what disappeared (deletions) and how the
-- copy compares with Odoo (verifications). Both are private: only the sync engine (postgres /
-- service_role) touches them; consumers read `reporting`.
create schema if not exists odoo;
create schema if not exists ods;
revoke all on schema odoo, ods from public;
grant usage on schema odoo, ods to service_role;
alter default privileges in schema odoo grant select on tables to service_role;
alter default privileges in schema ods grant select on tables to service_role;

create table ods.catalog (
  model text primary key check (model ~ '^[a-z0-9_]+(\.[a-z0-9_]+)+$'),
  -- Fields to mirror; '{*}' means every stored field except binary and one2many.
  fields text[] not null default '{*}',
  -- An Odoo domain (JSON) restricting which records are mirrored.
  domain jsonb not null default '[]',
  enabled boolean not null default true,
  -- Lower runs first: referenced models before the ones that point at them.
  priority integer not null default 100,
  page_size integer not null default 2000 check (page_size between 10 and 20000),
  -- Per-period checks against Odoo's read_group: the date field to group by month, the
  -- numeric fields to sum. NULL date field: count-only over the whole model.
  verify_date_field text,
  verify_sum_fields text[] not null default '{}',
  -- After a page of this model, re-read dependent records whose values Odoo changes without
  -- bumping their write_date, e.g. [{"model":"account.move.line","via":["debit_move_id"]}]
  -- or [{"model":"account.move.line","inverse":"full_reconcile_id"}].
  dependents jsonb not null default '[]',
  updated_at timestamptz not null default now()
);
comment on table ods.catalog is 'Which Odoo models, fields and domains are mirrored into odoo.*';

create table ods.sync_state (
  model text primary key references ods.catalog (model) on delete cascade,
  phase text not null default 'snapshot' check (phase in ('snapshot', 'incremental')),
  -- Snapshot: keyset cursor (last id committed) and Odoo's count when the snapshot began.
  snapshot_cursor bigint not null default 0,
  snapshot_total bigint,
  snapshot_started_at timestamptz,
  snapshot_done_at timestamptz,
  -- Incremental: the high-water mark (greatest write_date read from Odoo, never a local clock)
  -- and the window in progress (since, keyset cursor, greatest write_date seen in it).
  high_water timestamptz,
  window_since timestamptz,
  window_cursor bigint not null default 0,
  window_max_seen timestamptz,
  page_size integer,
  -- The table's shape as last read from fields_get.
  columns jsonb,
  missing_fields text[] not null default '{}',
  schema_checked_at timestamptz,
  rows bigint not null default 0,
  last_success_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  consecutive_failures integer not null default 0,
  last_reconciled_at timestamptz,
  last_verified_at timestamptz,
  verification_ok boolean,
  -- Records to re-read on the model's next turn, queued by dependents of other models:
  -- [{"ids": [..]}] or [{"field": "full_reconcile_id", "values": [..]}].
  refetch jsonb not null default '[]',
  updated_at timestamptz not null default now()
);
comment on column ods.sync_state.high_water is
  'Greatest write_date read from Odoo; incremental windows start at high_water - overlap';

create table ods.runs (
  id bigserial primary key,
  started_at timestamptz not null default clock_timestamp(),
  ended_at timestamptz,
  trigger text not null default 'manual',
  mode text not null check (mode in ('sync', 'reconcile', 'verify')),
  outcome text not null default 'running'
    check (outcome in ('running', 'ok', 'partial', 'failed', 'busy', 'interrupted')),
  more boolean,
  models jsonb not null default '{}',
  error text
);
create index runs_started_at_idx on ods.runs (started_at);

create table ods.deletions (
  id bigserial primary key,
  model text not null,
  record_id bigint not null,
  detected_at timestamptz not null default clock_timestamp(),
  run_id bigint references ods.runs (id) on delete set null,
  last_values jsonb
);
create index deletions_model_idx on ods.deletions (model, detected_at);

create table ods.verifications (
  id bigserial primary key,
  model text not null,
  period text not null,
  checked_at timestamptz not null default clock_timestamp(),
  run_id bigint references ods.runs (id) on delete set null,
  local_count bigint not null,
  remote_count bigint not null,
  local_sums jsonb not null default '{}',
  remote_sums jsonb not null default '{}',
  ok boolean not null,
  repaired boolean not null default false
);
create index verifications_model_idx on ods.verifications (model, checked_at);

grant select on all tables in schema ods to service_role;
