import postgres from 'postgres';

// The tables of the local Auth stand-in: the subset of GoTrue's auth.users / auth.sessions /
// auth.refresh_tokens that password sign-in needs, with GoTrue's column names (bcrypt hashes in
// encrypted_password via pgcrypto's crypt()). Local only: created here, never by a migration;
// a hosted project has GoTrue's own tables.
const SCHEMA_SQL = `
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  aud text not null default 'authenticated',
  role text not null default 'authenticated',
  email text unique,
  encrypted_password text,
  email_confirmed_at timestamptz default now(),
  raw_app_meta_data jsonb not null default '{"provider":"email","providers":["email"]}',
  raw_user_meta_data jsonb not null default '{}',
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table if not exists auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  refreshed_at timestamptz
);
create table if not exists auth.refresh_tokens (
  id bigserial primary key,
  token text not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  parent text,
  revoked boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
revoke all on auth.users, auth.sessions, auth.refresh_tokens from public, anon, authenticated;
revoke all on sequence auth.refresh_tokens_id_seq from public, anon, authenticated;
`;

/** Creates the stand-in's tables when missing (idempotent, safe against concurrent callers). */
export async function ensureAuthSchema(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('local-auth-schema')::bigint)`;
    await tx.unsafe(SCHEMA_SQL);
  });
}

export interface LocalUser {
  email: string;
  password: string;
  /** e.g. { company_ids: [1] } to restrict the reports to some companies (DESIGN §5). */
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
}

/** Creates (or updates the password and metadata of) a local user; returns its id. */
export async function createLocalUser(dbUrl: string, user: LocalUser): Promise<string> {
  if (!/^[^@\s]+@[^@\s]+$/.test(user.email)) throw new Error(`not an email: ${user.email}`);
  if (user.password.length < 6) throw new Error('password must have at least 6 characters');
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await ensureAuthSchema(sql);
    const app = { provider: 'email', providers: ['email'], ...user.appMetadata };
    const [row] = await sql`
      insert into auth.users (email, encrypted_password, raw_app_meta_data, raw_user_meta_data)
      values (lower(${user.email}), extensions.crypt(${user.password}, extensions.gen_salt('bf', 10)),
              ${sql.json(app as postgres.JSONValue)},
              ${sql.json((user.userMetadata ?? {}) as postgres.JSONValue)})
      on conflict (email) do update
        set encrypted_password = excluded.encrypted_password,
            raw_app_meta_data = excluded.raw_app_meta_data,
            raw_user_meta_data = excluded.raw_user_meta_data, updated_at = now()
      returning id`;
    return String(row.id);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
