// One e-mail through the mail API (Resend's POST /emails), with an Idempotency-Key so a retry
// after a lost answer cannot deliver twice. Plain fetch rather than npm:resend: this single call
// is all the project uses, an Edge Function boots faster without the module, and whether a
// failure is worth retrying is decided here, once, from the status.
import type { MailConfig } from './mail-config.ts';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments?: { filename: string; content: Uint8Array; contentType?: string }[];
  tags?: { name: string; value: string }[];
}

export class MailSendError extends Error {
  override name = 'MailSendError';
  constructor(
    message: string,
    /** Worth another attempt later (network, timeout, 429, 5xx). */
    readonly retriable: boolean,
    readonly status: number | null,
    /** The provider's error name (e.g. invalid_idempotent_request). */
    readonly code: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Whether an answer of the mail API is worth retrying: the one place that decides it. */
export function retriableStatus(status: number, code: string | null): boolean {
  if (status === 429 || status >= 500) return true;
  return status === 409 && code === 'concurrent_idempotent_requests';
}

export async function sendEmail(
  config: MailConfig,
  email: OutgoingEmail,
  idempotencyKey: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ id: string }> {
  const body = {
    from: config.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(email.attachments?.length
      ? {
          attachments: email.attachments.map((a) => ({
            filename: a.filename,
            content: base64(a.content),
            ...(a.contentType ? { content_type: a.contentType } : {}),
          })),
        }
      : {}),
    ...(email.tags ? { tags: email.tags } : {}),
  };
  let res: Response;
  try {
    res = await fetchImpl(`${config.baseUrl}/emails`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${config.apiKey}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': idempotencyKey,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (e) {
    throw new MailSendError(
      `mail API unreachable (${config.baseUrl}): ${(e as Error).message}`,
      true,
      null,
      null,
      { cause: e },
    );
  }
  const text = await res.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = text ? JSON.parse(text) : {};
  } catch {}
  if (!res.ok) {
    const code = typeof answer.name === 'string' ? answer.name : null;
    const message = typeof answer.message === 'string' ? answer.message : text.slice(0, 200);
    throw new MailSendError(
      `mail API answered ${res.status}${code ? ` ${code}` : ''}: ${message}`,
      retriableStatus(res.status, code),
      res.status,
      code,
    );
  }
  if (typeof answer.id !== 'string')
    throw new MailSendError('mail API answered without an id', true, res.status, null);
  return { id: answer.id };
}
