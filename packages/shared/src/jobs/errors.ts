// Why a job failed, and whether trying again can help — decided here and nowhere else.

/** The job itself is wrong (unknown kind, bad parameters, no access): retrying cannot help. */
export class JobInputError extends Error {
  override name = 'JobInputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** This invocation no longer holds the job (its lease expired and another took it). */
export class JobLostError extends Error {
  override name = 'JobLostError';
}

/** The file could not be stored. */
export class JobStorageError extends Error {
  override name = 'JobStorageError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class JobsConfigError extends Error {
  override name = 'JobsConfigError';
}

// SQLSTATEs that mean the request is wrong, not the moment: invalid parameter, no privilege,
// data exceptions (class 22), undefined function/column (bad kind code path).
const PERMANENT_SQLSTATE = /^(22|42)/;

/** Whether another attempt may succeed. */
export function jobFaultIsRetriable(e: unknown): boolean {
  if (e instanceof JobInputError) return false;
  if (e instanceof JobStorageError)
    return e.status === undefined || e.status >= 500 || e.status === 429;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && PERMANENT_SQLSTATE.test(code)) return false;
  return true;
}

/** One line for the job's error column (seen by its requester): name, message, cause. */
export function describeJobError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? ` (cause: ${e.cause.message})` : '';
  const name = e.name === 'Error' || e.name === 'PostgresError' ? '' : `${e.name}: `;
  return `${name}${e.message}${cause}`.slice(0, 2000);
}
