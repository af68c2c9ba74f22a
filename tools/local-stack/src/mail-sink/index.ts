// A local stand-in for the mail API the functions send through (Resend's HTTP API, which
// Supabase's own e-mail guide uses): POST /emails and /emails/batch with a Bearer key, the
// Idempotency-Key header, Resend's error shape. Nothing leaves the machine: every accepted
// message is kept and shown on a local page (/), and as JSON for tests (/api/messages). A test
// can make the next sends fail (POST /api/fail) to see retries and failures end to end.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { messagePage, sinkIndexPage } from './page.ts';

export interface CapturedAttachment {
  filename: string;
  content_type: string | null;
  /** Base64, as sent. */
  content: string;
  size: number;
}

export interface CapturedEmail {
  id: string;
  created_at: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  attachments: CapturedAttachment[];
  idempotency_key: string | null;
}

export interface MailSink {
  url: string;
  apiKey: string;
  messages(): CapturedEmail[];
  close(): Promise<void>;
}

export interface MailSinkOptions {
  port: number;
  /** The one key accepted as `Authorization: Bearer <key>`. */
  apiKey: string;
  log?: (line: string) => void;
}

class ResendError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new ResendError(422, 'validation_error', message);

function list(v: unknown, field: string, required = false): string[] {
  if (v === undefined || v === null) {
    if (required)
      throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
    return [];
  }
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0 && required)
    throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
  if (items.length > 50) throw invalid(`\`${field}\` accepts at most 50 addresses.`);
  for (const a of items)
    if (typeof a !== 'string' || !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(a.trim()))
      throw invalid(
        `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
      );
  return items as string[];
}

function toEmail(
  body: unknown,
  idempotencyKey: string | null,
  inBatch: boolean,
): Omit<CapturedEmail, 'id' | 'created_at'> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalid('The body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const [from] = list(b.from, 'from', true);
  if (typeof b.subject !== 'string' || b.subject === '')
    throw new ResendError(422, 'missing_required_field', 'Missing `subject` field.');
  const html = typeof b.html === 'string' ? b.html : null;
  const text = typeof b.text === 'string' ? b.text : null;
  if (html === null && text === null && b.react === undefined)
    throw invalid('Missing `html` or `text` field.');
  const raw = Array.isArray(b.attachments) ? b.attachments : [];
  if (inBatch && raw.length > 0) throw invalid('Attachments are not supported in batch sending.');
  const attachments = raw.map((a: Record<string, unknown>) => {
    if (typeof a?.filename !== 'string' || typeof a?.content !== 'string')
      throw invalid('Each attachment needs `filename` and base64 `content`.');
    return {
      filename: a.filename,
      content_type: typeof a.content_type === 'string' ? a.content_type : null,
      content: a.content,
      size: Buffer.from(a.content, 'base64').length,
    };
  });
  return {
    from,
    to: list(b.to, 'to', true),
    cc: list(b.cc, 'cc'),
    bcc: list(b.bcc, 'bcc'),
    reply_to: list(b.reply_to, 'reply_to'),
    subject: b.subject,
    html,
    text,
    headers: (b.headers as Record<string, string>) ?? {},
    tags: Array.isArray(b.tags) ? (b.tags as { name: string; value: string }[]) : [],
    attachments,
    idempotency_key: idempotencyKey,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw invalid('The body is not valid JSON.');
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' });
  res.end(text);
}

export function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const captured: CapturedEmail[] = [];
  // Idempotency-Key → the request's hash and the answer it got (Resend keeps them 24 h).
  const replies = new Map<string, { hash: string; body: unknown; at: number }>();
  const KEY_TTL_MS = 24 * 3600 * 1000;
  let failures: { count: number; status: number } = { count: 0, status: 500 };

  function authorize(req: IncomingMessage) {
    const header = req.headers.authorization ?? '';
    const key = /^Bearer (.+)$/.exec(header)?.[1];
    if (!key)
      throw new ResendError(401, 'missing_api_key', 'Missing API key in the authorization header');
    if (key !== opts.apiKey) throw new ResendError(403, 'invalid_api_key', 'API key is invalid');
  }

  function capture(email: Omit<CapturedEmail, 'id' | 'created_at'>): string {
    const id = randomUUID();
    captured.push({ id, created_at: new Date().toISOString(), ...email });
    opts.log?.(`[mail] ${email.to.join(', ')}: ${email.subject}`);
    return id;
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string) {
    authorize(req);
    const body = await readJson(req);
    if (failures.count > 0) {
      failures.count--;
      throw new ResendError(
        failures.status,
        'application_error',
        'The mail sink was told to fail this send.',
      );
    }
    const key =
      typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const hash = createHash('sha256')
      .update(`${path} ${JSON.stringify(body)}`)
      .digest('hex');
    if (key !== null) {
      if (key.length < 1 || key.length > 256)
        throw new ResendError(
          400,
          'invalid_idempotency_key',
          'The idempotency key has to be between 1-256 characters.',
        );
      const kept = replies.get(key);
      const seen = kept && Date.now() - kept.at < KEY_TTL_MS ? kept : undefined;
      if (seen && seen.hash !== hash)
        throw new ResendError(
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
        );
      if (seen) return send(res, 200, seen.body);
    }
    let answer: unknown;
    if (path === '/emails') {
      answer = { id: capture(toEmail(body, key, false)) };
    } else {
      if (!Array.isArray(body)) throw invalid('The batch body must be an array of e-mails.');
      if (body.length > 100) throw invalid('A batch holds at most 100 e-mails.');
      const emails = body.map((e) => toEmail(e, key, true)); // all valid before any is kept
      answer = { data: emails.map((e) => ({ id: capture(e) })) };
    }
    if (key !== null) replies.set(key, { hash, body: answer, at: Date.now() });
    send(res, 200, answer);
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sink');
    const path = url.pathname;
    if (req.method === 'POST' && (path === '/emails' || path === '/emails/batch'))
      return api(req, res, path);
    if (req.method === 'GET' && path === '/')
      return send(res, 200, sinkIndexPage(captured), 'text/html');
    if (req.method === 'GET' && path === '/api/messages') return send(res, 200, captured);
    if (req.method === 'DELETE' && path === '/api/messages') {
      captured.length = 0;
      replies.clear();
      return send(res, 200, { cleared: true });
    }
    if (req.method === 'POST' && path === '/api/fail') {
      const b = ((await readJson(req)) ?? {}) as { count?: number; status?: number };
      failures = { count: b.count ?? 1, status: b.status ?? 500 };
      return send(res, 200, failures);
    }
    const m = /^\/messages\/([0-9a-f-]{36})(\/html|\/attachments\/(\d+))?$/.exec(path);
    const email = m ? captured.find((e) => e.id === m[1]) : undefined;
    if (req.method === 'GET' && email) {
      if (!m?.[2]) return send(res, 200, messagePage(email), 'text/html');
      if (m[2] === '/html') {
        // The message's own HTML, sandboxed: no script runs, nothing it links is fetched.
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy':
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        });
        return res.end(
          email.html ??
            `<pre>${(email.text ?? '').replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</pre>`,
        );
      }
      const a = email.attachments[Number(m[3])];
      if (a) {
        res.writeHead(200, {
          'Content-Type': a.content_type ?? 'application/octet-stream',
          'Content-Disposition': `attachment; filename="${a.filename.replace(/"/g, '')}"`,
        });
        return res.end(Buffer.from(a.content, 'base64'));
      }
    }
    throw new ResendError(404, 'not_found', 'The requested endpoint does not exist.');
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof ResendError)
        return send(res, e.statusCode, {
          statusCode: e.statusCode,
          message: e.message,
          name: e.errorName,
        });
      opts.log?.(`[mail] ${e instanceof Error ? e.stack : e}`);
      send(res, 500, {
        statusCode: 500,
        message: 'Internal server error',
        name: 'internal_server_error',
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        apiKey: opts.apiKey,
        messages: () => [...captured],
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
