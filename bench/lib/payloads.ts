// Bodies as Odoo sends them for a page of journal items: XML-RPC laid out like CPython's
// xmlrpc.client.dumps (the project's encoder matches it byte for byte, see the codec tests),
// JSON-RPC like Odoo's json.dumps(ensure_ascii=False) with Python's separators and float repr.
import { encodeXmlRpcResponse, pythonFloatRepr } from '../../packages/shared/src/odoo/index.ts';
import { makeJournalItems } from './journal-items.ts';

// Monetary fields are Python floats in Odoo, also when integral (0.0).
const FLOAT_FIELDS = new Set([
  'debit',
  'credit',
  'balance',
  'amount_currency',
  'amount_residual',
  'amount_residual_currency',
]);

function pyJson(v: unknown, asFloat = false): string {
  if (typeof v === 'number')
    return asFloat || !Number.isInteger(v) ? pythonFloatRepr(v) : String(v);
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyJson(x)).join(', ')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}: ${pyJson(o[k], FLOAT_FIELDS.has(k))}`)
    .join(', ')}}`;
}

export function journalItemPayloads(count: number): { xml: Uint8Array; json: Uint8Array } {
  const records = makeJournalItems(count);
  const xml = encodeXmlRpcResponse(records);
  const json = new TextEncoder().encode(
    `{"jsonrpc": "2.0", "id": 1, "result": ${pyJson(records)}}`,
  );
  return { xml, json };
}
