-- An exported workbook stays readable (and signable) by its requester only while they may still
-- read every company it holds: revoking a grant also takes back the exports made under it, and
-- a file no finished job claims (a job purged after 30 days, a stray upload) is read by no one.
-- Before this migration the policy looked at the folder alone.

-- The companies of the caller's finished export stored under `object_name` (NULL when none).
-- Definer: ods.jobs is private; it answers only about the caller's own jobs.
create function reporting_private.export_file_companies(object_name text) returns bigint[]
language sql stable security definer set search_path = '' as $$
  select j.companies
    from ods.jobs j
   where j.status = 'done'
     and j.result ->> 'path' = object_name
     and j.requester = (select auth.uid())
   limit 1
$$;
revoke all on function reporting_private.export_file_companies(text) from public;
grant execute on function reporting_private.export_file_companies(text) to authenticated;

-- The caller's companies are decided as the caller (visible_companies() answers by role), the
-- file's companies by the definer function above; both must be known.
drop policy if exists "exports: own folder" on storage.objects;
create policy "exports: own folder" on storage.objects for select to authenticated
  using (
    bucket_id = 'exports'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and coalesce(
          reporting_private.export_file_companies(name)
            <@ coalesce(reporting_private.visible_companies(),
                        reporting_private.export_file_companies(name)),
          false)
  );
