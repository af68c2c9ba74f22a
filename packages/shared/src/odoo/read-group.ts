// Grouped counts and sums in one shape, whichever ORM method the server has: `read_group`
// (≤ 18, deprecated on 19) or `formatted_read_group` (19+). The two differ in how they name
// aggregates and date groups (reference: models.py `_web_read_group_format`).

export interface ReadGroupSpec {
  /** `field` or `field:granularity` (`day`, `week`, `month`, `quarter`, `year`). */
  groupBy: string[];
  /** `field:function`, e.g. `debit:sum`; the row count is always returned. */
  aggregates: string[];
}

/** One group. Keys of `groups` and `aggregates` are the specs exactly as requested. */
export interface OdooGroup {
  /**
   * Odoo's raw group value: `[id, display_name]` or `false` for many2one, the scalar for
   * others, and for a date granularity the first day of the period (`YYYY-MM-DD`, or
   * `YYYY-MM-DD HH:MM:SS` for datetimes), never the localised label.
   */
  groups: Record<string, unknown>;
  count: number;
  aggregates: Record<string, unknown>;
}

const AGGREGATE = /^([a-z_][a-z0-9_]*):([a-z_]+)$/;

export function checkReadGroupSpec(spec: ReadGroupSpec): void {
  const seen = new Set<string>();
  for (const a of spec.aggregates) {
    const m = AGGREGATE.exec(a);
    if (!m) throw new TypeError(`aggregate ${JSON.stringify(a)} must look like field:function`);
    // read_group names a result by its field alone, so two functions of one field collide.
    if (seen.has(m[1])) throw new TypeError(`only one aggregate per field (${m[1]})`);
    seen.add(m[1]);
  }
}

export function fromLegacyReadGroup(rows: unknown, spec: ReadGroupSpec): OdooGroup[] {
  if (!Array.isArray(rows)) throw new TypeError('read_group answered a non-list');
  return rows.map((raw) => {
    const r = raw as Record<string, unknown>;
    const range = (r.__range ?? {}) as Record<string, { from?: unknown } | false | undefined>;
    const groups: Record<string, unknown> = {};
    for (const g of spec.groupBy) {
      if (g.includes(':')) {
        const rg = range[g];
        groups[g] = rg && typeof rg === 'object' && rg.from !== undefined ? rg.from : false;
      } else {
        groups[g] = r[g];
      }
    }
    const aggregates: Record<string, unknown> = {};
    for (const a of spec.aggregates) aggregates[a] = r[a.slice(0, a.indexOf(':'))];
    return { groups, count: Number(r.__count ?? 0), aggregates };
  });
}

export function fromFormattedReadGroup(rows: unknown, spec: ReadGroupSpec): OdooGroup[] {
  if (!Array.isArray(rows)) throw new TypeError('formatted_read_group answered a non-list');
  return rows.map((raw) => {
    const r = raw as Record<string, unknown>;
    const groups: Record<string, unknown> = {};
    for (const g of spec.groupBy) {
      const v = r[g];
      // Date granularities come as [period start, localised label].
      groups[g] = g.includes(':') && Array.isArray(v) ? v[0] : v;
    }
    const aggregates: Record<string, unknown> = {};
    for (const a of spec.aggregates) aggregates[a] = r[a];
    return { groups, count: Number(r.__count ?? 0), aggregates };
  });
}
