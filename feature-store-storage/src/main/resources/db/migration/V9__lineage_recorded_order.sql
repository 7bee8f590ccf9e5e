-- Every replica keeps an entity's key bitmaps in memory (LineageIndex). Before each answer it reads
-- the rows recorded since the highest recorded_id it holds, so that it sees training sets recorded
-- through any replica. A recording takes a lock per entity before its rows draw their ids and keeps it
-- until it commits: the ids of one entity become visible in order, and the watermark skips none.
ALTER TABLE training_set_keys ADD COLUMN recorded_id bigserial;
CREATE UNIQUE INDEX training_set_keys_by_entity_and_recording
    ON training_set_keys (entity_name, recorded_id);
