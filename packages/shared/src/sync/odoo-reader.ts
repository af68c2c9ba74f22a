import type { OdooFieldInfo } from './columns.ts';

/** Context sent on every call (DESIGN §4 rule 3). */
export interface OdooCallContext {
  active_test: false;
  lang: string;
  allowed_company_ids?: number[];
  [key: string]: unknown;
}

export type Domain = unknown[];

export interface GroupRow {
  /** The group's key, e.g. '2026-03' for a `date:month` group, or null for records without one. */
  key: string | null;
  count: number;
  sums: Record<string, number>;
}

/** What the sync engine needs from Odoo; the Odoo client provides it for every transport. */
export interface OdooReader {
  /** The language every call is made in. */
  readonly lang: string;
  fieldsGet(model: string, context: OdooCallContext): Promise<Record<string, OdooFieldInfo>>;
  searchRead(
    model: string,
    domain: Domain,
    fields: string[],
    /** limit 0 means no limit. */
    opts: { limit: number; order: string; context: OdooCallContext },
  ): Promise<Record<string, unknown>[]>;
  /**
   * searchRead, where `fromBody` may take the page straight from the answer's bytes (JSON
   * transports). When it declines (undefined: `declined`), or on XML-RPC, the records come
   * decoded.
   */
  searchReadOrDecode<T>(
    model: string,
    domain: Domain,
    fields: string[],
    opts: { limit: number; order: string; context: OdooCallContext },
    fromBody: (body: Uint8Array, enveloped: boolean) => T | undefined,
  ): Promise<{ decoded: T } | { records: Record<string, unknown>[]; declined: boolean }>;
  search(
    model: string,
    domain: Domain,
    opts: { order: string; limit?: number; context: OdooCallContext },
  ): Promise<number[]>;
  searchCount(model: string, domain: Domain, context: OdooCallContext): Promise<number>;
  read(
    model: string,
    ids: number[],
    fields: string[],
    context: OdooCallContext,
  ): Promise<Record<string, unknown>[]>;
  /** Counts and sums per month of `dateField`. */
  monthlyTotals(
    model: string,
    domain: Domain,
    dateField: string,
    sumFields: string[],
    context: OdooCallContext,
  ): Promise<GroupRow[]>;
  /** Odoo's clock now (its answers' HTTP Date), or undefined when it does not say. */
  serverNow(): Date | undefined;
  /**
   * Odoo's major version (asked once per reader, as the transport choice does): a change
   * between invocations is an upgrade the mirror must follow.
   */
  serverVersion(): Promise<number>;
  /** allowed_company_ids: the configured ones, else every company the user may see. */
  userCompanyIds(): Promise<number[]>;
}
