// Administrators' side of access control (DESIGN §5): who may read which company through the
// reports. Rows of ods.access_grants (the same table Supabase Studio edits), keyed by the Auth
// user's id; company NULL = every company. A grant takes effect on the user's next request.
import type postgres from 'postgres';

export class AccessError extends Error {
  override name = 'AccessError';
}

/** Company ids as given on the command line: `all` or a comma list of positive integers. */
export type Companies = 'all' | bigint[];

export function parseCompanies(raw: string | undefined): Companies {
  if (raw === undefined || raw.trim() === '')
    throw new AccessError('company ids are missing: a comma list such as 1,2, or all');
  if (raw.trim().toLowerCase() === 'all') return 'all';
  const parts = raw.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => !/^[1-9][0-9]{0,17}$/.test(p));
  if (bad.length > 0)
    throw new AccessError(`not a company id: ${bad.join(', ')} (a comma list such as 1,2, or all)`);
  return [...new Set(parts)].map((p) => BigInt(p));
}

export interface AuthUser {
  id: string;
  email: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Auth user with this e-mail (or id); an error naming how to create one when missing. */
export async function findUser(sql: postgres.Sql, who: string): Promise<AuthUser> {
  const [{ exists }] = await sql`select to_regclass('auth.users') is not null as exists`;
  if (!exists) throw new AccessError('this database has no auth.users (Supabase Auth) table');
  const rows = UUID.test(who)
    ? await sql`select id::text, email from auth.users where id = ${who}::uuid`
    : await sql`select id::text, email from auth.users where lower(email) = lower(${who})`;
  if (rows.length === 0)
    throw new AccessError(
      `no user ${who}: create them first (dashboard: Authentication → Add user; local stack: ` +
        'node tools/local-stack/bin/stack.mjs run tools/local-stack/src/auth/cli.ts add-user …)',
    );
  return { id: rows[0].id, email: rows[0].email };
}

/** Adds the grants; returns the company ids that are not (yet) in the mirror. */
export async function grant(
  sql: postgres.Sql,
  user: AuthUser,
  companies: Companies,
): Promise<string[]> {
  const ids = companies === 'all' ? [null] : companies.map(String);
  await sql.begin(async (tx) => {
    for (const id of ids) {
      await tx`insert into ods.access_grants (user_id, company_id, email)
        values (${user.id}::uuid, ${id}::bigint, ${user.email})
        on conflict on constraint access_grants_once do nothing`;
    }
  });
  if (companies === 'all') return [];
  const known = await sql`select id::text from odoo.res_company where id = any (${ids}::bigint[])`;
  return ids.filter((id) => !known.some((k) => k.id === id)) as string[];
}

/** Removes the grants (`all`: every grant of the user); returns how many rows went. */
export async function revoke(
  sql: postgres.Sql,
  user: AuthUser,
  companies: Companies,
): Promise<number> {
  const rows =
    companies === 'all'
      ? await sql`delete from ods.access_grants where user_id = ${user.id}::uuid returning id`
      : await sql`delete from ods.access_grants where user_id = ${user.id}::uuid
          and company_id = any (${companies.map(String)}::bigint[]) returning id`;
  return rows.length;
}

export interface AccessRow {
  email: string | null;
  userId: string;
  /** 'all', or the granted ids; `claim` = the company_ids of the user's app_metadata. */
  grants: string;
  claim: string | null;
}

/** Every user with a grant or an app_metadata.company_ids claim. */
export async function list(sql: postgres.Sql): Promise<AccessRow[]> {
  const [{ auth }] = await sql`select to_regclass('auth.users') is not null as auth`;
  const rows = auth
    ? await sql`
        with g as (
          select user_id, max(email) as email,
                 case when bool_or(company_id is null) then 'all'
                      else string_agg(company_id::text, ',' order by company_id) end as grants
            from ods.access_grants group by user_id
        )
        select coalesce(u.email, g.email) as email, coalesce(g.user_id, u.id)::text as user_id,
               coalesce(g.grants, '') as grants,
               (u.raw_app_meta_data -> 'company_ids')::text as claim
          from g full join auth.users u on u.id = g.user_id
         where g.user_id is not null or u.raw_app_meta_data ? 'company_ids'
         order by 1, 2`
    : await sql`
        select max(email) as email, user_id::text,
               case when bool_or(company_id is null) then 'all'
                    else string_agg(company_id::text, ',' order by company_id) end as grants,
               null as claim
          from ods.access_grants group by user_id order by 1, 2`;
  return rows.map((r) => ({
    email: r.email,
    userId: r.user_id,
    grants: r.grants,
    claim: r.claim,
  }));
}
