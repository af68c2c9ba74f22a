-- The private Storage bucket the background exports write their workbooks to (issue 13). A
-- file lives under its requester's folder, `exports/<auth user id>/…`; the worker writes with
-- the service role (which bypasses RLS), and a signed-in user may read — and so sign a
-- time-limited download link for — the files of their own folder only. No policy lets an API
-- role write, replace or delete here. On a hosted project the storage schema exists before the
-- migrations; the local stack's Storage stand-in creates the same tables first.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('exports', 'exports', false, 50 * 1024 * 1024, null)
on conflict (id) do nothing;

create policy "exports: requesters read their own folder" on storage.objects
  for select to authenticated
  using (bucket_id = 'exports'
         and (storage.foldername(name))[1] = (select auth.uid())::text);
