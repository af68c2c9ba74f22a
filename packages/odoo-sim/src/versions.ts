/**
 * The Odoo versions the simulator speaks, and what changes between them (reference §6, §7).
 * Code asks for a trait, never compares version numbers itself, so each difference is named
 * once here.
 */
export type OdooVersion = 16 | 17 | 18 | 19;

export const ODOO_VERSIONS: readonly OdooVersion[] = [16, 17, 18, 19];

export function isOdooVersion(v: unknown): v is OdooVersion {
  return ODOO_VERSIONS.includes(v as OdooVersion);
}

export interface VersionTraits {
  /** 17+: company branches (`res.company.parent_id`). */
  branches: boolean;
  /**
   * 17+: `full_reconcile_id` and `matching_number` written by raw SQL (no write_date bump),
   * matching numbers `<full id>` / `P<min partial id>`. 16: computed stored through the ORM,
   * `<full reconcile name>` / `P`.
   */
  rawSqlMatching: boolean;
  /** 18+: accounts shared through `company_ids`; `code` computed from `code_store`. */
  sharedAccounts: boolean;
  /** 18+: company-dependent fields are stored jsonb columns (before: ir.property, not stored). */
  jsonbCompanyDependent: boolean;
  /**
   * 18+: payments are their own table (no `_inherits` of account.move): states
   * draft/in_process/paid/canceled/rejected, `memo`, optional journal entry,
   * `account.move.origin_payment_id` and `matched_payment_ids`.
   */
  payments18: boolean;
  /** 18+ (renamed in 17.2): fields_get says `aggregator`, before `group_operator`. */
  aggregator: boolean;
  /** 19: `account.account.active` replaces `deprecated`. */
  accountActive: boolean;
  /** 19: the JSON-2 API, `formatted_read_group`, more display types. */
  json2: boolean;
}

export function traits(v: OdooVersion): VersionTraits {
  return {
    branches: v >= 17,
    rawSqlMatching: v >= 17,
    sharedAccounts: v >= 18,
    jsonbCompanyDependent: v >= 18,
    payments18: v >= 18,
    aggregator: v >= 18,
    accountActive: v >= 19,
    json2: v >= 19,
  };
}
