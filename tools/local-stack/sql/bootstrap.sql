-- What a Supabase project has before the first migration: its roles, the auth helpers, the
-- extensions schema and Vault. Local stand-in only (never part of supabase/migrations);
-- applied once to a new cluster by tools/local-stack/src/cluster.ts.
\set ON_ERROR_STOP on

create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pgtap with schema extensions;
create extension if not exists pg_cron;
alter database postgres set search_path = "$user", public, extensions;

-- Supabase's API roles (https://supabase.com/docs/guides/database/postgres/roles).
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator noinherit login password 'postgres';
grant anon, authenticated, service_role to authenticator;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';

grant usage on schema public, extensions to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create schema auth;
grant usage on schema auth to anon, authenticated, service_role;
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;
create function auth.uid() returns uuid language sql stable as $$
  select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;
create function auth.role() returns text language sql stable as $$
  select nullif(auth.jwt() ->> 'role', '')
$$;

-- Vault (supabase_vault 0.3 API). Secrets are encrypted with a local key through pgcrypto
-- instead of pgsodium; the functions, view, uniqueness and grants match Supabase's.
create schema vault;
create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(16),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index secrets_name_idx on vault.secrets (name) where name is not null;

create function vault._local_key() returns text language sql immutable as $$
  select 'finanzas-agv-local-vault-key'
$$;

create view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret,
         convert_from(extensions.pgp_sym_decrypt_bytea(decode(s.secret, 'base64'),
                                                        vault._local_key()), 'utf8')
           as decrypted_secret,
         s.key_id, s.nonce, s.created_at, s.updated_at
    from vault.secrets s;

create function vault.create_secret(
  new_secret text, new_name text = null, new_description text = '', new_key_id uuid = null
) returns uuid language plpgsql security definer set search_path = '' as $$
declare
  rec record;
begin
  insert into vault.secrets (secret, name, description)
  values (encode(extensions.pgp_sym_encrypt_bytea(convert_to(new_secret, 'utf8'),
                                                  vault._local_key()), 'base64'),
          new_name, coalesce(new_description, ''))
  returning * into rec;
  return rec.id;
end $$;

create function vault.update_secret(
  secret_id uuid, new_secret text = null, new_name text = null, new_description text = null,
  new_key_id uuid = null
) returns void language plpgsql security definer set search_path = '' as $$
begin
  update vault.secrets s
     set secret = coalesce(encode(extensions.pgp_sym_encrypt_bytea(
                    convert_to(new_secret, 'utf8'), vault._local_key()), 'base64'), s.secret),
         name = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         updated_at = now()
   where s.id = secret_id;
end $$;

revoke all on all tables in schema vault from public;
revoke all on all functions in schema vault from public;
grant usage on schema vault to service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid), vault._local_key() to service_role;
