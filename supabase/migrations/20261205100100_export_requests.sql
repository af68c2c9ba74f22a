-- Excel exports for report readers: reporting.request_export(kind, params) queues one (from the
-- page, or `rpc` for BI tools), reporting.export_jobs shows the caller's own jobs with their
-- progress and file, and reporting.aged_detail pages through the open items behind the aged
-- balance (the export's detail sheet). The file goes to the private Storage bucket `exports`
-- under the requester's folder `<user id>/…` (bucket and policy: 20261205150000_exports_bucket.sql);
-- the page asks Storage for a signed link.

-- ---------------------------------------------------------------------------------------------
-- Queues the job with the caller as requester. Runs with the owner's rights (ods is private);
-- reached only through reporting.request_export, which checked the companies as the caller.
create function reporting_private.enqueue_export(kind text, params jsonb, companies bigint[])
returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  who uuid := (select case when s.sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                           then s.sub::uuid end
                 from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
                                as sub) s);
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  claim jsonb;
  granted bigint[];
  id bigint;
begin
  if who is null then
    raise exception 'request_export: sign in first (exports belong to a user)'
      using errcode = '42501';
  end if;
  if kind not in ('aged_receivable', 'aged_payable', 'open_invoices', 'partner_ledger') then
    raise exception 'request_export: unknown kind %', quote_literal(kind) using errcode = '22023';
  end if;
  -- The caller's check again, here where it cannot be skipped: the companies must be granted
  -- (ods.access_grants) or in the JWT's company_ids claim, as reporting_private.visible_companies
  -- decides for `authenticated`.
  granted := reporting_private.granted_companies();
  if granted is not null then
    claim := coalesce(claims -> 'company_ids', claims -> 'app_metadata' -> 'company_ids');
    if jsonb_typeof(claim) = 'array' then
      granted := granted || array(select e::bigint from jsonb_array_elements_text(claim) e
                                   where e ~ '^[0-9]{1,18}$');
    elsif jsonb_typeof(claim) = 'number' and claim::text ~ '^[0-9]{1,18}$' then
      granted := granted || claim::text::bigint;
    end if;
    if companies is null or not companies <@ granted then
      raise exception 'request_export: no access to the companies asked for' using errcode = '42501';
    end if;
  end if;
  -- A user's queue is bounded: a page left polling cannot flood the worker.
  if (select count(*) from ods.jobs j
       where j.requester = who and j.status in ('queued', 'running', 'failed')) >= 5 then
    raise exception 'request_export: 5 exports are already waiting; wait for one to finish'
      using errcode = '53400';
  end if;
  insert into ods.jobs (kind, params, requester, companies)
  values (kind, params, who, companies)
  returning jobs.id into id;
  return id;
end $$;
revoke all on function reporting_private.enqueue_export(text, jsonb, bigint[]) from public;
grant execute on function reporting_private.enqueue_export(text, jsonb, bigint[]) to authenticated;

-- The entry point: validates kind and params and the caller's access to the companies asked
-- for (as the caller: reporting_private.visible_companies() decides by the calling role, so this
-- one is security invoker), then queues. Returns the job id.
create function reporting.request_export(kind text, params jsonb default '{}')
returns bigint
language plpgsql volatile set search_path = '' as $$
declare
  visible bigint[] := reporting_private.visible_companies();
  p jsonb := coalesce(params, '{}');
  company bigint;
  wanted bigint[];
  k text;
begin
  if jsonb_typeof(p) <> 'object' then
    raise exception 'request_export: params must be a JSON object' using errcode = '22023';
  end if;
  if kind is null or kind not in ('aged_receivable', 'aged_payable', 'open_invoices', 'partner_ledger') then
    raise exception 'request_export: kind must be aged_receivable, aged_payable, open_invoices or partner_ledger, not %',
      coalesce(quote_literal(kind), 'NULL')
      using errcode = '22023';
  end if;
  for k in select jsonb_object_keys(p) loop
    if not k = any (case kind
        when 'open_invoices' then array['company_id', 'kind', 'search', 'overdue_only']
        when 'partner_ledger' then array['company_id', 'partner_id', 'date_from', 'date_to']
        else array['company_id', 'as_of'] end) then
      raise exception 'request_export: % takes no parameter %', kind, quote_literal(k)
        using errcode = '22023';
    end if;
  end loop;
  if exists (select 1 from unnest(array['as_of', 'date_from', 'date_to']) d
              where p ? d and jsonb_typeof(p -> d) <> 'null'
                and coalesce(p ->> d, '') !~ '^\d{4}-\d{2}-\d{2}$') then
    raise exception 'request_export: dates are written YYYY-MM-DD' using errcode = '22023';
  end if;
  begin
    company := (p ->> 'company_id')::bigint;
    perform (p ->> 'as_of')::date, (p ->> 'date_from')::date, (p ->> 'date_to')::date,
            (p ->> 'partner_id')::bigint, (p ->> 'overdue_only')::boolean;
  exception when others then
    raise exception 'request_export: malformed parameter in %', p::text using errcode = '22023';
  end;
  if company is null then
    raise exception 'request_export: company_id is required' using errcode = '22023';
  end if;
  if p ? 'kind' and p ->> 'kind' not in ('receivable', 'payable') then
    raise exception 'request_export: kind filter must be receivable or payable' using errcode = '22023';
  end if;
  if length(coalesce(p ->> 'search', '')) > 200 then
    raise exception 'request_export: search is limited to 200 characters' using errcode = '22023';
  end if;
  -- A user may only export the companies granted to them (same answer as every report).
  if visible is not null and not company = any (visible) then
    raise exception 'request_export: no access to company %', company using errcode = '42501';
  end if;
  wanted := array[company];
  return reporting_private.enqueue_export(kind, p, wanted);
