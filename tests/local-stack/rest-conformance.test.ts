// Conformance of the /rest/v1 stand-in, driven by the real supabase-js client against a
// fixture schema. Results are compared with the same query run directly as the same role;
// errors with PostgREST's documented shapes and statuses (reference §1–§4).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from '../../tools/local-stack/src/keys.ts';
import { createRestHandler, type RestHandler } from '../../tools/local-stack/src/rest/index.ts';

const S = 'rest_conformance';
const S2 = 'rest_conformance_b';
const HIDDEN = 'rest_conformance_hidden';
const OWNER = '11111111-1111-4111-8111-111111111111';

const dbUrl = inject('dbUrl');
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
let handler: RestHandler;
let server: http.Server;
let base: string;
let anon: SupabaseClient<any, any, any>;
let service: SupabaseClient<any, any, any>;

const FIXTURE = `
drop schema if exists ${S} cascade;
drop schema if exists ${S2} cascade;
drop schema if exists ${HIDDEN} cascade;
create schema ${S};
create schema ${S2};
create schema ${HIDDEN};
grant usage on schema ${S}, ${S2}, ${HIDDEN} to anon, authenticated, service_role;

create table ${S}.items (
  id int primary key, name text, qty int, price numeric(12,2), note text, day date,
  at timestamptz, active boolean, data jsonb, tags text[]
);
insert into ${S}.items
select i,
  case i % 5 when 0 then 'Café "' || i || '"' when 1 then 'Niño, o''brien ' || i when 2 then 'a*b%c_' || i
    when 3 then 'ÄÖÜ (paren) ' || i else 'plain ' || i end,
  i * 3 % 17, (i * 12.345)::numeric(12,2), case when i % 4 = 0 then null else 'n' || i end,
  date '2024-01-01' + i, timestamptz '2024-01-01 10:00:00+00' + i * interval '7 hours',
  case i % 3 when 0 then null when 1 then true else false end,
  jsonb_build_object('k', i, 'nested', jsonb_build_object('v', 'x' || i)),
  array['t' || (i % 3), 'all']
from generate_series(1, 30) i;
grant select on ${S}.items to anon, authenticated, service_role;

create table ${S}.big as select g as id from generate_series(1, 1500) g;
grant select on ${S}.big to anon, service_role;

create view ${S}.items_view as select id, name, qty from ${S}.items where qty > 5;
grant select on ${S}.items_view to anon;
create materialized view ${S}.items_mv as select qty, count(*)::int as n from ${S}.items group by qty;
grant select on ${S}.items_mv to anon;

create table ${S}.secret (id int, v text);
insert into ${S}.secret values (1, 'hidden');

create table ${S}.owned (id int primary key, owner uuid, v text);
insert into ${S}.owned values (1, '${OWNER}', 'mine'), (2, '22222222-2222-4222-8222-222222222222', 'theirs'), (3, null, 'nobody');
alter table ${S}.owned enable row level security;
create policy own on ${S}.owned for select to authenticated using (owner = auth.uid());
grant select on ${S}.owned to anon, authenticated, service_role;

create table ${S}.canary (id int);
insert into ${S}.canary values (1), (2), (3);
grant select on ${S}.canary to anon, authenticated, service_role;

create table ${S}.log (id serial primary key, msg text);
grant select, insert on ${S}.log to anon, authenticated, service_role;
grant usage on sequence ${S}.log_id_seq to anon, authenticated, service_role;

create table ${S2}.other (id int, label text);
insert into ${S2}.other values (1, 'from b');
grant select on ${S2}.other to anon;
create table ${HIDDEN}.t (id int);
grant select on ${HIDDEN}.t to anon;

create function ${S}.add(a int, b int) returns int language sql immutable as $$ select a + b $$;
create function ${S}.nums(n int) returns setof int language sql stable as $$ select generate_series(1, n) $$;
create function ${S}.items_from(min_id int default 0) returns setof ${S}.items language sql stable
  as $$ select * from ${S}.items where id >= min_id order by id $$;
create function ${S}.pairs() returns table(k int, label text) language sql stable
  as $$ select i, 'label ' || i from generate_series(1, 4) i $$;
create function ${S}.one_item(p_id int) returns ${S}.items language sql stable
  as $$ select * from ${S}.items where id = p_id $$;
create function ${S}.noop() returns void language sql as $$ select $$;
create function ${S}.boom() returns int language plpgsql as $$
begin raise exception 'I refuse!' using detail = 'Pretty simple', hint = 'There is nothing you can do.'; end $$;
create function ${S}.pay() returns int language plpgsql as $$
begin raise sqlstate 'PT402' using message = 'Payment Required', detail = 'Quota exceeded', hint = 'Upgrade'; end $$;
create function ${S}.ov(a int) returns text language sql as $$ select 'one' $$;
create function ${S}.ov(a int, b int default 1) returns text language sql as $$ select 'two' $$;
create function ${S}.greet(name text, greeting text default 'hola') returns text language sql immutable
  as $$ select greeting || ', ' || name $$;
create function ${S}.echo(jsonb) returns jsonb language sql immutable as $$ select $1 $$;
create function ${S}.total(variadic xs int[]) returns int language sql immutable as $$ select sum(x)::int from unnest(xs) x $$;
create function ${S}.write_log(msg text) returns int language sql volatile
  as $$ insert into ${S}.log(msg) values (msg) returning id $$;
create function ${S}.write_many() returns setof int language sql volatile
  as $$ insert into ${S}.log(msg) values ('many 1'), ('many 2') returning id $$;
create function ${S}.teapot() returns int language plpgsql stable as $$
begin
  perform set_config('response.status', '418', true);
  perform set_config('response.headers', '[{"X-Tea": "earl grey"}]', true);
  return 1;
end $$;
create function ${S}.context() returns json language sql stable as $$
  select json_build_object(
    'user', current_user,
    'claims', current_setting('request.jwt.claims', true)::json,
    'method', current_setting('request.method', true),
    'path', current_setting('request.path', true),
    'headers', current_setting('request.headers', true)::json,
    'cookies', current_setting('request.cookies', true)::json,
    'search_path', current_setting('search_path'),
    'statement_timeout', current_setting('statement_timeout'),
    'read_only', current_setting('transaction_read_only'),
    'uid', auth.uid())
$$;
grant execute on all functions in schema ${S} to anon, authenticated, service_role;
`;

