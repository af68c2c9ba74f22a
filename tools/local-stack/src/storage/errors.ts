// Supabase Storage's error shape (supabase/storage src/internal/errors): the body carries the
// "real" status as a string in `statusCode`, while the HTTP status is 400 for every client
// error (500 stays 500). storage-js reads `statusCode` and `message` from the body.

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly code: string,
    readonly httpStatusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get userStatusCode(): number {
    return this.httpStatusCode === 500 ? 500 : 400;
  }

  body() {
    return {
      statusCode: String(this.httpStatusCode),
      code: this.code,
      error: this.code,
      message: this.message,
    };
  }
}

export const storageErrors = {
  noSuchBucket: () => new StorageError('NoSuchBucket', 404, 'Bucket not found'),
  noSuchKey: () => new StorageError('NoSuchKey', 404, 'Object not found'),
  invalidJwt: (message: string) => new StorageError('InvalidJWT', 400, message),
  invalidSignature: () =>
    new StorageError('InvalidSignature', 400, 'The url do not match the signature'),
  accessDenied: (message: string) => new StorageError('AccessDenied', 403, message),
  alreadyExists: () =>
    new StorageError('ResourceAlreadyExists', 409, 'The resource already exists'),
  invalidParameter: (message: string) => new StorageError('InvalidParameter', 400, message),
  invalidKey: (key: string) => new StorageError('InvalidKey', 400, `Invalid key: ${key}`),
  invalidMimeType: (type: string) =>
    new StorageError('InvalidMimeType', 415, `mime type ${type} is not supported`),
  tooLarge: () =>
    new StorageError('EntityTooLarge', 413, 'The object exceeded the maximum allowed size'),
  notFound: (route: string) => new StorageError('InvalidRequest', 404, `Route ${route} not found`),
};

/** A database error as Storage reports it: RLS refusals are 403, a taken name 409. */
export function fromDatabaseError(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const pg = e as { code?: string; message?: string };
  if (pg?.code === '42501') return storageErrors.accessDenied(pg.message ?? 'Access denied');
  if (pg?.code === '23505') return storageErrors.alreadyExists();
  if (pg?.code === '23503') return storageErrors.noSuchBucket();
  return new StorageError('DatabaseError', 500, pg?.message ?? String(e), { cause: e });
}
