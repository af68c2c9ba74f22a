import { agedPayableExport, agedReceivableExport } from './aged-export.ts';
import type { ExportKind } from './export-kind.ts';
import { openInvoicesExport } from './open-invoices-export.ts';
import { partnerLedgerExport } from './partner-ledger-export.ts';

/** Every kind of export the worker writes (the same names reporting.request_export accepts). */
export const EXPORT_KINDS: Record<string, ExportKind> = {
  aged_receivable: agedReceivableExport,
  aged_payable: agedPayableExport,
  open_invoices: openInvoicesExport,
  partner_ledger: partnerLedgerExport,
};
