// The digest Edge Function: one bounded run of the weekly digests (claim, send, record).
// All logic lives in packages/shared so tests drive the very same code.
import { handleDigestRequest } from '@shared/digest/http-handler.ts';

Deno.serve((req: Request) => handleDigestRequest(req, Deno.env.toObject()));
