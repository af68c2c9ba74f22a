-- The private Storage bucket the background exports write their workbooks to (issue 13). A
-- file lives under its requester's folder, `exports/<auth user id>/…`; the worker writes with
-- the service role (which bypasses RLS), and a signed-in user may read — and so sign a
-- time-limited download link for — the files of their own folder only. No policy lets an API
-- role write, replace or delete here. On a hosted project the storage schema exists before the
-- migrations, and the local stack's Storage stand-in creates the same tables before them too.
-- Idempotent: where an earlier migration already made the bucket and its policy (under the
-- same name), nothing changes; a database that ran that one before Storage's tables existed
-- gets them here.
insert into storage.buckets (id, name, public, file_size_limit)
values ('exports', 'exports', false, 50 * 1024 * 1024)
on conflict (id) do nothing;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_policies
                  where schemaname = 'storage' and tablename = 'objects'
                    and policyname = 'exports: own folder') then
    create policy "exports: own folder" on storage.objects for select to authenticated
      using (bucket_id = 'exports' and (storage.foldername(name))[1] = (select auth.uid())::text);
  end if;
end $$;
