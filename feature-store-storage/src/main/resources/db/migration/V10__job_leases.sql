-- Replicas share the catalog. Each unfinished job and training set is held by the replica running it
-- (replica_id, made up by the replica when it starts) under a lease its heartbeat extends. Another
-- replica takes the work over or fails it only once the lease expired, with one conditional update
-- that only one replica can win; every later change names the holder and the status it moves from.
-- Rows from before leases have neither, and count as expired.
ALTER TABLE jobs ADD COLUMN replica_id text, ADD COLUMN lease_expires_at timestamptz;
ALTER TABLE training_sets ADD COLUMN replica_id text, ADD COLUMN lease_expires_at timestamptz;
CREATE INDEX training_sets_unfinished ON training_sets (status) WHERE status IN ('PENDING', 'RUNNING');
