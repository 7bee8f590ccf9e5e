-- Per Iceberg table (as outside engines name it, e.g. feature_groups.user_activity), the snapshots
-- an erasure or a retention run expired because they named an object it replaced.
ALTER TABLE erasures
    ADD COLUMN snapshots_expired_by_table jsonb NOT NULL DEFAULT '{}';
