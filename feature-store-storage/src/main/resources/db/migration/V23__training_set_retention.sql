-- Training-set outputs may carry their own retention (ISO-8601, P90D): the output is kept that long
-- after the set was built (expires_at, set when it becomes READY), then the set becomes EXPIRED
-- (expired_at) and its output object is deleted (output_deleted_at). NULL retention keeps it for ever.
ALTER TABLE training_sets
    ADD COLUMN retention text,
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN expired_at timestamptz,
    ADD COLUMN output_deleted_at timestamptz;
ALTER TABLE training_sets DROP CONSTRAINT training_sets_status_check;
ALTER TABLE training_sets ADD CONSTRAINT training_sets_status_check
    CHECK (status IN ('PENDING', 'RUNNING', 'READY', 'FAILED', 'EXPIRED'));
-- The retention pass looks only at sets that will expire or whose expiry is unfinished.
CREATE INDEX training_sets_expiring ON training_sets (expires_at)
    WHERE expires_at IS NOT NULL AND output_deleted_at IS NULL;