end $$;
comment on function reporting.request_export(text, jsonb) is
  'Queues an Excel export of the caller (kind aged_receivable | aged_payable {company_id, as_of}, '
  'open_invoices {company_id, kind?, search?, overdue_only?}, partner_ledger {company_id, '
  'partner_id?, date_from?, date_to?}); returns the job id, progress in reporting.export_jobs';
revoke all on function reporting.request_export(text, jsonb) from public;
grant execute on function reporting.request_export(text, jsonb) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The caller's own jobs (requester = the JWT's sub), read with the owner's rights; like every
-- report, nothing for a user who reads no company (no grant, no company claim: fails closed).
create function reporting_private.own_jobs()
returns table (
  job_id bigint, kind text, params jsonb, status text, rows_done bigint, rows_total bigint,
  attempts integer, max_attempts integer, error text, file_path text, file_name text,
  file_bytes bigint, created_at timestamptz, started_at timestamptz, updated_at timestamptz,
  finished_at timestamptz
)
language sql stable security definer set search_path = '' as $$
  select j.id, j.kind, j.params, j.status, j.rows_done, j.rows_total, j.attempts, j.max_attempts,
         j.error, j.result ->> 'path', j.result ->> 'name', (j.result ->> 'bytes')::bigint,
         j.created_at, j.started_at, j.updated_at, j.finished_at
    from ods.jobs j,
         (select nullif(current_setting('request.jwt.claims', true), '')::jsonb as claims) c
   where j.requester = (
     select case when s.sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                 then s.sub::uuid end
       from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
                      as sub) s)
     and (coalesce(cardinality(reporting_private.granted_companies()), 1) > 0
          or coalesce(c.claims -> 'company_ids', c.claims -> 'app_metadata' -> 'company_ids')
               is not null)
$$;
revoke all on function reporting_private.own_jobs() from public;
-- Readable like every report (a caller without a user id sees no job).
grant execute on function reporting_private.own_jobs() to authenticated, service_role, finanzas_bi;

create view reporting.export_jobs with (security_invoker = true, security_barrier = true) as
select o.job_id, o.kind, o.params, o.status, o.rows_done, o.rows_total, o.attempts,
       o.max_attempts, o.error, o.file_path, o.file_name, o.file_bytes, o.created_at,
       o.started_at, o.updated_at, o.finished_at
  from reporting_private.own_jobs() o;
comment on view reporting.export_jobs is
  'The caller''s own export jobs: status queued | running | done | failed (retried) | dead, '
  'progress rows_done of rows_total, error, and when done the file in Storage bucket exports '
  '(file_path; ask Storage for a signed URL to download it)';
grant select on reporting.export_jobs to authenticated, service_role, finanzas_bi;