async function mint(
  claims: Record<string, unknown>,
  expiresIn: number | undefined = 3600,
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (expiresIn !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  return jwt.sign(new TextEncoder().encode(JWT_SECRET));
}

/** The same query run directly as `role`, aggregated the way PostgREST does. */
async function asRole(
  role: string,
  query: string,
  claims: Record<string, unknown> = { role },
  params: string[] = [],
): Promise<unknown> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
    await tx.unsafe(`set local role ${role}`);
    await tx.unsafe(`set local search_path = ${S}, public, extensions`);
    const [row] = await tx.unsafe(
      `select coalesce(json_agg(t), '[]')::text as body from (${query}) t`,
      params,
    );
    return JSON.parse(row.body as string);
  });
}

async function rest(
  path: string,
  init: RequestInit & { key?: string | null; profile?: string } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers = new Headers(init.headers);
  if (init.key !== null && !headers.has('apikey')) headers.set('apikey', init.key ?? ANON_KEY);
  if (!headers.has('Accept-Profile') && !headers.has('Content-Profile')) {
    headers.set(init.method === 'POST' ? 'Content-Profile' : 'Accept-Profile', init.profile ?? S);
  }
  const res = await fetch(`${base}/rest/v1${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body, text };
}

// Node 20 has no global WebSocket, which supabase-js's realtime client wants at
// construction; realtime is never used here, so a placeholder that refuses to connect.
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not available in these tests');
  }
}

function client(key: string, opts: { schema?: string; token?: string } = {}) {
  return createClient(base, key, {
    db: { schema: opts.schema ?? S },
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: NoWebSocket as never },
    global: opts.token ? { headers: { Authorization: `Bearer ${opts.token}` } } : undefined,
  });
}

const canaryCount = async () =>
  Number((await sql`select count(*)::int as n from rest_conformance.canary`)[0].n);

beforeAll(async () => {
  await sql.unsafe(FIXTURE);
  const authenticator = new URL(dbUrl);
  authenticator.username = 'authenticator';
  authenticator.password = 'postgres';
  handler = createRestHandler({
    dbUrl: authenticator.toString(),
    jwtSecret: JWT_SECRET,
    schemas: ['public', S, S2],
    anonKey: ANON_KEY,
    serviceKey: SERVICE_ROLE_KEY,
    poolSize: 4,
  });
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith('/rest/v1')) {
      res.writeHead(404).end();
      return;
    }
    void handler.handle(req, res, url.slice('/rest/v1'.length).split('?')[0] || '/');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  anon = client(ANON_KEY);
  service = client(SERVICE_ROLE_KEY);
});

afterAll(async () => {
  await handler?.close();
  await new Promise((resolve) => server?.close(resolve));
  await sql.unsafe(
    `drop schema if exists ${S} cascade; drop schema if exists ${S2} cascade; drop schema if exists ${HIDDEN} cascade;`,
  );
  await sql.end();
});

describe('reads through supabase-js match direct SQL as the same role', () => {
  it('selects columns, aliases and casts', async () => {
    const { data, error, status } = await anon
      .from('items')
      .select('id,label:name,price,price_text:price::text,day,at,active,data,tags,note')
      .order('id');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual(
      await asRole(
        'anon',
        'select id, name as label, price, price::text as price_text, day, at, active, data, tags, note from items order by id limit 1000',
      ),
    );
  });

  it('applies eq/neq/gt/gte/lt/lte/like/ilike/in/is and not.', async () => {
    const cases: [string, (q: any) => any, string][] = [
      ['eq', (q) => q.eq('qty', 3), 'qty = 3'],
      ['neq', (q) => q.neq('qty', 3), 'qty <> 3'],
      ['gt', (q) => q.gt('price', 100), 'price > 100'],
      ['gte', (q) => q.gte('day', '2024-01-15'), `day >= '2024-01-15'`],
      ['lt', (q) => q.lt('at', '2024-01-03T00:00:00Z'), `at < '2024-01-03T00:00:00Z'`],
      ['lte', (q) => q.lte('id', 4), 'id <= 4'],
      ['like', (q) => q.like('name', 'Café*'), `name like 'Café%'`],
      ['like literal star', (q) => q.like('name', 'a*b%c*'), `name like 'a%b%c%'`],
      ['ilike', (q) => q.ilike('name', '*NIÑO*'), `name ilike '%NIÑO%'`],
      ['in', (q) => q.in('id', [1, 2, 29]), 'id in (1, 2, 29)'],
      [
        'in with reserved chars',
        (q) => q.in('name', ["Niño, o'brien 1", 'ÄÖÜ (paren) 3']),
        `name in ('Niño, o''brien 1', 'ÄÖÜ (paren) 3')`,
      ],
      ['is null', (q) => q.is('note', null), 'note is null'],
      ['is true', (q) => q.is('active', true), 'active is true'],
      ['not is null', (q) => q.not('active', 'is', null), 'not active is null'],
      ['not in', (q) => q.not('id', 'in', '(1,2,3)'), 'not id in (1, 2, 3)'],
      ['isdistinct', (q) => q.isDistinct('active', true), 'active is distinct from true'],
      ['contains', (q) => q.contains('tags', ['t1']), `tags @> '{t1}'`],
      ['jsonb eq', (q) => q.eq('data->>k', '7'), `data->>'k' = '7'`],
      ['repeated column', (q) => q.gt('id', 3).lt('id', 7), 'id > 3 and id < 7'],
    ];
    for (const [label, apply, where] of cases) {
      const { data, error } = await apply(anon.from('items').select('id')).order('id');
      expect([label, error]).toEqual([label, null]);
      expect([label, data]).toEqual([
        label,
        await asRole('anon', `select id from items where ${where} order by id`),
      ]);
    }
  });

  it('evaluates nested or/and logic trees', async () => {
    const { data, error } = await anon
      .from('items')
      .select('id')
      .or(
        'id.eq.1,and(qty.gt.10,not.or(active.is.null,name.like.*Café*)),name.in.("Niño, o\'brien 6",x)',
      )
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual(
      await asRole(
        'anon',
        `select id from items where id = 1 or (qty > 10 and not (active is null or name like '%Café%')) or name in ('Niño, o''brien 6', 'x') order by id`,
      ),
    );
  });

  it('orders by several columns with nulls placement', async () => {
    const { data } = await anon
      .from('items')
      .select('id,active,note')
      .order('active', { ascending: false, nullsFirst: true })
      .order('note', { ascending: true, nullsFirst: false })
      .order('id', { ascending: false });
    expect(data).toEqual(
      await asRole(
        'anon',
        'select id, active, note from items order by active desc nulls first, note asc nulls last, id desc',
      ),
    );
  });

  it('reads views and materialized views', async () => {
    expect((await anon.from('items_view').select('*').order('id')).data).toEqual(
      await asRole('anon', 'select * from items_view order by id'),
    );
    expect((await anon.from('items_mv').select('*').order('qty')).data).toEqual(
      await asRole('anon', 'select * from items_mv order by qty'),
    );
  });

  it('switches schema with Accept-Profile and echoes Content-Profile', async () => {
    const other = client(ANON_KEY, { schema: S2 });
    expect((await other.from('other').select('*')).data).toEqual([{ id: 1, label: 'from b' }]);
    const res = await rest('/items?select=id&limit=1');
    expect(res.headers.get('content-profile')).toBe(S);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('applies RLS through the role and claims from the JWT', async () => {
    const token = await mint({ role: 'authenticated', sub: OWNER });
    const user = client(ANON_KEY, { token });
    const claims = { role: 'authenticated', sub: OWNER };
    expect((await user.from('owned').select('*')).data).toEqual(
      await asRole('authenticated', 'select * from owned', claims),
    );
    expect((await user.from('owned').select('*')).data).toEqual([
      { id: 1, owner: OWNER, v: 'mine' },
    ]);
    expect((await anon.from('owned').select('*')).data).toEqual([]);
    expect((await service.from('owned').select('id').order('id')).data).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
  });

  it('returns CSV', async () => {
    const { data } = await anon.from('items').select('id,name').in('id', [1, 5]).order('id').csv();
    expect(data).toBe('id,name\n1,"Niño, o\'brien 1"\n5,"Café ""5"""');
    const empty = await rest('/items?id=eq.0', { headers: { Accept: 'text/csv' } });
    expect(empty.text).toBe('\n');
  });
});

describe('counts, ranges and db-max-rows', () => {
  it('reports exact counts with Content-Range and 206 for a partial page', async () => {
    const { data, count, status } = await anon
      .from('items')
      .select('id', { count: 'exact' })
      .order('id')
      .range(5, 9);
    expect([status, count]).toEqual([206, 30]);
    expect(data).toEqual(await asRole('anon', 'select id from items order by id offset 5 limit 5'));
    const res = await rest('/items?select=id&offset=5&limit=5', {
      headers: { Prefer: 'count=exact' },
    });
    expect(res.headers.get('content-range')).toBe('5-9/30');
    expect(res.headers.get('preference-applied')).toBe('count=exact');
  });

  it('counts with HEAD and planned/estimated counts', async () => {
    const { count, data, status } = await anon
      .from('items')
      .select('*', { count: 'exact', head: true })
      .gt('id', 10);
    expect([status, count, data]).toEqual([200, 20, null]);
    expect(
      (await anon.from('items').select('id', { count: 'planned' }).limit(2)).count,
    ).toBeGreaterThan(0);
    expect((await anon.from('items').select('id', { count: 'estimated' })).count).toBe(30);
  });

  it('uses */* and */0 for empty results, and 416/206 past the end', async () => {
    expect((await rest('/items?id=eq.0')).headers.get('content-range')).toBe('*/*');
    expect(
      (await rest('/items?id=eq.0', { headers: { Prefer: 'count=exact' } })).headers.get(
        'content-range',
      ),
    ).toBe('*/0');
    const past = await rest('/items?offset=40', { headers: { Prefer: 'count=exact' } });
    expect(past.status).toBe(416);
    expect(past.body).toEqual({
      code: 'PGRST103',
      details: 'An offset of 40 was requested, but there are only 30 rows.',
      hint: null,
      message: 'Requested range not satisfiable',
    });
    const atEnd = await rest('/items?offset=30', { headers: { Prefer: 'count=exact' } });
    expect([atEnd.status, atEnd.headers.get('content-range'), atEnd.body]).toEqual([
      206,
      '*/30',
      [],
    ]);
    expect((await rest('/items?offset=40')).status).toBe(200);
  });

  it('honours the Range header on GET, intersected with limit', async () => {
    const res = await rest('/items?select=id&order=id&limit=3', {
      headers: { Range: '1-10', 'Range-Unit': 'items' },
    });
    expect([res.status, res.headers.get('content-range'), res.body]).toEqual([
      200,
      '1-2/*',
      [{ id: 2 }, { id: 3 }],
    ]);
    const bad = await rest('/items', { headers: { Range: '5-2' } });
    expect([bad.status, bad.body.code]).toEqual([416, 'PGRST103']);
    expect((await rest('/items?limit=0')).body).toEqual([]);
  });

  it('truncates silently at db-max-rows (1000)', async () => {
    const plain = await rest('/big?select=id');
    expect([plain.status, plain.headers.get('content-range'), plain.body.length]).toEqual([
      200,
      '0-999/*',
      1000,
    ]);
    const counted = await rest('/big?select=id', { headers: { Prefer: 'count=exact' } });
    expect([counted.status, counted.headers.get('content-range')]).toEqual([206, '0-999/1500']);
  });
});

describe('singular responses', () => {
  it('returns one object, or 406 PGRST116 with the row count', async () => {
    const one = await anon.from('items').select('id,name').eq('id', 2).single();
    expect(one.data).toEqual({ id: 2, name: 'a*b%c_2' });
    const many = await anon.from('items').select('id').lt('id', 3).single();
    expect([many.status, many.error?.code, many.error?.details, many.error?.message]).toEqual([
      406,
      'PGRST116',
      'The result contains 2 rows',
      'Cannot coerce the result to a single JSON object',
    ]);
    const none = await anon.from('items').select('id').eq('id', 0).maybeSingle();
    expect([none.data, none.error]).toEqual([null, null]);
    const raw = await rest('/items?id=eq.0', {
      headers: { Accept: 'application/vnd.pgrst.object+json' },
    });
    expect([raw.status, raw.body.details]).toEqual([406, 'The result contains 0 rows']);
  });
});

describe('RPC', () => {
  it('returns scalars bare, SETOF scalars as arrays', async () => {
    expect((await anon.rpc('add', { a: 2, b: 40 })).data).toBe(42);
    expect((await anon.rpc('add', { a: 2, b: 40 }, { get: true })).data).toBe(42);
    expect((await anon.rpc('nums', { n: 4 })).data).toEqual([1, 2, 3, 4]);
    expect((await anon.rpc('greet', { name: 'Ana' })).data).toBe('hola, Ana');
    expect((await anon.rpc('greet', { name: 'Ana', greeting: 'adiós' }, { get: true })).data).toBe(
      'adiós, Ana',
    );
  });

  it('applies select, filters, order and limit to table results', async () => {
    const { data } = await anon
      .rpc('items_from', { min_id: 10 }, { get: true })
      .select('id,name')
      .lt('id', 20)
      .order('id', { ascending: false })
      .limit(3);
    expect(data).toEqual(
      await asRole(
        'anon',
        'select id, name from items_from(10) where id < 20 order by id desc limit 3',
      ),
    );
    expect((await anon.rpc('pairs').select('label').gte('k', 3)).data).toEqual([
      { label: 'label 3' },
      { label: 'label 4' },
    ]);
    const counted = await anon.rpc('items_from', {}, { count: 'exact' }).range(0, 4);
    expect([counted.count, counted.status, counted.data?.length]).toEqual([30, 206, 5]);
  });

  it('returns a single composite as an object, even when NULL', async () => {
    expect((await anon.rpc('one_item', { p_id: 3 })).data).toEqual(
      (await asRole('anon', 'select * from one_item(3)'))?.[0 as never],
    );
    const missing = (await anon.rpc('one_item', { p_id: 999 })).data;
    expect(missing).toMatchObject({ id: null, name: null });
  });

  it('answers void functions with 204', async () => {
    const res = await rest('/rpc/noop', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect([res.status, res.text]).toEqual([204, '']);
  });

  it('passes a whole body to a single unnamed jsonb parameter, and variadic GET arguments', async () => {
    expect((await anon.rpc('echo', { x: [1, 'two'] })).data).toEqual({ x: [1, 'two'] });
    expect((await rest('/rpc/total?xs=1&xs=2&xs=39')).body).toBe(42);
  });

  it('resolves overloads by argument names (PGRST203 / PGRST202)', async () => {
    expect((await anon.rpc('ov', { a: 1, b: 2 })).data).toBe('two');
    const ambiguous = await anon.rpc('ov', { a: 1 });
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.error).toMatchObject({
      code: 'PGRST203',
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    });
    expect(ambiguous.error?.message).toMatch(
      /^Could not choose the best candidate function between: /,
    );
    const missing = await anon.rpc('add', { a: 1, c: 2 });
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({
      code: 'PGRST202',
      message: `Could not find the function ${S}.add(a, c) in the schema cache`,
      details: `Searched for the function ${S}.add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      hint: `Perhaps you meant to call the function ${S}.add(a, b)`,
    });
    const typo = await anon.rpc('ad', { a: 1, b: 2 });
    expect(typo.error?.hint).toBe(`Perhaps you meant to call the function ${S}.add`);
    const get = await rest('/rpc/nums');
    expect(get.body.message).toBe(
      `Could not find the function ${S}.nums without parameters in the schema cache`,
    );
  });

  it('maps RAISE to 400 P0001 and PT402 to 402', async () => {
    const boom = await anon.rpc('boom');
    expect([boom.status, boom.error]).toEqual([
      400,
      {
        code: 'P0001',
        message: 'I refuse!',
        details: 'Pretty simple',
        hint: 'There is nothing you can do.',
      },
    ]);
    const pay = await anon.rpc('pay');
    expect([pay.status, pay.error]).toEqual([
      402,
      { code: 'PT402', message: 'Payment Required', details: 'Quota exceeded', hint: 'Upgrade' },
    ]);
  });

  it('runs POST of a volatile function read-write, GET read-only (25006 → 405)', async () => {
    const ok = await anon.rpc('write_log', { msg: 'hello' });
    expect(ok.error).toBeNull();
    expect(typeof ok.data).toBe('number');
    const ro = await anon.rpc('write_log', { msg: 'nope' }, { get: true });
    expect([ro.status, ro.error?.code]).toEqual([405, '25006']);
    expect((await sql`select msg from rest_conformance.log order by id`).map((r) => r.msg)).toEqual(
      ['hello'],
    );
  });

  it('rolls back a write when a singular response does not get exactly one row', async () => {
    const before = Number((await sql`select count(*)::int as n from rest_conformance.log`)[0].n);
    const res = await anon.rpc('write_many').single();
    expect([res.status, res.error?.code, res.error?.details]).toEqual([
      406,
      'PGRST116',
      'The result contains 2 rows',
    ]);
    expect(Number((await sql`select count(*)::int as n from rest_conformance.log`)[0].n)).toBe(
      before,
    );
  });

  it('lets SQL set the response status and headers through GUCs', async () => {
    const res = await rest('/rpc/teapot');
    expect([res.status, res.headers.get('x-tea'), res.body]).toEqual([418, 'earl grey', 1]);
  });

  it('sets role, claims, method, path, headers, cookies, search_path and role settings per request', async () => {
    const token = await mint({ role: 'authenticated', sub: OWNER, app: 'x' });
    const res = await rest('/rpc/context', {
      headers: { Authorization: `Bearer ${token}`, 'X-Custom': 'Val', Cookie: 'a=1; b=two' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: 'authenticated',
      claims: { role: 'authenticated', sub: OWNER, app: 'x' },
      method: 'GET',
      path: '/rpc/context',
      cookies: { a: '1', b: 'two' },
      // PostgREST quotes each schema (escapeIdentList).
      search_path: `"${S}", "public", "extensions"`,
      statement_timeout: '8s',
      read_only: 'on',
      uid: OWNER,
    });
    expect(res.body.headers['x-custom']).toBe('Val');
    expect(res.body.headers.cookie).toBeUndefined();
    const asAnon = (await anon.rpc('context')).data as any;
    expect([asAnon.user, asAnon.claims.role, asAnon.statement_timeout, asAnon.read_only]).toEqual([
      'anon',
      'anon',
      '3s',
      'on',
    ]);
  });
});

