-- The part of Supabase Storage's database that exists on every Supabase project before the
-- first migration: the `storage` schema with buckets, objects (the columns Supabase has, so a
-- migration's policies and queries run unchanged), the helpers policies use
-- (storage.foldername/filename/extension) and the API roles' grants, RLS on. Local stand-in
-- only (never in supabase/migrations), applied by tools/local-stack/src/cluster.ts before the
-- migrations on every start: idempotent, so clusters made before it existed get it too.
-- The bytes live in storage_local.blobs (a bytea per object, not granted to any API role):
-- written in the same transaction as the object's row, so an upload is whole or absent and a
-- removed cluster takes its files with it.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create schema if not exists storage;
create schema if not exists storage_local;

create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);

create table if not exists storage_local.blobs (
  object_id uuid primary key references storage.objects (id) on delete cascade,
  data bytea not null
);
revoke all on schema storage_local from public;

create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end $$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end $$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end $$;

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

grant usage on schema storage to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to anon, authenticated, service_role;
