// A small stand-in for Supabase Auth (GoTrue) at /auth/v1, local only: what supabase-js needs
// for password sign-in, session refresh, getUser and sign-out, with GoTrue's JSON shapes and
// error codes. Tokens are HS256 JWTs signed with the project's JWT secret (role
// `authenticated`), so /rest/v1 switches role exactly as for a real Supabase session.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, SignJWT } from 'jose';
import postgres from 'postgres';
import { ensureAuthSchema } from './users.ts';

export { createLocalUser, ensureAuthSchema, type LocalUser } from './users.ts';

export interface AuthMount {
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  close(): Promise<void>;
}

export interface AuthOptions {
  /** Superuser (or auth admin) connection to the project's database. */
  dbUrl: string;
  jwtSecret: string;
  /** Keys accepted in the `apikey` header (the gateway's key-auth). */
  apiKeys: readonly string[];
  /** The `iss` claim, e.g. http://127.0.0.1:54321/auth/v1 */
  issuer: string;
  /** Access token lifetime (GoTrue's JWT_EXP, default 3600 s). */
  expiresIn?: number;
}

const API_VERSION = '2024-01-01';

class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ALLOW_HEADERS =
  'apikey, authorization, x-client-info, content-type, x-supabase-api-version, x-retry-count';

function send(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown) {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'X-Supabase-Api-Version',
    'X-Supabase-Api-Version': API_VERSION,
  };
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
  void req;
}

// GoTrue's two error formats: with the client's X-Supabase-Api-Version ≥ 2024-01-01
// `{code, message}`, before it `{code: <status>, error_code, msg}`.
function sendError(req: IncomingMessage, res: ServerResponse, e: AuthError) {
  const v = req.headers['x-supabase-api-version'];
  const modern = typeof v === 'string' && v >= API_VERSION;
  send(
    req,
    res,
    e.status,
    modern
      ? { code: e.code, message: e.message }
      : { code: e.status, error_code: e.code, msg: e.message },
  );
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
}

interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string;
  email_confirmed_at: Date | null;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

