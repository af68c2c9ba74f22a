-- reporting.aged_balance takes a company, like aged_totals_as_of and aged_balance_top (issue 14).
-- Before: PostgREST's `company_id=eq.…` filtered the function's result, so a request for one
-- company computed every partner of every company the reader sees (at 10,000,000 journal items,
-- three companies: about three times the work, and 55,000 rows built for 18,000 returned).
-- Now: `company` (default NULL: every company the reader sees) goes into the query. A company the
-- reader is not granted returns nothing, as the other two functions do.

drop function reporting.aged_balance(date, text);

create function reporting.aged_balance(as_of date, kind text, company bigint default null)
returns table (
  company_id bigint, partner_id bigint, partner_name text, not_due numeric, days_1_30 numeric,
  days_31_60 numeric, days_61_90 numeric, days_91_120 numeric, older numeric, total numeric
)
language plpgsql stable set search_path = '' as $$
begin
  perform reporting_private.check_aged_args('reporting.aged_balance', as_of, kind);
  return query
    select r.* from reporting_private.aged_rows_for(
      as_of, kind, reporting_private.requested_companies(company)) r;
end $$;
comment on function reporting.aged_balance(date, text, bigint) is
  'Odoo''s aged receivable/payable as of a date (kind receivable|payable): one row per company and '
  'partner (partner NULL = Unknown), company currency, payables owed positive; one company, or '
  '(NULL) every company the reader may see. Reads the last refresh of the trade items (see '
  'reporting.freshness).';
revoke all on function reporting.aged_balance(date, text, bigint) from public;
grant execute on function reporting.aged_balance(date, text, bigint)
  to authenticated, service_role, finanzas_bi;
