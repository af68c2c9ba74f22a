// PostgREST's error JSON ({code, details, hint, message}) and its SQLSTATE → HTTP map
// (reference §2). Every failure inside the handler becomes a RestError so the response
// writer has one shape to serialise.

export class RestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: string | null;
  readonly hint: string | null;
  readonly headers: Record<string, string>;
  /** Supabase's gateway errors carry only message/hint, not PostgREST's four keys. */
  readonly gatewayShape: boolean;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: string | null;
    hint?: string | null;
    headers?: Record<string, string>;
    gatewayShape?: boolean;
  }) {
    super(init.message);
    this.name = 'RestError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? null;
    this.hint = init.hint ?? null;
    this.headers = init.headers ?? {};
    this.gatewayShape = init.gatewayShape ?? false;
  }

  body(): Record<string, unknown> {
    if (this.gatewayShape) return { message: this.message, hint: this.hint };
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

export const queryParamError = (message: string, details: string) =>
  new RestError({ status: 400, code: 'PGRST100', message, details });

export const invalidRpcMethod = (method: string) =>
  new RestError({
    status: 405,
    code: 'PGRST101',
    message: `Cannot use the ${method} method on RPC`,
  });

export const invalidBody = (message: string) =>
  new RestError({ status: 400, code: 'PGRST102', message });

export type RangeErrorKind = 'negativeLimit' | 'lowerGtUpper' | { offset: number; total: number };

export const invalidRange = (kind: RangeErrorKind) =>
  new RestError({
    status: 416,
    code: 'PGRST103',
    message: 'Requested range not satisfiable',
    details:
      kind === 'negativeLimit'
        ? 'Limit should be greater than or equal to zero.'
        : kind === 'lowerGtUpper'
          ? 'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
          : `An offset of ${kind.offset} was requested, but there are only ${kind.total} rows.`,
  });

export const unacceptableSchema = (schema: string, exposed: string[]) =>
  new RestError({
    status: 406,
    code: 'PGRST106',
    message: `Invalid schema: ${schema}`,
    hint: `Only the following schemas are exposed: ${exposed.join(', ')}`,
  });

export const mediaTypeError = (types: string[]) =>
  new RestError({
    status: 406,
    code: 'PGRST107',
    message: `None of these media types are available: ${types.join(', ')}`,
  });

export const notEmbedded = (resource: string) =>
  new RestError({
    status: 400,
    code: 'PGRST108',
    message: `'${resource}' is not an embedded resource in this request`,
    hint: `Verify that '${resource}' is included in the 'select' query parameter.`,
  });

export const gucHeadersError = () =>
  new RestError({
    status: 500,
    code: 'PGRST111',
    message:
      'response.headers guc must be a JSON array composed of objects with a single key and a string value',
  });

export const gucStatusError = () =>
  new RestError({
    status: 500,
    code: 'PGRST112',
    message: 'response.status guc must be a valid status code',
  });

export const singularityError = (rows: number) =>
  new RestError({
    status: 406,
    code: 'PGRST116',
    message: 'Cannot coerce the result to a single JSON object',
    details: `The result contains ${rows} rows`,
  });

export const unsupportedMethod = (method: string) =>
  new RestError({ status: 405, code: 'PGRST117', message: `Unsupported HTTP method: ${method}` });

export const invalidPreferences = (prefs: string[]) =>
  new RestError({
    status: 400,
    code: 'PGRST122',
    message: 'Invalid preferences given with handling=strict',
    details: `Invalid preferences: ${prefs.join(', ')}`,
  });

export const aggregatesNotAllowed = () =>
  new RestError({
    status: 400,
    code: 'PGRST123',
    message: 'Use of aggregate functions is not allowed',
  });

export const invalidResourcePath = () =>
  new RestError({
    status: 404,
    code: 'PGRST125',
    message: 'Invalid path specified in request URL',
  });

export const openApiDisabled = () =>
  new RestError({ status: 404, code: 'PGRST126', message: 'Root endpoint metadata is disabled' });

export const notImplemented = (details: string) =>
  new RestError({ status: 400, code: 'PGRST127', message: 'Feature not implemented', details });

export const noRelationshipBetween = (parent: string, child: string, schema: string) =>
  new RestError({
    status: 400,
    code: 'PGRST200',
    message: `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
    details: `Searched for a foreign key relationship between '${parent}' and '${child}' in the schema '${schema}', but no matches were found.`,
  });

export const tableNotFound = (schema: string, table: string, suggestion: string | undefined) =>
  new RestError({
    status: 404,
    code: 'PGRST205',
    message: `Could not find the table '${schema}.${table}' in the schema cache`,
    hint: suggestion === undefined ? null : `Perhaps you meant the table '${schema}.${suggestion}'`,
  });

export const schemaCacheUnavailable = () =>
  new RestError({
    status: 503,
    code: 'PGRST002',
    message: 'Could not query the database for the schema cache. Retrying.',
  });

export const connectionError = (details: string) =>
  new RestError({
    status: 503,
    code: 'PGRST000',
    message: 'Database connection error. Retrying the connection.',
    details,
  });

export const jwtDecodeError = (message: string, details?: string) =>
  new RestError({
    status: 401,
    code: 'PGRST301',
    message,
    details: details ?? null,
    headers: { 'WWW-Authenticate': invalidTokenHeader(message) },
  });

export const jwtClaimsError = (message: string) =>
  new RestError({
    status: 401,
    code: 'PGRST303',
    message,
    headers: { 'WWW-Authenticate': invalidTokenHeader(message) },
  });

// Haskell's `show` of a Text: a double-quoted string with backslash escapes.
const invalidTokenHeader = (message: string) =>
  `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;

export const noApiKey = () =>
  new RestError({
    status: 401,
    code: 'apikey',
    message: 'No API key found in request',
    hint: 'No `apikey` request header or url param was found.',
    gatewayShape: true,
  });

export const invalidApiKey = () =>
  new RestError({
    status: 401,
    code: 'apikey',
    message: 'Invalid API key',
    hint: 'Double check your Supabase `anon` or `service_role` API key.',
    gatewayShape: true,
  });

/** The fields postgres.js exposes on a server error (PostgresError). */
export interface PgErrorLike {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function isPgError(err: unknown): err is PgErrorLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'PostgresError' &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

/** PostgREST's pgErrorStatus (reference §2.2). `authenticated` = role is not the anon role. */
export function pgErrorStatus(code: string, message: string, authenticated: boolean): number {
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
  if (code === '22023') return /^role .* does not exist/.test(message) ? 401 : 400;
  if (code === '53400') return 500;
  if (code === '57P01') return 503;
  if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404;
  if (code === '42P01') return 404;
  if (code === '42P17') return 500;
  if (code === '42501') return authenticated ? 403 : 401;
  if (code === 'P0001') return 400;
  const ptStatus = /^PT(\d{3})$/.exec(code);
  if (ptStatus) return Number(ptStatus[1]);
  const prefix = code.slice(0, 2);
  switch (prefix) {
    case '08':
    case '53':
      return 503;
    case '0L':
    case '0P':
    case '28':
      return 403;
    case '09':
    case '25':
    case '2D':
    case '38':
    case '39':
    case '3B':
    case '40':
    case '54':
    case '55':
    case '57':
    case '58':
    case 'F0':
    case 'HV':
    case 'XX':
    case 'P0':
      return 500;
    default:
      return 400;
  }
}

/** Translates a PostgreSQL error into PostgREST's response, including RAISE SQLSTATE 'PGRST'. */
export function fromPgError(err: PgErrorLike, authenticated: boolean): RestError {
  if (err.code === 'PGRST') return fromRaisePgrst(err);
  const status = pgErrorStatus(err.code, err.message, authenticated);
  return new RestError({
    status,
    code: err.code,
    message: err.message,
    details: err.detail || null,
    hint: err.hint || null,
    // The anon role's permission errors ask for credentials, like PostgREST does.
    headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
  });
}

function fromRaisePgrst(err: PgErrorLike): RestError {
  const parseFailure = (details: string, hint: string) =>
    new RestError({
      status: 500,
      code: 'PGRST121',
      message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
      details,
      hint,
    });
  const msgHint =
    "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const detHint =
    "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  const msg = tryJson(err.message);
  if (!isObject(msg) || typeof msg.code !== 'string' || typeof msg.message !== 'string') {
    return parseFailure(`Invalid JSON value for MESSAGE: '${err.message}'`, msgHint);
  }
  if (err.detail === undefined || err.detail === '') {
    return parseFailure('DETAIL is missing in the RAISE statement', detHint);
  }
  const det = tryJson(err.detail);
  if (!isObject(det) || typeof det.status !== 'number' || !isObject(det.headers)) {
    return parseFailure(`Invalid JSON value for DETAIL: '${err.detail}'`, detHint);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(det.headers)) if (typeof v === 'string') headers[k] = v;
  return new RestError({
    status: det.status,
    code: msg.code,
    message: msg.message,
    details: typeof msg.details === 'string' ? msg.details : null,
    hint: typeof msg.hint === 'string' ? msg.hint : null,
    headers,
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
