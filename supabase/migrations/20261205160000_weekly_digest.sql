-- The weekly digest per company (issue 13): who gets it and when (ods.digest_subscriptions,
-- edited in Supabase Studio), one row per (company, week, recipient) in ods.digest_sends —
-- claimed before the e-mail goes out, recorded after, unique, so the same week never reaches a
-- recipient twice, however often the schedule runs — and the state of those sends readable in
-- reporting.digest_sends under the same rules as sync_health (error texts for admins only).
-- pg_cron asks every 5 minutes; ods.invoke_digest wakes the `digest` Edge Function through
-- pg_net only when a send is due, so an idle week costs no function call.

-- ---------------------------------------------------------------------------------------------
create table ods.digest_subscriptions (
  company_id bigint primary key,
  recipients text[] not null,
  -- ISO day of the week (1 = Monday … 7 = Sunday) and hour, in `timezone`.
  weekday smallint not null default 1 check (weekday between 1 and 7),
  hour smallint not null default 7 check (hour between 0 and 23),
  timezone text not null default 'UTC',
  active boolean not null default true,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint digest_recipients_count check (cardinality(recipients) between 1 and 50)
);
comment on table ods.digest_subscriptions is
  'Weekly digest per company (edit in Studio): recipients, ISO weekday (1 = Monday) and hour in '
  'timezone; sent once per company, week and recipient (ods.digest_sends)';
comment on column ods.digest_subscriptions.company_id is 'odoo.res_company id';
revoke all on ods.digest_subscriptions from public, anon, authenticated;
grant select on ods.digest_subscriptions to service_role;
alter table ods.digest_subscriptions enable row level security;

-- A typo in Studio is refused with its reason, not discovered on the day nothing arrives.
create function ods.check_digest_subscription() returns trigger
language plpgsql set search_path = '' as $$
declare
  bad text;
begin
  select r into bad from unnest(new.recipients) r
   where r is null or r !~ '^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$' limit 1;
  if found then
    raise exception 'digest recipient % is not an e-mail address', coalesce(quote_literal(bad), 'NULL')
      using errcode = '22023';
  end if;
  begin
    perform now() at time zone new.timezone;
  exception when others then
    raise exception 'digest timezone % is not a time zone name (e.g. Europe/Madrid)',
      quote_literal(new.timezone) using errcode = '22023';
  end;
  new.updated_at := now();
  return new;
end $$;
create trigger digest_subscriptions_check before insert or update on ods.digest_subscriptions
  for each row execute function ods.check_digest_subscription();

