// storage-js `list(prefix)`: the direct children of a folder, files with their metadata and
// folders as name-only entries (id null), as Supabase's storage.search() answers it. Runs in
// the caller's transaction: only objects RLS lets the caller see are listed.
import type { TransactionSql } from 'postgres';

interface Row {
  id: string;
  name: string;
  updated_at: Date;
  created_at: Date;
  last_accessed_at: Date;
  metadata: Record<string, unknown> | null;
}

export async function listObjects(
  tx: TransactionSql,
  bucket: string,
  body: Record<string, unknown>,
): Promise<unknown[]> {
  const raw = typeof body.prefix === 'string' ? body.prefix : '';
  const prefix = raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
  const limit = typeof body.limit === 'number' ? body.limit : 100;
  const offset = typeof body.offset === 'number' ? body.offset : 0;
  const search = typeof body.search === 'string' ? body.search : '';
  const sortBy = (body.sortBy ?? {}) as { column?: string; order?: string };
  const rows = await tx<Row[]>`select id, name, updated_at, created_at, last_accessed_at, metadata
    from storage.objects
    where bucket_id = ${bucket} and left(name, ${prefix.length}) = ${prefix}`;
  const entries = new Map<string, unknown>();
  for (const r of rows) {
    const rest = r.name.slice(prefix.length);
    const slash = rest.indexOf('/');
    const child = slash === -1 ? rest : rest.slice(0, slash);
    if (search && !child.toLowerCase().startsWith(search.toLowerCase())) continue;
    if (slash !== -1) {
      if (!entries.has(child))
        entries.set(child, {
          name: child,
          id: null,
          updated_at: null,
          created_at: null,
          last_accessed_at: null,
          metadata: null,
        });
    } else {
      entries.set(child, { ...r, name: child });
    }
  }
  const column = sortBy.column ?? 'name';
  const desc = sortBy.order === 'desc';
  const sorted = [...entries.values()].sort((a, b) => {
    const x = String((a as Record<string, unknown>)[column] ?? '');
    const y = String((b as Record<string, unknown>)[column] ?? '');
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
  return sorted.slice(offset, offset + limit);
}
