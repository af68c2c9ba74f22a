-- The overdue card's count and first page read one index and no table (issue 14). The page asks
-- for one company's overdue documents, ordered by due date, with an exact count: at 10M journal
-- items that is about 88,000 documents per company, counted on a range of the old
-- (due_date, move_id) index across every company and checked against the table, 30 ms.
-- The open_invoices view joins partners, currencies and companies; Postgres drops those joins
-- from a count, but still wants their keys (partner_id, currency_id) from the documents, so an
-- index without them cannot answer alone. Both indexes now carry every column such a query
-- reads: one company's count is an index-only range (9 ms at 10M), every company's too.
drop index if exists reporting_private.open_documents_due_date_move_id_idx;
create index open_documents_due_date_move_id_idx on reporting_private.open_documents
  (due_date, move_id) include (company_id, kind, partner_id, currency_id);
create index open_documents_company_due_idx on reporting_private.open_documents
  (company_id, due_date, move_id) include (kind, partner_id, currency_id);
