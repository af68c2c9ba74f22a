// The odoo-sync Edge Function: one bounded slice of the sync per request (DESIGN §4 rule 6).
// All logic lives in packages/shared so the CLI and tests run the very same code.
import { handleSyncRequest } from '@shared/sync/http-handler.ts';

Deno.serve((req: Request) => handleSyncRequest(req, Deno.env.toObject()));
