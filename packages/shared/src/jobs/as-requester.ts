// Reads for an export run as the user who asked: the transaction takes the `authenticated`
// role with a JWT claim of that user (as PostgREST would set them), so `reporting`'s own rules
// decide what the file holds — never more companies than the user may read. The claim's
// company_ids are the companies checked when the job was requested.
import type { TransactionSql } from 'postgres';
import { JobInputError } from './errors.ts';
import type { Job } from './export-kind.ts';

export async function asRequester<T>(
  tx: TransactionSql,
  job: Job,
  read: () => Promise<T>,
): Promise<T> {
  if (!job.requester) throw new JobInputError(`job ${job.id} has no requester to read as`);
  const claims = {
    sub: job.requester,
    role: 'authenticated',
    ...(job.companies ? { company_ids: job.companies } : {}),
  };
  await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                  set_config('role', 'authenticated', true)`;
  // No `finally`: a failed read aborts the transaction, which ends the role with it.
  const out = await read();
  await tx`reset role`;
  return out;
}
