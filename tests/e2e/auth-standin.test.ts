import { createClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalUser } from '../../tools/local-stack/src/auth/index.ts';
import { freePort } from '../../tools/local-stack/src/cluster.ts';
import { ANON_KEY } from '../../tools/local-stack/src/keys.ts';
import { type Platform, startPlatform } from '../../tools/local-stack/src/platform.ts';

// The local Auth stand-in (/auth/v1) through supabase-js, as the page uses it: password
// sign-in, the session's JWT accepted by /rest/v1 as `authenticated`, refresh-token rotation,
// getUser, sign-out; GoTrue's error codes.
const dbUrl = inject('dbUrl');
let platform: Platform;
let sql: postgres.Sql;

class NoWebSocket {
  constructor() {
    throw new Error('realtime is not available in these tests');
  }
}
const client = () =>
  createClient(platform.url, ANON_KEY, {
    db: { schema: 'reporting' },
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: NoWebSocket as never },
  });

beforeAll(async () => {
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  platform = await startPlatform({
    dbPort: Number(new URL(dbUrl).port),
    gatewayPort: await freePort(),
  });
  await createLocalUser(dbUrl, {
    email: 'Ana@Example.com',
    password: 'secret-123',
    appMetadata: { company_ids: [1] },
  });
});

afterAll(async () => {
  await platform?.close();
  await sql?.end({ timeout: 2 });
});

describe('local Auth stand-in', () => {
  it('signs in with a password: a GoTrue session whose JWT /rest/v1 runs as authenticated', async () => {
    const c = client();
    const { data, error } = await c.auth.signInWithPassword({
      email: 'ana@example.com',
      password: 'secret-123',
    });
    expect(error).toBeNull();
    const s = data.session!;
    expect(s).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
    });
    expect(data.user).toMatchObject({
      email: 'ana@example.com',
      aud: 'authenticated',
      role: 'authenticated',
    });
    const claims = decodeJwt(s.access_token);
    expect(claims).toMatchObject({
      role: 'authenticated',
      aud: 'authenticated',
      sub: data.user!.id,
      email: 'ana@example.com',
      app_metadata: { provider: 'email', company_ids: [1] },
      iss: `${platform.url}/auth/v1`,
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    // /rest/v1 with the session: authenticated may read reporting (anon may not here).
    const read = await c.from('companies').select('company_id');
    expect(read.error).toBeNull();
    const anon = await client().from('companies').select('company_id');
    expect(anon.status).toBe(401);
    const me = await c.auth.getUser();
    expect(me.data.user?.email).toBe('ana@example.com');
  });

  it('refuses a wrong password or an unknown user with invalid_credentials', async () => {
    for (const [email, password] of [
      ['ana@example.com', 'nope-nope'],
      ['who@example.com', 'secret-123'],
    ]) {
      const { data, error } = await client().auth.signInWithPassword({ email, password });
      expect(data.session).toBeNull();
      expect(error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      });
    }
  });

  it('rotates refresh tokens, refuses a used one, and signs out', async () => {
    const c = client();
    const { data } = await c.auth.signInWithPassword({
      email: 'ana@example.com',
      password: 'secret-123',
    });
    const first = data.session!.refresh_token;
    const r = await c.auth.refreshSession();
    expect(r.error).toBeNull();
    expect(r.data.session!.refresh_token).not.toBe(first);
    const again = await client().auth.refreshSession({ refresh_token: first });
    expect(again.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    const sessionId = decodeJwt(r.data.session!.access_token).session_id;
    expect((await c.auth.signOut()).error).toBeNull();
    const [{ n }] =
      await sql`select count(*)::int as n from auth.sessions where id = ${String(sessionId)}`;
    expect(n).toBe(0);
    const reuse = await client().auth.refreshSession({
      refresh_token: r.data.session!.refresh_token,
    });
    expect(reuse.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('needs an API key, like the Supabase gateway; passwords are bcrypt hashes', async () => {
    const res = await fetch(`${platform.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'secret-123' }),
    });
    expect(res.status).toBe(401);
    const [u] =
      await sql`select encrypted_password from auth.users where email = 'ana@example.com'`;
    expect(u.encrypted_password).toMatch(/^\$2a\$10\$/);
    // Not readable through the API.
    const [{ can }] =
      await sql`select has_table_privilege('authenticated', 'auth.users', 'select') as can`;
    expect(can).toBe(false);
  });
});