-- ---------------------------------------------------------------------------------------------
-- The open items behind the aged balance, as of a date, for one company, by keyset
-- (partner_key, due_date, line_id) after the given key: the detail sheet of the aged export.
-- Residuals as of the date follow reporting_private.aged_partner_units (same per-item rounding,
-- so a partner's items add up to its row in reporting.aged_balance); the document-currency
-- residual subtracts the partials' amounts in that currency dated on or before as_of.
-- Unrestricted: reporting.aged_detail applies the caller's companies.
create function reporting_private.aged_detail_rows(
  as_of date, kind text, company bigint, after_partner bigint, after_due date, after_line bigint,
  n integer
)
returns table (
  partner_key bigint, line_id bigint, company_id bigint, company_name text, partner_id bigint,
  partner_name text, vat text, document text, invoice_date date, due_date date,
  days_overdue integer, currency text, amount_original numeric, residual_currency numeric,
  residual_company numeric, company_currency text, bucket text
)
language sql stable security definer set search_path = '' set jit = off as $$
  with items as (
    select t.line_id, t.company_id, t.partner_id, coalesce(t.partner_id, 0) as partner_key,
           t.aging_date, t.unit,
           case when t.first_partial_date is null or t.first_partial_date > aged_detail_rows.as_of
                  then t.balance_units
                when t.last_partial_date <= aged_detail_rows.as_of
                  then t.final_units
                else t.balance_units
                     + (select round(coalesce(sum(p.delta), 0) * t.unit)::bigint
                          from reporting_private.trade_item_partials p
                         where p.line_id = t.line_id and p.max_date <= aged_detail_rows.as_of)
           end as residual_units,
           (t.first_partial_date is not null and t.first_partial_date <= aged_detail_rows.as_of)
             as has_partials
      from reporting_private.aged_items t
     where t.open_during @> aged_detail_rows.as_of and t.kind = aged_detail_rows.kind
       and t.company_id = aged_detail_rows.company
       and (coalesce(t.partner_id, 0), t.aging_date, t.line_id)
           > (aged_detail_rows.after_partner, aged_detail_rows.after_due, aged_detail_rows.after_line)
     order by coalesce(t.partner_id, 0), t.aging_date, t.line_id
  )
  select i.partner_key, i.line_id, i.company_id, c.name, i.partner_id, p.name, p.vat,
         coalesce(nullif(m.name, ''), ti.move_id::text), m.invoice_date, i.aging_date,
         greatest(aged_detail_rows.as_of - i.aging_date, 0),
         coalesce(cur.currency, c.currency),
         s.sign * (case when foreign_cur then ti.amount_currency else ti.balance end),
         s.sign * (case when not foreign_cur then i.residual_units::numeric / i.unit
                        when not i.has_partials then ti.amount_currency
                        else ti.amount_currency + coalesce((
                          select sum(case when pr.debit_move_id = i.line_id
                                          then -pr.debit_amount_currency
                                          else pr.credit_amount_currency end)
                            from odoo.account_partial_reconcile pr
                           where (pr.debit_move_id = i.line_id or pr.credit_move_id = i.line_id)
                             and pr.max_date <= aged_detail_rows.as_of), 0) end),
         s.sign * i.residual_units::numeric / i.unit,
         c.currency,
         case when i.aging_date >= aged_detail_rows.as_of then 'not due'
              when i.aging_date >= aged_detail_rows.as_of - 30 then '1-30'
              when i.aging_date >= aged_detail_rows.as_of - 60 then '31-60'
              when i.aging_date >= aged_detail_rows.as_of - 90 then '61-90'
              when i.aging_date >= aged_detail_rows.as_of - 120 then '91-120'
              else 'older' end
    from items i
    join reporting_private.trade_items ti on ti.line_id = i.line_id
    left join reporting_private.companies c on c.company_id = i.company_id
    left join reporting_private.partners p on p.partner_id = i.partner_id
    left join reporting_private.currencies cur on cur.currency_id = ti.currency_id
    left join odoo.account_move m on m.id = ti.move_id,
         lateral (select case aged_detail_rows.kind when 'payable' then -1 else 1 end as sign) s,
         lateral (select ti.currency_id is not null and ti.currency_id <> c.currency_id
                         and ti.amount_currency is not null as foreign_cur) f
   where i.residual_units <> 0
   order by i.partner_key, i.aging_date, i.line_id
   limit aged_detail_rows.n
$$;
revoke all on function reporting_private.aged_detail_rows(date, text, bigint, bigint, date, bigint, integer)
  from public;
grant execute on function reporting_private.aged_detail_rows(date, text, bigint, bigint, date, bigint, integer)
  to authenticated, service_role, finanzas_bi;

create function reporting.aged_detail(
  as_of date, kind text, company bigint, after_partner bigint default -1,
  after_due date default '-infinity', after_line bigint default 0, n integer default 1000
)
returns table (
  partner_key bigint, line_id bigint, company_id bigint, company_name text, partner_id bigint,
  partner_name text, vat text, document text, invoice_date date, due_date date,
  days_overdue integer, currency text, amount_original numeric, residual_currency numeric,
  residual_company numeric, company_currency text, bucket text
)
language plpgsql stable set search_path = '' as $$
declare
  ids bigint[] := reporting_private.requested_companies(company);
begin
  perform reporting_private.check_aged_args('reporting.aged_detail', as_of, kind);
  if company is null or not company = any (coalesce(ids, array[company])) then
    return;
  end if;
  return query
    select * from reporting_private.aged_detail_rows(as_of, kind, company, after_partner,
                                                     after_due, after_line, least(n, 50000));
end $$;
comment on function reporting.aged_detail(date, text, bigint, bigint, date, bigint, integer) is
  'Open items of the aged balance as of a date (kind receivable|payable) for one visible company, '
  'ordered by (partner_key, due_date, line_id) after the given key, n at most: residual in '
  'document and company currency (owed amounts positive), days overdue and bucket as of the date';
revoke all on function reporting.aged_detail(date, text, bigint, bigint, date, bigint, integer) from public;
grant execute on function reporting.aged_detail(date, text, bigint, bigint, date, bigint, integer)
  to authenticated, service_role, finanzas_bi;
