// The digest function's settings, read once at the edge (loadDigestConfig), with defaults.
import { intSetting } from '../config/strict-int.ts';
import { loadMailConfig, type MailConfig } from '../mail/mail-config.ts';

export class DigestConfigError extends Error {
  override name = 'DigestConfigError';
}

export interface DigestConfig {
  /** SUPABASE_DB_URL (set by Supabase for every function). */
  dbUrl: string;
  mail: MailConfig;
  /** DIGEST_MAX_ATTEMPTS, default 4: attempts per e-mail before it is failed for good. */
  maxAttempts: number;
  /** DIGEST_RETRY_SECONDS, default 300: wait before the first retry, doubled per attempt. */
  retrySeconds: number;
  /** DIGEST_BATCH, default 50: e-mails one invocation sends at most. */
  batch: number;
  /** DIGEST_PAGE_URL, optional: the report page, linked from the e-mail. */
  pageUrl: string | null;
}

const int = (
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) => intSetting(env, name, fallback, min, max, (problem) => new DigestConfigError(problem));

export function loadDigestConfig(env: Record<string, string | undefined>): DigestConfig {
  const dbUrl = env.SUPABASE_DB_URL?.trim();
  if (!dbUrl)
    throw new DigestConfigError('SUPABASE_DB_URL is not set (the Postgres connection string)');
  const pageUrl = env.DIGEST_PAGE_URL?.trim() || null;
  if (pageUrl && !/^https?:\/\//.test(pageUrl))
    throw new DigestConfigError(`DIGEST_PAGE_URL must be an http(s) URL, got "${pageUrl}"`);
  return {
    dbUrl,
    mail: loadMailConfig(env),
    maxAttempts: int(env, 'DIGEST_MAX_ATTEMPTS', 4, 1, 20),
    retrySeconds: int(env, 'DIGEST_RETRY_SECONDS', 300, 0, 86_400),
    batch: int(env, 'DIGEST_BATCH', 50, 1, 500),
    pageUrl,
  };
}
