-- An uploaded spine is checked when it arrives; its columns (in file order, with their value types)
-- and row count are kept so that a training-set request can be checked against it without reading it.
ALTER TABLE uploads
    ADD COLUMN row_count    bigint NOT NULL DEFAULT 0,
    ADD COLUMN column_names text[] NOT NULL DEFAULT '{}',
    ADD COLUMN column_types text[] NOT NULL DEFAULT '{}';
