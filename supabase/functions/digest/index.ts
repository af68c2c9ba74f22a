// The digest Edge Function: one bounded run of the weekly digests (claim, send, record), each
// e-mail with the company's aged-receivable workbook attached (when it is small enough).
// All logic lives in packages/shared so tests drive the very same code.
import { handleDigestRequest } from '@shared/digest/http-handler.ts';
import { agedWorkbookProvider } from '@shared/jobs/aged-workbook.ts';

Deno.serve((req: Request) =>
  handleDigestRequest(req, Deno.env.toObject(), { workbook: agedWorkbookProvider }),
);