describe('authentication and the API-key gateway', () => {
  it('requires a known apikey (header or query parameter)', async () => {
    const none = await rest('/items', { key: null });
    expect([none.status, none.body]).toEqual([
      401,
      {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      },
    ]);
    const wrong = await rest('/items', { key: 'nope' });
    expect([wrong.status, wrong.body.message]).toEqual([401, 'Invalid API key']);
    const viaQuery = await rest(`/items?select=id&limit=1&apikey=${ANON_KEY}`, { key: null });
    expect(viaQuery.status).toBe(200);
  });

  it('rejects bad and expired JWTs with PGRST301/PGRST303 and WWW-Authenticate', async () => {
    const forged = `${(await mint({ role: 'service_role' })).slice(0, -4)}AAAA`;
    const bad = await rest('/items', { headers: { Authorization: `Bearer ${forged}` } });
    expect([bad.status, bad.body.code, bad.body.message]).toEqual([
      401,
      'PGRST301',
      'JWT cryptographic operation failed',
    ]);
    expect(bad.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="JWT cryptographic operation failed"',
    );
    const expired = await rest('/items', {
      headers: { Authorization: `Bearer ${await mint({ role: 'anon' }, -60)}` },
    });
    expect([expired.status, expired.body]).toEqual([
      401,
      { code: 'PGRST303', details: null, hint: null, message: 'JWT expired' },
    ]);
    const skewed = await rest('/items?limit=1', {
      headers: { Authorization: `Bearer ${await mint({ role: 'anon' }, -10)}` },
    });
    expect(skewed.status).toBe(200);
    const parts = await rest('/items', { headers: { Authorization: 'Bearer abc' } });
    expect([parts.status, parts.body.message]).toEqual([401, 'Expected 3 parts in JWT; got 1']);
  });

  it('maps an unknown role to 401 and missing privileges to 401 (anon) / 403 (others)', async () => {
    const ghost = await rest('/items', {
      headers: { Authorization: `Bearer ${await mint({ role: 'ghost' })}` },
    });
    expect([ghost.status, ghost.body.code, ghost.body.message]).toEqual([
      401,
      '22023',
      'role "ghost" does not exist',
    ]);
    const anonSecret = await anon.from('secret').select('*');
    expect([anonSecret.status, anonSecret.error?.code]).toEqual([401, '42501']);
    const raw = await rest('/secret');
    expect(raw.headers.get('www-authenticate')).toBe('Bearer');
    const token = await mint({ role: 'authenticated', sub: OWNER });
    const userSecret = await rest('/secret', { headers: { Authorization: `Bearer ${token}` } });
    expect([userSecret.status, userSecret.body.code]).toEqual([403, '42501']);
    expect((await service.from('secret').select('*')).status).toBe(403);
  });

  it('runs the service key as service_role (BYPASSRLS)', async () => {
    expect(((await service.rpc('context')).data as any).user).toBe('service_role');
  });
});

