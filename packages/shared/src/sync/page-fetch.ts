import { OdooResponseTooLargeError, OdooTimeoutError } from '../odoo/errors.ts';
import { type CompanyPage, changedRecordIds, fetchCompanyValues } from './company-fields.ts';
import type { CopyPage } from './copy-encoder.ts';
import { type ModelRun, readFields, request } from './engine-context.ts';
import { BudgetSpentError } from './errors.ts';
import { PAGE_HEADROOM_MS } from './page-pipeline.ts';

/** Raised inside a request to leave the retry loop and ask again with a smaller page. */
class PageTooBig extends Error {}

/** A page as fetched, with its per-company values when the model has company-dependent fields. */
export type Fetched =
  | {
      records: Record<string, unknown>[];
      page?: undefined;
      full: boolean;
      declined?: boolean;
      companies?: CompanyPage;
    }
  | {
      records?: undefined;
      page: CopyPage;
      full: boolean;
      declined?: undefined;
      companies?: CompanyPage;
    };

/**
 * Fetches one keyset page: the records, or with `fromBody` possibly the page already encoded
 * from the answer's bytes. A timeout or an oversized answer halves the page at once (asking the
 * same question again would fail the same way); other transient faults are retried.
 */
export async function fetchPage(
  run: ModelRun,
  domain: unknown[],
): Promise<{ records: Record<string, unknown>[]; full: boolean }>;
export async function fetchPage(
  run: ModelRun,
  domain: unknown[],
  fromBody?: (body: Uint8Array, enveloped: boolean) => CopyPage | undefined,
): Promise<Fetched>;
export async function fetchPage(
  run: ModelRun,
  domain: unknown[],
  fromBody?: (body: Uint8Array, enveloped: boolean) => CopyPage | undefined,
): Promise<Fetched> {
  for (;;) {
    const limit = run.pageSize.current;
    const t0 = performance.now();
    const opts = { limit, order: 'id asc', context: run.context };
    const fields = readFields(run.columns);
    try {
      const got: Fetched = await request(run, () =>
        (fromBody
          ? run.odoo
              .searchReadOrDecode(run.entry.model, domain, fields, opts, fromBody)
              .then(
                (r): Fetched =>
                  'decoded' in r
                    ? { page: r.decoded, full: false }
                    : { records: r.records, declined: r.declined, full: false },
              )
          : run.odoo
              .searchRead(run.entry.model, domain, fields, opts)
              .then((records): Fetched => ({ records, full: false }))
        ).catch((e) => {
          const tooBig = e instanceof OdooTimeoutError || e instanceof OdooResponseTooLargeError;
          if (tooBig && run.pageSize.shrink()) throw new PageTooBig(e.name);
          throw e;
        }),
      );
      const count = got.page ? got.page.count : got.records.length;
      run.pageSize.observe(performance.now() - t0, count === limit);
      run.report.fetched += count;
      run.budget.spend(count);
      // Whether the page was full is judged against the limit asked, not the adapted size.
      got.full = count === limit;
      // Read with the page, before its transaction: the commit writes both or neither.
      if (run.companyColumns.length) {
        // A page by COPY holds new records only.
        const ids = got.page
          ? got.page.ids
          : await changedRecordIds(run, got.records, run.state.unsettledFrom);
        got.companies = await fetchCompanyValues(run, ids);
      }
      return got;
    } catch (e) {
      if (!(e instanceof PageTooBig)) throw e;
      run.log?.(`[${run.entry.model}] ${e.message}; page size → ${run.pageSize.current}`);
      // A smaller page is another request: only within the invocation's budget.
      if (!run.budget.allows(PAGE_HEADROOM_MS)) {
        throw new BudgetSpentError(`${run.entry.model}: budget spent while shrinking the page`, {
          model: run.entry.model,
        });
      }
    }
  }
}
