// JWT handling as PostgREST v13+/v14 does it (Auth/Jwt.hs, reference §3): HS256 with
// the configured secret, PGRST301 for decode failures, PGRST303 for claim failures,
// 30 s clock skew, and the role claim injected into the claims (anon by default).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtClaimsError, jwtDecodeError } from './errors.ts';

const ALLOWED_SKEW_SECONDS = 30;

export interface AuthResult {
  role: string;
  /** Claims as PostgREST stores them in `request.jwt.claims` (always with `role`). */
  claims: Record<string, unknown>;
}

/** `Bearer <t>` / `bearer <t>` → t (maybe empty); any other shape → no token. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parts = header.split(' ');
  if ((parts[0] === 'Bearer' || parts[0] === 'bearer') && parts.length >= 2) return parts[1];
  return undefined;
}

function base64UrlDecode(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  return Buffer.from(part, 'base64url');
}

function parseJsonObject(buf: Buffer | undefined): Record<string, unknown> | undefined {
  if (buf === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function verifySignature(token: string, secret: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw jwtDecodeError(`Expected 3 parts in JWT; got ${parts.length}`);
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = parseJsonObject(base64UrlDecode(headerPart));
  if (header === undefined || typeof header.alg !== 'string') {
    throw jwtDecodeError('JWT cryptographic operation failed');
  }
  // The secret is an HS256 key: other HMAC or asymmetric algorithms find no key, and
  // anything unknown (including "none") is a bad algorithm.
  if (header.alg !== 'HS256') {
    if (/^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/.test(header.alg)) {
      throw jwtDecodeError(
        'No suitable key or wrong key type',
        'None of the keys was able to decode the JWT',
      );
    }
    throw jwtDecodeError(
      'Wrong or unsupported encoding algorithm',
      `Unsupported algorithm ${header.alg}`,
    );
  }
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = base64UrlDecode(signaturePart);
  if (
    given === undefined ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw jwtDecodeError('JWT cryptographic operation failed');
  }
  const payloadBuf = base64UrlDecode(payloadPart);
  const claims = parseJsonObject(payloadBuf);
  if (claims === undefined) throw jwtClaimsError('Parsing claims failed');
  return claims;
}

// Scientific → Int64 as PostgREST does: non-integers count as 0.
const toSeconds = (v: number) => (Number.isInteger(v) ? v : 0);

function checkClaims(claims: Record<string, unknown>, nowSeconds: number): void {
  const numeric = (key: 'exp' | 'nbf' | 'iat'): number | undefined => {
    const v = claims[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw jwtClaimsError(`The JWT '${key}' claim must be a number`);
    return toSeconds(v);
  };
  const exp = numeric('exp');
  if (exp !== undefined && nowSeconds - ALLOWED_SKEW_SECONDS > exp)
    throw jwtClaimsError('JWT expired');
  const nbf = numeric('nbf');
  if (nbf !== undefined && nowSeconds + ALLOWED_SKEW_SECONDS < nbf) {
    throw jwtClaimsError('JWT not yet valid');
  }
  const iat = numeric('iat');
  if (iat !== undefined && nowSeconds + ALLOWED_SKEW_SECONDS < iat) {
    throw jwtClaimsError('JWT issued at future');
  }
  const aud = claims.aud;
  if (aud !== undefined && aud !== null) {
    const ok =
      typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'));
    // No jwt-aud is configured (Supabase's default), so any well-typed audience passes.
    if (!ok) throw jwtClaimsError("The JWT 'aud' claim must be a string or an array of strings");
  }
}

/**
 * Resolves the request's role and claims from the (forwarded) Authorization header.
 * No token means the anon role with claims `{"role": anonRole}`.
 */
export function authenticate(
  authorization: string | undefined,
  secret: string,
  anonRole: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): AuthResult {
  const token = tokenFromAuthorization(authorization);
  if (token === undefined) return { role: anonRole, claims: { role: anonRole } };
  if (token === '') throw jwtDecodeError('Empty JWT is sent in Authorization header');
  const claims = verifySignature(token, secret);
  checkClaims(claims, nowSeconds);
  const roleClaim = claims.role;
  const role =
    roleClaim === undefined
      ? anonRole
      : typeof roleClaim === 'string'
        ? roleClaim
        : JSON.stringify(roleClaim);
  return { role, claims: { ...claims, role } };
}
