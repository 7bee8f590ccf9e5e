-- Objects an erasure could not read (damaged bytes): it goes on with the rest and names them in its
-- receipt. Rows removed per feature group, updated with each file rewritten, so that the ERASURE
-- commit of a resumed erasure counts the rows of every run, not only of the last.
ALTER TABLE erasures
    ADD COLUMN unreadable_objects    jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN rows_removed_by_group jsonb NOT NULL DEFAULT '{}';
