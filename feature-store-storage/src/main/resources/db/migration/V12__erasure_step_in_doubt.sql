-- An erasure writes each rewrite ahead here before the commit that points the object's catalog row
-- at it (that row's owner commits it, in its own transaction), and clears it when it records the
-- step: a run cut short in between finds it and reads the owner's row to learn whether it happened.
ALTER TABLE erasures ADD COLUMN step_in_doubt jsonb;
