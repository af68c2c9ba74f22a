// Signed URLs as Supabase Storage makes them: an HS256 JWT `{url: "<bucket>/<name>", iat, exp}`
// signed with the project's JWT secret, carried in `?token=`; whoever holds the link may read
// the object until `exp`, without any other credential.
import { jwtVerify, SignJWT } from 'jose';
import { storageErrors } from './errors.ts';

export async function signObjectToken(
  secret: string,
  url: string,
  expiresIn: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({ url })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** The token's `url` when it is intact, unexpired and names exactly `url`; else a Storage error. */
export async function checkObjectToken(secret: string, token: string, url: string): Promise<void> {
  let claimed: unknown;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    });
    claimed = payload.url;
  } catch (e) {
    throw storageErrors.invalidJwt((e as Error).message);
  }
  if (claimed !== url) throw storageErrors.invalidSignature();
}