describe('errors in PostgREST shape', () => {
  it('PGRST205 for an unknown relation, with a hint when one is close', async () => {
    const res = await anon.from('itemz').select('*');
    expect([res.status, res.error]).toEqual([
      404,
      {
        code: 'PGRST205',
        details: null,
        hint: `Perhaps you meant the table '${S}.items'`,
        message: `Could not find the table '${S}.itemz' in the schema cache`,
      },
    ]);
    const raw = await rest('/itemz');
    expect(raw.headers.get('proxy-status')).toBe('PostgREST; error=PGRST205');
  });

  it('400 42703 for an unknown column, 22P02 for a bad value, PGRST100 for a bad operator', async () => {
    const col = await anon.from('items').select('nope');
    expect([col.status, col.error?.code]).toEqual([400, '42703']);
    const val = await anon.from('items').select('id').eq('id', 'abc');
    expect([val.status, val.error?.code]).toEqual([400, '22P02']);
    const op = await rest('/items?id.x=noop.1');
    expect([op.status, op.body.code]).toEqual([400, 'PGRST100']);
    const bad = await rest('/items?id=eq.1&order=id.sideways');
    expect([bad.status, bad.body.code]).toEqual([400, 'PGRST100']);
  });

  it('PGRST106 for a schema that is not exposed', async () => {
    const res = await rest('/t', { profile: HIDDEN });
    expect([res.status, res.body]).toEqual([
      406,
      {
        code: 'PGRST106',
        details: null,
        hint: `Only the following schemas are exposed: public, ${S}, ${S2}`,
        message: `Invalid schema: ${HIDDEN}`,
      },
    ]);
  });

  it('PGRST125 for deeper paths, PGRST101 for other methods on RPC, PGRST107 for Accept', async () => {
    expect((await rest('/items/1')).body.code).toBe('PGRST125');
    expect((await rest('/rpc/add', { method: 'PUT' })).status).toBe(405);
    const acc = await rest('/items', { headers: { Accept: 'text/html' } });
    expect([acc.status, acc.body.code]).toEqual([406, 'PGRST107']);
  });

  it('answers OPTIONS preflight and sets CORS headers', async () => {
    const res = await fetch(`${base}/rest/v1/items`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://x', 'Access-Control-Request-Headers': 'apikey,authorization' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(
      /apikey.*authorization.*x-client-info.*prefer.*range.*accept-profile.*content-profile/,
    );
  });

  it('writes: 401 for anon without privilege, 201 with privilege, 400 21000 unfiltered delete', async () => {
    const denied = await anon.from('items').insert({ id: 100, name: 'x' });
    expect([denied.status, denied.error?.code]).toEqual([401, '42501']);
    const ok = await anon.from('log').insert({ msg: 'via insert' }).select('msg');
    expect([ok.status, ok.data]).toEqual([201, [{ msg: 'via insert' }]]);
    const unfiltered = await service.from('log').delete();
    expect([unfiltered.status, unfiltered.error?.code]).toEqual([400, '21000']);
  });
});