-- ---------------------------------------------------------------------------------------------
create table ods.digest_sends (
  id bigint generated always as identity primary key,
  company_id bigint not null,
  -- Monday of the subscription's local week.
  week_start date not null,
  recipient text not null,
  status text not null default 'pending'
    check (status in ('pending', 'sending', 'sent', 'retry', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- While `sending`: another run may take the send over once this passes (a killed worker).
  locked_until timestamptz,
  last_attempt_at timestamptz,
  sent_at timestamptz,
  message_id text,
  error text,
  error_category text,
  created_at timestamptz not null default now(),
  constraint digest_sends_once unique (company_id, week_start, recipient)
);
create index digest_sends_due on ods.digest_sends (next_attempt_at)
  where status in ('pending', 'retry', 'sending');
comment on table ods.digest_sends is
  'One weekly digest e-mail per (company, week, recipient): claimed before sending, recorded '
  'after; status pending → sending → sent, or retry → … → failed with its error';
revoke all on ods.digest_sends from public, anon, authenticated;
grant select on ods.digest_sends to service_role;
alter table ods.digest_sends enable row level security;

-- The (company, week) pairs whose moment has come: the subscription's weekday and hour of the
-- current local week have passed. A week missed entirely (system down) is not sent later.
create function ods.digest_due(at timestamptz default now())
returns table (company_id bigint, week_start date, recipient text)
language sql stable set search_path = '' as $$
  select s.company_id, w.week_start, r.recipient
    from ods.digest_subscriptions s
   cross join lateral (select (digest_due.at at time zone s.timezone) as local_now) l
   cross join lateral (select date_trunc('week', l.local_now)::date as week_start) w
   cross join lateral unnest(s.recipients) r (recipient)
   where s.active
     and l.local_now >= w.week_start + (s.weekday - 1) + make_interval(hours => s.hour)
$$;
revoke all on function ods.digest_due(timestamptz) from public;

-- Whether a run has anything to do (cheap: the cron tick calls the function only then).
create function ods.digest_work_due(at timestamptz default now()) returns boolean
language sql stable set search_path = '' as $$
  select exists (
           select 1 from ods.digest_due(digest_work_due.at) d
            where not exists (select 1 from ods.digest_sends x
                               where x.company_id = d.company_id and x.week_start = d.week_start
                                 and x.recipient = d.recipient))
      or exists (select 1 from ods.digest_sends x
                  where (x.status in ('pending', 'retry') and x.next_attempt_at <= digest_work_due.at)
                     or (x.status = 'sending' and x.locked_until < digest_work_due.at))
$$;
revoke all on function ods.digest_work_due(timestamptz) from public;

-- Creates the due sends (once: the unique key) and claims up to `batch` of those waiting —
-- new, due for a retry, or abandoned mid-send — for `lease`; each claim counts an attempt. A
-- send abandoned `max_attempts` times is failed instead of claimed again.
create function ods.claim_digest_sends(
  max_attempts integer, lease interval default '5 minutes', batch integer default 50
)
returns setof ods.digest_sends
language plpgsql set search_path = '' as $$
begin
  insert into ods.digest_sends (company_id, week_start, recipient)
  select d.company_id, d.week_start, d.recipient from ods.digest_due() d
  on conflict (company_id, week_start, recipient) do nothing;

  update ods.digest_sends
     set status = 'failed', locked_until = null,
         error = coalesce(error, format('the send was interrupted %s times', attempts)),
         error_category = coalesce(error_category, 'interrupted')
   where status = 'sending' and locked_until < now() and attempts >= max_attempts;

  return query
    update ods.digest_sends s
       set status = 'sending', attempts = s.attempts + 1, locked_until = now() + lease,
           last_attempt_at = now()
     where s.id in (select x.id from ods.digest_sends x
                     where (x.status in ('pending', 'retry') and x.next_attempt_at <= now())
                        or (x.status = 'sending' and x.locked_until < now()
                            and x.attempts < max_attempts)
                     order by x.company_id, x.week_start, x.id
                     limit batch
                       for update skip locked)
    returning s.*;
end $$;
revoke all on function ods.claim_digest_sends(integer, interval, integer) from public;

-- Records how a claimed send ended: sent, or failed — retried after `backoff` doubled per
-- attempt while `retriable` and attempts remain, else failed for good with its error.
create function ods.finish_digest_send(
  send_id bigint, message_id text, error text, error_category text, retriable boolean,
  max_attempts integer, backoff interval
) returns text
language plpgsql set search_path = '' as $$
declare
  outcome text;
begin
  update ods.digest_sends s
     set status = case when finish_digest_send.error is null then 'sent'
                       when finish_digest_send.retriable and s.attempts < max_attempts then 'retry'
                       else 'failed' end,
         sent_at = case when finish_digest_send.error is null then now() end,
         message_id = finish_digest_send.message_id,
         error = finish_digest_send.error,
         error_category = finish_digest_send.error_category,
         next_attempt_at = now() + backoff * power(2, greatest(s.attempts - 1, 0)),
         locked_until = null
   where s.id = send_id and s.status = 'sending'
  returning s.status into outcome;
  return outcome;
end $$;
revoke all on function ods.finish_digest_send(bigint, text, text, text, boolean, integer, interval)
  from public;

-- ---------------------------------------------------------------------------------------------
-- The schedule: the Vault entries of ods.invoke_sync (project_url, service_role_key).
create function ods.invoke_digest(trigger text default 'cron') returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  project_url text;
  service_key text;
begin
  if not ods.digest_work_due() then
    return null;
  end if;
  select decrypted_secret into project_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into service_key from vault.decrypted_secrets where name = 'service_role_key';
  if project_url is null or service_key is null then
    raise warning 'digest not invoked: Vault entries project_url and service_role_key are required';
    return null;
  end if;
  return net.http_post(
    url := rtrim(project_url, '/') || '/functions/v1/digest',
    body := jsonb_build_object('trigger', trigger),
    headers := jsonb_build_object('Content-Type', 'application/json',
                                  'Authorization', 'Bearer ' || service_key),
    timeout_milliseconds := 150000
  );
end $$;
revoke all on function ods.invoke_digest(text) from public;
comment on function ods.invoke_digest(text) is
  'Queues one call of the digest Edge Function when a digest send is due; returns the request id';

select cron.schedule('weekly-digest', '*/5 * * * *', $$select ods.invoke_digest()$$);

-- ---------------------------------------------------------------------------------------------
-- What the sends did, per visible company: error texts only for service_role, the owner and
-- finanzas_admin (reporting_private.reads_error_text), the category for everyone else.
create function reporting_private.digest_send_rows()
returns table (
  company_id bigint, week_start date, recipient text, status text, attempts integer,
  last_attempt_at timestamptz, next_attempt_at timestamptz, sent_at timestamptz,
  error text, error_category text
)
language sql stable security definer set search_path = '' as $$
  select s.company_id, s.week_start, s.recipient, s.status, s.attempts, s.last_attempt_at,
         case when s.status in ('pending', 'retry') then s.next_attempt_at end, s.sent_at,
         case when reporting_private.reads_error_text() then s.error end, s.error_category
    from ods.digest_sends s
$$;
revoke all on function reporting_private.digest_send_rows() from public;
grant execute on function reporting_private.digest_send_rows()
  to authenticated, service_role, finanzas_bi;

create view reporting.digest_sends with (security_invoker = true, security_barrier = true) as
select company_id, week_start, recipient, status, attempts, last_attempt_at, next_attempt_at,
       sent_at, error, error_category
  from reporting_private.digest_send_rows() d
 where (select reporting_private.visible_companies()) is null
    or d.company_id = any ((select reporting_private.visible_companies())::bigint[]);
comment on view reporting.digest_sends is
  'Weekly digest e-mails per company, week and recipient: status (pending, sending, sent, retry, '
  'failed), attempts, error (text for admins, error_category for everyone)';
grant select on reporting.digest_sends to authenticated, service_role, finanzas_bi;

do $$
begin
  if has_schema_privilege('anon', 'reporting', 'usage') then
    perform ods.set_demo_access(true);
  end if;
end $$;
