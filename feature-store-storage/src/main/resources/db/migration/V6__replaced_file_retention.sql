-- Files a compaction replaced (or an erasure emptied) are kept for the retention of replaced files,
-- counted from replaced_at, so that earlier versions stay readable until then; expired_at marks a
-- file whose object the retention deleted (its row stays: training sets record the files they read).
ALTER TABLE data_files
    ADD COLUMN replaced_at timestamptz,
    ADD COLUMN expired_at  timestamptz;

UPDATE data_files d SET replaced_at = c.write_time
FROM commits c
WHERE c.feature_group_id = d.feature_group_id AND c.sequence = d.removed_sequence;

CREATE INDEX data_files_to_expire ON data_files (replaced_at)
    WHERE replaced_at IS NOT NULL AND expired_at IS NULL;
