/** A quoted SQL identifier; names come from Odoo's fields_get, so never trust them raw. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export const mirrorTable = (table: string) => `odoo.${ident(table)}`;
