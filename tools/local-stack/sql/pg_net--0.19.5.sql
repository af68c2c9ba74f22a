-- Local stand-in for Supabase's pg_net 0.19: same tables, types and function signatures.
-- Requests are queued in the caller's transaction; net.wake() raises a NOTIFY, which Postgres
-- only delivers at commit, so like pg_net nothing is sent before commit or after a rollback.
\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
  check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

create unlogged table net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);
create index on net._http_response (created);

create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');
create type net.http_response as (status_code integer, headers jsonb, body text);
create type net.http_response_result as (
  status net.request_status, message text, response net.http_response
);

create function net.wake() returns void language sql as $$
  select pg_notify('pg_net_wake', '');
$$;

create function net._urlencode_string(string varchar) returns text
language sql immutable strict as $$
  select string_agg(
    case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122
              or b in (45, 46, 95, 126)
         then chr(b) else '%' || upper(lpad(to_hex(b), 2, '0')) end, '' order by i)
  from (select get_byte(convert_to(string, 'UTF8'), i) as b, i
          from generate_series(0, octet_length(convert_to(string, 'UTF8')) - 1) as i) as bytes;
$$;

create function net._encode_url_with_params_array(url text, params_array text[])
returns text language sql immutable strict as $$
  select case when cardinality(params_array) = 0 then url
    else url || case when url like '%?%' then '&' else '?' end || array_to_string(params_array, '&')
  end;
$$;

create function net._params_array(params jsonb) returns text[] language sql immutable as $$
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  from jsonb_each_text(coalesce(params, '{}'::jsonb));
$$;

create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint language plpgsql volatile as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, net._params_array(params)), headers,
          timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end $$;

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint language plpgsql volatile as $$
declare
  request_id bigint;
  content_type text;
begin
  select value into content_type from jsonb_each_text(headers) where lower(key) = 'content-type';
  if content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, net._params_array(params)), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end $$;

create function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000,
  body jsonb default null
) returns bigint language plpgsql volatile as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(url, net._params_array(params)), headers,
          case when body is null then null else convert_to(body::text, 'UTF8') end,
          timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end $$;

create function net._http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result language plpgsql volatile as $$
declare
  rec net._http_response;
begin
  if not async then
    raise exception 'the local pg_net stand-in cannot wait inside a transaction; use async';
  end if;
  select * into rec from net._http_response where id = request_id;
  if rec is null or rec.error_msg is not null then
    return ('ERROR', coalesce(rec.error_msg, 'request matching request_id not found'), null);
  end if;
  return ('SUCCESS', 'ok', (rec.status_code, rec.headers, rec.content)::net.http_response);
end $$;

create function net.http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result language sql volatile as $$
  select net._http_collect_response(request_id, async);
$$;

grant usage on schema net to public;
grant all on all tables in schema net to public;
grant all on all sequences in schema net to public;
