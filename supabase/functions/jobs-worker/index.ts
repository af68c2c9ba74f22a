// The jobs-worker Edge Function: one bounded slice of background work (Excel exports) per
// request, woken by pg_net on insert and by pg_cron's sweep. All logic lives in packages/shared.
import { handleJobsRequest } from '@shared/jobs/http-handler.ts';

Deno.serve((req: Request) => handleJobsRequest(req, Deno.env.toObject()));
