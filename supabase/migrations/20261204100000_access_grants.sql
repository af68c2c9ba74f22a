-- Access to the reports fails closed (DESIGN §5): a signed-in user reads the companies an
-- administrator granted, nothing otherwise. Before this migration a JWT without a company_ids
-- claim read every company, so anyone able to sign up with the public anon key read the books.
-- Grants live in ods.access_grants (editable in Supabase Studio, or `npm run access`); the JWT
-- claim company_ids (app_metadata, or top level from a custom access token hook) remains an
-- alternative for those who manage app_metadata. Every view in `reporting` also becomes
-- security_barrier: a caller's filter (e.g. a LIKE pattern that raises an error) is evaluated
-- only on the rows the view lets them see, so an error cannot reveal another company's text.

-- ---------------------------------------------------------------------------------------------
-- The grants: one row per (user, company); company_id NULL = every company, present and
-- future. Keyed by the Auth user's id, never by e-mail: an address nobody has registered yet
-- could otherwise be claimed by whoever signs up with it first.
create table ods.access_grants (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  company_id bigint,
  -- For people reading the table (Studio); access follows user_id only.
  email text,
  note text,
  granted_at timestamptz not null default now(),
  granted_by text not null default current_user,
  constraint access_grants_once unique nulls not distinct (user_id, company_id)
);
comment on table ods.access_grants is
  'Who may read which company in reporting: user_id = auth.users.id, company_id NULL = every '
  'company. No row = nothing (access fails closed). Managed in Studio or by `npm run access`';
comment on column ods.access_grants.company_id is 'odoo.res_company id; NULL = every company';
comment on column ods.access_grants.email is 'The user''s e-mail when granted (a label only)';
revoke all on ods.access_grants from public, anon, authenticated;
grant select on ods.access_grants to service_role;
-- No policies: only the owner (postgres: migrations, Studio, `npm run access`) reads or writes
-- it; the API roles reach it only through reporting_private.granted_companies() below.
alter table ods.access_grants enable row level security;

-- On a Supabase project auth.users exists before the migrations: a deleted user's grants go
-- with them. (The local stack creates its Auth stand-in's tables later; uuids are not reused.)
do $$
begin
  if to_regclass('auth.users') is not null then
    alter table ods.access_grants add constraint access_grants_user_fk
      foreign key (user_id) references auth.users (id) on delete cascade;
  end if;
end $$;

-- The companies granted to the calling user (the JWT's `sub`), read with the owner's rights so
-- the table itself stays private. NULL = every company; '{}' = none.
create function reporting_private.granted_companies() returns bigint[]
language sql stable security definer set search_path = '' as $$
  select case when bool_or(g.company_id is null) then null
              else coalesce(array_agg(distinct g.company_id), '{}'::bigint[]) end
    from ods.access_grants g
   where g.user_id = (
     select case when s.sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                 then s.sub::uuid end
       from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
                      as sub) s)
$$;
comment on function reporting_private.granted_companies() is
  'Companies ods.access_grants gives the caller (JWT sub): NULL = every company, {} = none';
revoke all on function reporting_private.granted_companies() from public;
grant execute on function reporting_private.granted_companies()
  to authenticated, service_role, finanzas_bi;

-- Who sees what, decided by the role the query runs as:
--   authenticated   the companies of its grants, plus those of a company_ids claim (top level
--                   or app_metadata; never user_metadata, which users edit themselves); a
--                   malformed claim adds nothing. No grant and no claim: nothing.
--   anon            only reaches the reports when ods.set_demo_access(true) granted it (local
--                   demo): every company.
--   service_role, members of finanzas_bi (the BI login an operator created), the owner:
--                   every company.
--   any other role: nothing.
-- NULL means every company (the views test `is null or company_id = any (…)`).
create or replace function reporting_private.visible_companies() returns bigint[]
language plpgsql stable set search_path = '' as $$
declare
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  claim jsonb;
  from_claim bigint[] := '{}';
  granted bigint[];
begin
  if current_user = 'authenticated' then
    claim := coalesce(claims -> 'company_ids', claims -> 'app_metadata' -> 'company_ids');
    if jsonb_typeof(claim) = 'array' then
      from_claim := array(select e::bigint from jsonb_array_elements_text(claim) e
                           where e ~ '^[0-9]{1,18}$');
    elsif jsonb_typeof(claim) = 'number' and claim::text ~ '^[0-9]{1,18}$' then
      from_claim := array[claim::text::bigint];
    end if;
    granted := reporting_private.granted_companies();
    if granted is null then
      return null;
    end if;
    return array(select distinct u from unnest(from_claim || granted) u order by u);
  end if;
  if current_user in ('anon', 'service_role', 'postgres')
     or pg_has_role(current_user, 'finanzas_bi', 'member') then
    return null;
  end if;
  return '{}';
end $$;
comment on function reporting_private.visible_companies() is
  'Companies the caller may see: for authenticated its ods.access_grants plus a company_ids '
  'claim (nothing without either); every company for anon (demo switch), service_role, '
  'finanzas_bi and the owner; NULL = every company';

-- ---------------------------------------------------------------------------------------------
-- Shared partners (no company) were visible to every reader; now only to a caller who sees at
-- least one company, so a user without a grant reads nothing here either.
create or replace view reporting.partners
  with (security_invoker = true, security_barrier = true) as
select p.partner_id, p.name, p.is_company, p.parent_id, p.commercial_partner_id, p.vat, p.email,
       p.customer_rank, p.supplier_rank, p.active
  from reporting_private.partners p
 where (select reporting_private.visible_companies()) is null
    or (p.company_id is null
        and cardinality((select reporting_private.visible_companies())) > 0)
    or p.company_id = any ((select reporting_private.visible_companies())::bigint[]);

-- ---------------------------------------------------------------------------------------------
-- security_barrier on every view in `reporting` (security_invoker restated): the company
-- filter runs before any qual a caller adds through the API, unless that qual is leakproof
-- (plain comparisons such as company_id = 1 still reach the indexes).
do $$
declare
  v text;
begin
  for v in
    select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'reporting' and c.relkind = 'v'
  loop
    execute format('alter view %s set (security_barrier = true, security_invoker = true)', v);
  end loop;
end $$;

-- ---------------------------------------------------------------------------------------------
-- pg_net: the foundation migration revokes net.* from PUBLIC. On a hosted project the
-- functions may belong to another role, so the revoke can be a no-op (README "Security" says
-- how to check); where it does take effect, ods.invoke_sync (SECURITY DEFINER, owned by the
-- migrations' role) must still reach net.http_post: its owner gets an explicit grant instead of
-- relying on PUBLIC.
do $$
declare
  owner_role text := (select p.proowner::regrole::text from pg_proc p
                       where p.oid = 'ods.invoke_sync(text, text)'::regprocedure);
begin
  execute format('grant usage on schema net to %I', owner_role);
  execute format('grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer) to %I',
                 owner_role);
exception when insufficient_privilege then
  raise warning 'could not grant net.http_post to %: check that ods.invoke_sync can call it',
    owner_role;
end $$;

-- The demo switch grants what exists when it is called: where it is on, anon gets the new
-- function too (off after the migrations on a new database).
do $$
begin
  if has_schema_privilege('anon', 'reporting', 'usage') then
    perform ods.set_demo_access(true);
  end if;
end $$;
