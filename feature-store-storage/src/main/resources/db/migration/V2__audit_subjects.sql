-- Audit entries name the API key that acted, and the entity and keys whose data an action concerned,
-- so that "who touched user u123" is an indexed query rather than a scan of every entry's details.
ALTER TABLE audit_log
    ADD COLUMN api_key_id uuid REFERENCES api_keys (id),
    ADD COLUMN entity     text,
    ADD COLUMN keys       text[] NOT NULL DEFAULT '{}';
CREATE INDEX audit_log_by_entity ON audit_log (entity, id) WHERE entity IS NOT NULL;
CREATE INDEX audit_log_by_key ON audit_log USING gin (keys);
CREATE INDEX audit_log_by_api_key ON audit_log (api_key_id, id) WHERE api_key_id IS NOT NULL;
