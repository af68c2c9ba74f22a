// Each transport reports Odoo's exceptions its own way (reference §2.3); these functions map
// them onto the client's error classes.
import {
  OdooAccessError,
  OdooAuthError,
  type OdooError,
  type OdooErrorContext,
  type OdooFaultDetails,
  type OdooFaultError,
  OdooHttpStatusError,
  OdooMissingError,
  OdooServerError,
  OdooUserError,
} from './errors.ts';
import { scrub } from './redact.ts';

type FaultClass = new (
  message: string,
  ctx: OdooErrorContext & { odoo: OdooFaultDetails },
) => OdooFaultError;

const BY_SHORT_NAME: Record<string, FaultClass> = {
  AccessDenied: OdooAuthError,
  SessionExpiredException: OdooAuthError,
  Unauthorized: OdooAuthError,
  AccessError: OdooAccessError,
  MissingError: OdooMissingError,
  UserError: OdooUserError,
  ValidationError: OdooUserError,
  RedirectWarning: OdooUserError,
  LockError: OdooUserError,
  Warning: OdooUserError,
  except_orm: OdooUserError,
};

const MISSING_TEXT = /does not exist or has been deleted|MissingError/i;

function where(ctx: OdooErrorContext): string {
  if (ctx.model && ctx.method) return `${ctx.model}.${ctx.method}`;
  return ctx.method ?? 'request';
}

function build(
  cls: FaultClass,
  odoo: OdooFaultDetails,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): OdooFaultError {
  const clean: OdooFaultDetails = {
    name: scrub(odoo.name, secrets),
    message: scrub(odoo.message, secrets),
    debug: odoo.debug === undefined ? undefined : scrub(odoo.debug, secrets),
  };
  const first = clean.message.split('\n', 1)[0].slice(0, 500);
  return new cls(`${where(ctx)}: ${first} (${clean.name})`, { ...ctx, odoo: clean });
}

/** From a Python exception name (`error.data.name` in JSON-RPC, `name` in JSON-2 bodies). */
export function faultFromName(
  name: string,
  message: string,
  debug: string | undefined,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): OdooFaultError {
  const short = name.slice(name.lastIndexOf('.') + 1);
  const cls = BY_SHORT_NAME[short] ?? OdooServerError;
  return build(cls, { name, message, debug }, ctx, secrets);
}

/**
 * From an XML-RPC `<fault>`: `/xmlrpc/2` sends integer codes (1 server error with traceback,
 * 2 UserError family, 3 AccessDenied, 4 AccessError); the legacy `/xmlrpc` sends strings.
 */
export function faultFromXmlRpc(
  code: unknown,
  faultString: string,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): OdooFaultError {
  if (typeof code === 'number') {
    switch (code) {
      case 3:
        return build(
          OdooAuthError,
          { name: 'odoo.exceptions.AccessDenied', message: faultString },
          ctx,
          secrets,
        );
      case 4:
        return build(
          OdooAccessError,
          { name: 'odoo.exceptions.AccessError', message: faultString },
          ctx,
          secrets,
        );
      case 2:
        // MissingError and ValidationError share code 2; only the text tells them apart.
        return MISSING_TEXT.test(faultString)
          ? build(
              OdooMissingError,
              { name: 'odoo.exceptions.MissingError', message: faultString },
              ctx,
              secrets,
            )
          : build(
              OdooUserError,
              { name: 'odoo.exceptions.UserError', message: faultString },
              ctx,
              secrets,
            );
      default:
        return build(OdooServerError, fromTraceback(faultString), ctx, secrets);
    }
  }
  const s = String(code);
  if (s === 'AccessDenied') {
    return build(
      OdooAuthError,
      { name: 'odoo.exceptions.AccessDenied', message: faultString },
      ctx,
      secrets,
    );
  }
  const warning = /^warning -- (\w+)/.exec(s);
  if (warning) {
    // The legacy route puts the message in the code ("warning -- X\n\nmsg"), the string is empty.
    const msg = faultString || s.replace(/^warning -- \w+\n\n/, '');
    return faultFromName(`odoo.exceptions.${warning[1]}`, msg, undefined, ctx, secrets);
  }
  return build(OdooServerError, fromTraceback(faultString), ctx, secrets);
}

// Fault code 1 carries a formatted traceback; its last "Name: message" line names the error.
function fromTraceback(text: string): OdooFaultDetails {
  const lines = text.replace(/\s+$/, '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^([A-Za-z_][\w.]*): ?(.*)$/.exec(lines[i]);
    if (m && !lines[i].startsWith(' ')) {
      const message = [m[2], ...lines.slice(i + 1)].join('\n');
      return { name: m[1], message, debug: text };
    }
    if (lines[i].startsWith('  File ')) break;
  }
  return { name: 'ServerError', message: lines[lines.length - 1] ?? text, debug: text };
}

/** A JSON-RPC `error` member: branch on `data.name` (the `code` is arbitrary, reference §1.2). */
export function faultFromJsonRpc(
  error: unknown,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): OdooFaultError {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  const data = (e.data ?? {}) as { name?: unknown; message?: unknown; debug?: unknown };
  const message = typeof data.message === 'string' ? data.message : String(e.message ?? 'error');
  const debug = typeof data.debug === 'string' ? data.debug : undefined;
  if (typeof data.name === 'string') return faultFromName(data.name, message, debug, ctx, secrets);
  if (e.code === 100)
    return faultFromName('odoo.http.SessionExpiredException', message, debug, ctx, secrets);
  if (e.code === 404)
    return faultFromName('werkzeug.exceptions.NotFound', message, debug, ctx, secrets);
  return faultFromName('ServerError', message, debug, ctx, secrets);
}

// Statuses that mean "later", whatever the body says.
const TRANSIENT = new Set([429, 502, 503, 504]);

/** A JSON-2 error: real HTTP statuses with an Odoo body `{name, message, arguments, debug}`. */
export function errorFromJson2Status(
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
  ctx: OdooErrorContext,
  secrets: readonly string[],
): OdooError {
  const b = (body ?? {}) as { name?: unknown; message?: unknown; debug?: unknown };
  if (!TRANSIENT.has(status) && typeof b.name === 'string') {
    const message = typeof b.message === 'string' ? b.message : `HTTP ${status}`;
    const debug = typeof b.debug === 'string' ? b.debug : undefined;
    if (status === 401)
      return faultFromName('odoo.exceptions.AccessDenied', message, debug, ctx, secrets);
    return faultFromName(b.name, message, debug, ctx, secrets);
  }
  if (status === 401) {
    return faultFromName(
      'werkzeug.exceptions.Unauthorized',
      'invalid API key',
      undefined,
      ctx,
      secrets,
    );
  }
  return httpStatusError(status, retryAfterMs, ctx);
}

export function httpStatusError(
  status: number,
  retryAfterMs: number | undefined,
  ctx: OdooErrorContext,
): OdooHttpStatusError {
  const after =
    retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
  return new OdooHttpStatusError(`${where(ctx)}: unexpected HTTP status ${status}${after}`, {
    ...ctx,
    status,
    retryAfterMs,
  });
}
