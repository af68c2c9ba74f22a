-- Odoo 17+ numbers a matching graph `P<smallest partial id>` and renumbers the whole graph by raw
-- SQL when a partial joins or leaves it. The items whose residual moved are re-read (their
-- write_date moved, or a changed partial points at them); the others of the graph (a payment
-- already used up) only change number. A journal item whose number changed therefore queues
-- the mirror's items still holding its old number (dependent kind `peers`). On 16 the number
-- is a plain `P` for every partial graph, written through the ORM: the pattern leaves it out.
--
-- Dependent kinds (ods.catalog.dependents), besides via, inverse and mirror:
--   {"model", "peers": field, "match": regex}
--                      re-read the mirror's records whose field holds a value a changed (or
--                      deleted) row held there before, if the value matches the regex
update ods.catalog
   set dependents = dependents || '[{"model": "account.move.line", "peers": "matching_number",
                                     "match": "^P[0-9]+$"}]'::jsonb
 where model = 'account.move.line'
   and not dependents @> '[{"peers": "matching_number"}]'::jsonb;

-- The mirror lookup of that dependent.
create index if not exists account_move_line_matching_number_idx
  on odoo.account_move_line (matching_number) where matching_number is not null;