describe('no SQL injection through any part of the request', () => {
  const payload = `x'); delete from ${S}.canary; --`;
  const enc = encodeURIComponent;

  it('select, casts, aliases and quoted column names', async () => {
    const attempts = [
      `/items?select=${enc(`id,name);delete from ${S}.canary;--`)}`,
      `/items?select=${enc(`"id"" from items; delete from ${S}.canary; --"`)}`,
      `/items?select=${enc(`id::text);delete from ${S}.canary;--`)}`,
      `/items?select=${enc(`id::$$x`)},${enc(`"$$; delete from ${S}.canary; --"`)}`,
      `/items?select=${enc(`"a"")--":id`)}`,
      `/items?select=${enc(`data->>${payload}`)}`,
    ];
    for (const path of attempts) {
      const res = await rest(path);
      expect([path, res.status >= 400 || Array.isArray(res.body)]).toEqual([path, true]);
    }
    // A hostile alias is only ever a quoted JSON key.
    const alias = await rest(`/items?select=${enc(`"x\\" , (select 1) as \\"y":id`)}&id=eq.1`);
    expect(alias.body).toEqual([{ 'x" , (select 1) as "y': 1 }]);
    expect(await canaryCount()).toBe(3);
  });

  it('every filter operator value and column', async () => {
    const ops: Record<string, string> = {
      eq: '=',
      neq: '<>',
      gt: '>',
      gte: '>=',
      lt: '<',
      lte: '<=',
      like: 'like',
      ilike: 'ilike',
      match: '~',
      imatch: '~*',
      isdistinct: 'is distinct from',
    };
    for (const [op, sqlOp] of Object.entries(ops)) {
      const res = await rest(`/items?select=id&order=id&name=${op}.${enc(payload)}`);
      const expected = await asRole(
        'anon',
        `select id from items where name ${sqlOp} $1::text order by id`,
        { role: 'anon' },
        [payload],
      ).catch(() => 'error');
      expect([op, res.status === 200 ? res.body : 'error']).toEqual([op, expected]);
    }
    expect((await rest(`/items?select=id&name=is.${enc(payload)}`)).status).toBe(400);
    const inList = await rest(`/items?select=id&name=in.(${enc(`"${payload}"`)},${enc(payload)})`);
    expect(inList.body).toEqual([]);
    // Like PostgREST, the key parser stops after the column name and ignores the rest.
    const column = await rest(`/items?select=id&${enc(`name" = name or 1=1 --`)}=eq.1`);
    expect([column.status, column.body]).toEqual([200, []]);
    const quotedColumn = await rest(`/items?select=id&${enc(`"name\\" = name or 1=1 --"`)}=eq.1`);
    expect([quotedColumn.status, quotedColumn.body.code]).toEqual([400, '42703']);
    const jsonKey = await rest(`/items?select=id&${enc(`data->>${payload}`)}=eq.1`);
    expect(jsonKey.body).toEqual([]);
    const array = await rest(`/items?select=id&tags=cs.${enc(`{"${payload}"}`)}`);
    expect(array.body).toEqual([]);
    const fts = await rest(`/items?select=id&name=fts(${enc("english') or true --")}).x`);
    expect(fts.status).toBe(400);
    expect(await canaryCount()).toBe(3);
  });

  it('order, limit/offset and logic trees', async () => {
    expect((await rest(`/items?order=${enc(`id;delete from ${S}.canary`)}`)).status).toBe(400);
    expect((await rest(`/items?order=${enc('(select 1)')}`)).status).toBe(400);
    expect(
      (await rest(`/items?order=${enc(`"id"" desc; delete from ${S}.canary; --"`)}`)).status,
    ).toBe(400);
    const limited = await rest(`/items?select=id&limit=${enc(`1; delete from ${S}.canary`)}`);
    expect([limited.status, limited.body.length]).toEqual([200, 30]);
    // An unquoted leaf value ends at `)`, closing the tree; the rest is ignored as in PostgREST.
    const logic = await rest(`/items?select=id&or=${enc(`(name.eq.${payload},id.eq.1)`)}`);
    expect([logic.status, logic.body]).toEqual([200, []]);
    const quoted = await rest(`/items?select=id&or=${enc(`(name.eq."${payload}",id.eq.2)`)}`);
    expect(quoted.body).toEqual([{ id: 2 }]);
    const broken = await rest(
      `/items?select=id&or=${enc(`(id.eq.1) or 1=1; delete from ${S}.canary; --`)}`,
    );
    expect(broken.body).toEqual([{ id: 1 }]);
    const nestedPayload = await rest(
      `/items?select=id&and=${enc(`(id.eq.1,or(name.eq.x,${payload}))`)}`,
    );
    expect(nestedPayload.status).toBe(400);
    expect(await canaryCount()).toBe(3);
  });

  it('Range header, schema headers, relation and function names, and RPC arguments', async () => {
    const range = await rest('/items?select=id', {
      headers: { Range: `0-1; delete from ${S}.canary` },
    });
    expect([range.status, range.body.length]).toEqual([200, 30]);
    const profile = await rest('/items', { profile: `${S}"; delete from ${S}.canary; --` });
    expect([profile.status, profile.body.code]).toEqual([406, 'PGRST106']);
    const contentProfile = await rest('/rpc/add', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Profile': `${S}"; delete from ${S}.canary; --`,
      },
      body: '{"a":1,"b":2}',
    });
    expect([contentProfile.status, contentProfile.body.code]).toEqual([406, 'PGRST106']);
    const table = await rest(`/${enc(`items"; delete from ${S}.canary; --`)}`);
    expect([table.status, table.body.code]).toEqual([404, 'PGRST205']);
    const fn = await rest(`/rpc/${enc(`add"(1,2); delete from ${S}.canary; --`)}`);
    expect([fn.status, fn.body.code]).toEqual([404, 'PGRST202']);
    const argValue = await anon.rpc('greet', { name: payload });
    expect(argValue.data).toBe(`hola, ${payload}`);
    const argGet = await rest(`/rpc/add?a=${enc(`1); delete from ${S}.canary; --`)}&b=2`);
    expect([argGet.status, argGet.body.code]).toEqual([400, '22P02']);
    const argKey = await anon.rpc('add', { [`a" := 1); delete from ${S}.canary; --`]: 1, b: 2 });
    expect(argKey.error?.code).toBe('PGRST202');
    const body = await rest('/rpc/add', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"a": 1, "b": "2); delete from ${S}.canary; --"}`,
    });
    expect([body.status, body.body.code]).toEqual([400, '22P02']);
    expect(await canaryCount()).toBe(3);
  });
});
