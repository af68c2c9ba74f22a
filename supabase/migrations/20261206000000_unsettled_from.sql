-- Same-second rewrites of per-company values (DESIGN §4 rule 11): Odoo's API gives write_date in
-- whole seconds, so a record read and then written again within the same second looks unchanged
-- on the next pass. Its plain columns are compared anyway, but a per-company value (another
-- company's account code) shows nowhere in the plain read. The engine keeps Odoo's clock at the
-- start of the last completed read of the model; records dated in or after that second have
-- their per-company values read again on the next pass.
alter table ods.sync_state add column if not exists unsettled_from timestamptz;

comment on column ods.sync_state.unsettled_from is
  'Odoo''s clock when the last completed snapshot or window pass began: records whose write_date '
  'falls in or after its second may have been rewritten unseen in that second, so the next pass '
  'reads their per-company values again';
