-- reporting.aged_balance takes a company, like aged_totals_as_of and aged_balance_top, and is a
-- SQL function its callers' queries absorb (issue 14).
-- Before: a PL/pgSQL function over every company the reader sees. PostgREST's
-- `company_id=eq.…&order=total.desc&limit=100` was applied to its result: at 10,000,000 journal
-- items (three companies) it built 55,000 rows with names to return 100 of one company.
-- Now:
--   * `company` (default NULL: every company the reader sees) goes into the query; a company the
--     reader is not granted returns nothing, as the other two functions do;
--   * as a SQL function without SET clauses, Postgres inlines it into the caller's statement, so
--     a caller's order and limit apply inside: a partner's name (a subquery per row) is looked up
--     for the rows kept only.
--   * JIT off for the roles that read the reports. The reporting functions turn it off in their
--     SET clauses, which an inlined function cannot have: with it on, compiling the inlined query
--     took 550-900 ms at 10,000,000 journal items for a query that runs in 35 ms. PostgREST
--     applies a role's settings to each request (as it does statement_timeout); a BI tool gets
--     them at login.

alter role anon set jit = off;
alter role authenticated set jit = off;
alter role finanzas_bi set jit = off;

-- The argument check as a condition (true, or an error), for SQL functions.
create function reporting_private.aged_args_ok(fn text, as_of date, kind text) returns boolean
language plpgsql immutable set search_path = '' as $$
begin
  perform reporting_private.check_aged_args(fn, as_of, kind);
  return true;
end $$;
revoke all on function reporting_private.aged_args_ok(text, date, text) from public;
grant execute on function reporting_private.aged_args_ok(text, date, text)
  to authenticated, service_role, finanzas_bi;

drop function reporting.aged_balance(date, text);

-- No SET clause (not even search_path): a function with one is never inlined. Every name is
-- schema-qualified; it runs with the caller's rights (row security and grants apply).
create function reporting.aged_balance(as_of date, kind text, company bigint default null)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language sql stable as $$
  select g.company_id, g.partner_id,
         (select p.name from reporting_private.partners p where p.partner_id = g.partner_id),
         g.b0 * g.f, g.b1 * g.f, g.b2 * g.f, g.b3 * g.f, g.b4 * g.f, g.b5 * g.f,
         (g.b0 + g.b1 + g.b2 + g.b3 + g.b4 + g.b5) * g.f
    from reporting_private.aged_partner_units(
           aged_balance.as_of, aged_balance.kind,
           reporting_private.requested_companies(aged_balance.company)) g
   where reporting_private.aged_args_ok('reporting.aged_balance', aged_balance.as_of,
                                        aged_balance.kind)
$$;
comment on function reporting.aged_balance(date, text, bigint) is
  'Odoo''s aged receivable/payable as of a date (kind receivable|payable): one row per company and '
  'partner (partner NULL = Unknown), company currency, payables owed positive; one company, or '
  '(NULL) every company the reader may see. Reads the last refresh of the trade items (see '
  'reporting.freshness).';
revoke all on function reporting.aged_balance(date, text, bigint) from public;
grant execute on function reporting.aged_balance(date, text, bigint)
  to authenticated, service_role, finanzas_bi;
