/**
 * An exception as Odoo would raise it; each transport renders it its own way
 * (reference §2.3: XML-RPC fault codes, JSON-RPC `error.data.name`, JSON-2 HTTP status).
 */
export type OdooErrorKind =
  | 'AccessDenied'
  | 'AccessError'
  | 'MissingError'
  | 'ValidationError'
  | 'UserError'
  | 'LockError'
  | 'RedirectWarning'
  | 'ValueError'
  | 'TypeError'
  | 'KeyError'
  | 'AttributeError'
  | 'ServerError'
  | 'NotFound'
  | 'UnprocessableEntity'
  | 'Unauthorized'
  | 'BadRequest';

interface KindInfo {
  python: string;
  xmlrpcCode: number;
  /** Status on JSON-2. */
  status: number;
}

const KINDS: Record<OdooErrorKind, KindInfo> = {
  AccessDenied: { python: 'odoo.exceptions.AccessDenied', xmlrpcCode: 3, status: 403 },
  AccessError: { python: 'odoo.exceptions.AccessError', xmlrpcCode: 4, status: 403 },
  MissingError: { python: 'odoo.exceptions.MissingError', xmlrpcCode: 2, status: 404 },
  ValidationError: { python: 'odoo.exceptions.ValidationError', xmlrpcCode: 2, status: 422 },
  UserError: { python: 'odoo.exceptions.UserError', xmlrpcCode: 2, status: 422 },
  LockError: { python: 'odoo.exceptions.LockError', xmlrpcCode: 2, status: 409 },
  RedirectWarning: { python: 'odoo.exceptions.RedirectWarning', xmlrpcCode: 2, status: 422 },
  ValueError: { python: 'builtins.ValueError', xmlrpcCode: 1, status: 500 },
  TypeError: { python: 'builtins.TypeError', xmlrpcCode: 1, status: 500 },
  KeyError: { python: 'builtins.KeyError', xmlrpcCode: 1, status: 500 },
  AttributeError: { python: 'builtins.AttributeError', xmlrpcCode: 1, status: 500 },
  ServerError: { python: 'psycopg2.OperationalError', xmlrpcCode: 1, status: 500 },
  NotFound: { python: 'werkzeug.exceptions.NotFound', xmlrpcCode: 1, status: 404 },
  UnprocessableEntity: {
    python: 'werkzeug.exceptions.UnprocessableEntity',
    xmlrpcCode: 1,
    status: 422,
  },
  Unauthorized: { python: 'werkzeug.exceptions.Unauthorized', xmlrpcCode: 1, status: 401 },
  BadRequest: { python: 'werkzeug.exceptions.BadRequest', xmlrpcCode: 1, status: 400 },
};

export class OdooError extends Error {
  override name = 'OdooError';
  constructor(
    readonly kind: OdooErrorKind,
    message: string,
    /** Overrides the Python class name (e.g. a specific psycopg2 error). */
    readonly pythonName?: string,
  ) {
    super(message);
  }

  get python(): string {
    return this.pythonName ?? KINDS[this.kind].python;
  }
  get xmlrpcCode(): number {
    return KINDS[this.kind].xmlrpcCode;
  }
  get status(): number {
    return KINDS[this.kind].status;
  }
  /** The werkzeug HTTP exceptions add their status to `args`. */
  get arguments(): unknown[] {
    return this.python.startsWith('werkzeug.') ? [this.message, this.status] : [this.message];
  }

  /** A Python-looking traceback, what Odoo puts in `debug` and in fault-1 faultStrings. */
  traceback(where = 'odoo/service/model.py'): string {
    const cls = this.python.replace(/^builtins\./, '');
    return (
      'Traceback (most recent call last):\n' +
      `  File "/usr/lib/python3/dist-packages/${where}", line 62, in dispatch\n` +
      '    res = execute_kw(db, uid, *params[3:])\n' +
      '  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5321, in _simulated\n' +
      '    raise exc\n' +
      `${cls}: ${this.message}\n`
    );
  }

  /** `odoo.http.serialize_exception` */
  serialize(): {
    name: string;
    debug: string;
    message: string;
    arguments: unknown[];
    context: object;
  } {
    return {
      name: this.python,
      debug: this.traceback(),
      message: this.message,
      arguments: this.arguments,
      context: {},
    };
  }
}

export function accessDenied(): OdooError {
  return new OdooError('AccessDenied', 'Access Denied');
}