function userJson(u: UserRow) {
  return {
    id: u.id,
    aud: u.aud,
    role: u.role,
    email: u.email,
    email_confirmed_at: iso(u.email_confirmed_at),
    phone: '',
    confirmed_at: iso(u.email_confirmed_at),
    last_sign_in_at: iso(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data,
    user_metadata: u.raw_user_meta_data,
    identities: [],
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    is_anonymous: false,
  };
}

export function createAuthHandler(opts: AuthOptions): AuthMount {
  const sql = postgres(opts.dbUrl, { max: 3, onnotice: () => {}, idle_timeout: 30 });
  const key = new TextEncoder().encode(opts.jwtSecret);
  const expiresIn = opts.expiresIn ?? 3600;
  let ready: Promise<void> | undefined;
  const schema = () => {
    ready ??= ensureAuthSchema(sql).catch((e) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };

  async function session(u: UserRow, sessionId: string, method: string) {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      aud: 'authenticated',
      email: u.email,
      phone: '',
      app_metadata: u.raw_app_meta_data,
      user_metadata: u.raw_user_meta_data,
      role: u.role,
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(opts.issuer)
      .setSubject(u.id)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(key);
    return { accessToken, expiresAt: now + expiresIn };
  }

  async function issue(u: UserRow, sessionId: string, method: string, parent?: string) {
    const refresh = randomBytes(18).toString('base64url');
    await sql`insert into auth.refresh_tokens (token, user_id, session_id, parent)
      values (${refresh}, ${u.id}, ${sessionId}, ${parent ?? null})`;
    const { accessToken, expiresAt } = await session(u, sessionId, method);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: expiresIn,
      expires_at: expiresAt,
      refresh_token: refresh,
      user: userJson(u),
    };
  }

  async function passwordGrant(body: Record<string, unknown>) {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!email) throw new AuthError(400, 'validation_failed', 'missing email or phone');
    const [u] = await sql<UserRow[]>`
      update auth.users set last_sign_in_at = now()
       where email = ${email} and encrypted_password is not null
         and encrypted_password = extensions.crypt(${password}, encrypted_password)
      returning *`;
    if (!u) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
    const [s] = await sql`insert into auth.sessions (user_id) values (${u.id}) returning id`;
    return issue(u, String(s.id), 'password');
  }

  async function refreshGrant(body: Record<string, unknown>) {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    if (!token) throw new AuthError(400, 'validation_failed', 'refresh_token required');
    return sql.begin(async (tx) => {
      const [t] = await tx`select * from auth.refresh_tokens where token = ${token} for update`;
      if (!t)
        throw new AuthError(
          400,
          'refresh_token_not_found',
          'Invalid Refresh Token: Refresh Token Not Found',
        );
      if (t.revoked)
        throw new AuthError(
          400,
          'refresh_token_already_used',
          'Invalid Refresh Token: Already Used',
        );
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${t.id}`;
      await tx`update auth.sessions set refreshed_at = now() where id = ${t.session_id}`;
      const [u] = await tx<UserRow[]>`select * from auth.users where id = ${t.user_id}`;
      if (!u) throw new AuthError(404, 'user_not_found', 'User not found');
      const refresh = randomBytes(18).toString('base64url');
      await tx`insert into auth.refresh_tokens (token, user_id, session_id, parent)
        values (${refresh}, ${u.id}, ${t.session_id}, ${token})`;
      const { accessToken, expiresAt } = await session(u, String(t.session_id), 'token');
      return {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: expiresIn,
        expires_at: expiresAt,
        refresh_token: refresh,
        user: userJson(u),
      };
    });
  }

  async function claimsOf(req: IncomingMessage): Promise<Record<string, unknown>> {
    const m = /^Bearer (\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    try {
      const { payload } = await jwtVerify(m[1], key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.session_id !== 'string')
        throw new Error('not a user token');
      return payload as Record<string, unknown>;
    } catch (e) {
      throw new AuthError(
        403,
        'bad_jwt',
        `invalid JWT: unable to parse or verify signature, ${e instanceof Error ? e.message : e}`,
      );
    }
  }

  async function liveSession(claims: Record<string, unknown>) {
    const [s] = await sql`select id from auth.sessions where id = ${String(claims.session_id)}`;
    if (!s)
      throw new AuthError(
        403,
        'session_not_found',
        'Session from session_id claim in JWT does not exist',
      );
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string) {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (path === '/health') return send(req, res, 200, { version: 'local', name: 'GoTrue' });
    // Supabase's gateway key-auth in front of GoTrue.
    const apikey = req.headers.apikey ?? url.searchParams.get('apikey') ?? undefined;
    if (!apikey) return send(req, res, 401, { message: 'No API key found in request' });
    if (!opts.apiKeys.includes(String(apikey)))
      return send(req, res, 401, { message: 'Invalid API key' });
    await schema();
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'GET /settings':
        return send(req, res, 200, {
          external: { email: true, phone: false },
          disable_signup: true,
          mailer_autoconfirm: true,
          phone_autoconfirm: false,
          sms_provider: '',
          saml_enabled: false,
        });
      case 'POST /token': {
        const body = await readBody(req);
        const grant = url.searchParams.get('grant_type');
        if (grant === 'password') return send(req, res, 200, await passwordGrant(body));
        if (grant === 'refresh_token') return send(req, res, 200, await refreshGrant(body));
        throw new AuthError(
          400,
          'validation_failed',
          'unsupported_grant_type: only password and refresh_token are supported locally',
        );
      }
      case 'GET /user': {
        const claims = await claimsOf(req);
        await liveSession(claims);
        const [u] = await sql<UserRow[]>`select * from auth.users where id = ${String(claims.sub)}`;
        if (!u)
          throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
        return send(req, res, 200, userJson(u));
      }
      case 'POST /logout': {
        const claims = await claimsOf(req);
        const scope = url.searchParams.get('scope') ?? 'global';
        if (scope === 'local') {
          await sql`delete from auth.sessions where id = ${String(claims.session_id)}`;
        } else if (scope === 'others') {
          await sql`delete from auth.sessions
            where user_id = ${String(claims.sub)} and id <> ${String(claims.session_id)}`;
        } else if (scope === 'global') {
          await sql`delete from auth.sessions where user_id = ${String(claims.sub)}`;
        } else {
          throw new AuthError(400, 'validation_failed', `unsupported logout scope ${scope}`);
        }
        return send(req, res, 204);
      }
      case 'POST /signup':
        throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
      default:
        throw new AuthError(404, 'not_found', `${key} is not available in the local Auth stand-in`);
    }
  }

  return {
    async handle(req, res, path) {
      try {
        await route(req, res, path);
      } catch (e) {
        if (e instanceof AuthError) return sendError(req, res, e);
        throw e;
      }
    },
    async close() {
      await sql.end({ timeout: 2 });
    },
  };
}
