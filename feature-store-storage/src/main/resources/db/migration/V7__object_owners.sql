-- Uploads, jobs, training sets and models belong to the API key that created them: a data scientist
-- sees only its own, ADMIN and COMPLIANCE see all (docs/security.md). Rows recorded before this
-- migration have no owner, which makes them visible to ADMIN and COMPLIANCE only: nobody can tell
-- which key created them, and guessing would show one person's objects to another.
ALTER TABLE uploads ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);
ALTER TABLE jobs ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);
ALTER TABLE training_sets ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);
ALTER TABLE models ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);
