// The mail API's settings, read once at the edge. Resend's HTTP API (Supabase's e-mail guide):
// outbound SMTP is blocked on Supabase Edge, HTTP is not. Locally RESEND_BASE_URL points at
// the stack's mail sink, so nothing leaves the machine.

export class MailConfigError extends Error {
  override name = 'MailConfigError';
}

export interface MailConfig {
  /** RESEND_BASE_URL, default https://api.resend.com */
  baseUrl: string;
  /** RESEND_API_KEY (required) */
  apiKey: string;
  /** MAIL_FROM (required): `Name <address>` of a domain verified with the provider. */
  from: string;
  /** MAIL_TIMEOUT_MS, default 15000: one API call's limit. */
  timeoutMs: number;
}

export function loadMailConfig(env: Record<string, string | undefined>): MailConfig {
  const apiKey = env.RESEND_API_KEY?.trim();
  if (!apiKey) throw new MailConfigError('RESEND_API_KEY is not set (the mail API key)');
  const from = env.MAIL_FROM?.trim();
  if (!from)
    throw new MailConfigError('MAIL_FROM is not set (e.g. "Finanzas <digest@your-domain>")');
  const baseUrl = (env.RESEND_BASE_URL?.trim() || 'https://api.resend.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl))
    throw new MailConfigError(`RESEND_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  const rawTimeout = env.MAIL_TIMEOUT_MS?.trim() || '15000';
  const timeoutMs = /^[0-9]{1,6}$/.test(rawTimeout) ? Number(rawTimeout) : Number.NaN;
  if (!(timeoutMs >= 100))
    throw new MailConfigError(
      `MAIL_TIMEOUT_MS must be an integer of at least 100, got "${rawTimeout}"`,
    );
  return { baseUrl, apiKey, from, timeoutMs };
}
