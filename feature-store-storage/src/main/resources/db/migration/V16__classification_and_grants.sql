-- Classification and grants (docs/security.md). A group's classification holds for each of its
-- features that does not set its own (in the schema version's features, beside the description).
ALTER TABLE feature_groups ADD COLUMN classification text NOT NULL DEFAULT 'INTERNAL'
    CHECK (classification IN ('PUBLIC', 'INTERNAL', 'PII', 'SENSITIVE'));

-- Who may read PII and SENSITIVE values: one API key or every key of a role, offline, online or both.
CREATE TABLE grants (
    id         uuid PRIMARY KEY,
    api_key_id uuid REFERENCES api_keys (id),
    role       text CHECK (role IN ('ADMIN', 'DATA_SCIENTIST', 'MODEL_SERVER', 'COMPLIANCE')),
    classes    text[]      NOT NULL CHECK (classes <@ ARRAY['PII', 'SENSITIVE'] AND cardinality(classes) > 0),
    scopes     text[]      NOT NULL CHECK (scopes <@ ARRAY['OFFLINE', 'ONLINE'] AND cardinality(scopes) > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    CHECK ((api_key_id IS NULL) <> (role IS NULL))
);

-- Every change of who may read what (a grant given or withdrawn, a group or feature classified anew)
-- notifies the channel read_access_changes when it commits, so that other servers drop their cached
-- decisions at once (ReadAccess); they poll besides, in case a notification is lost.
CREATE FUNCTION notify_read_access_changes() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('read_access_changes', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER grant_changes
    AFTER INSERT OR UPDATE OR DELETE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_access_changes();
CREATE TRIGGER group_classification_changes
    AFTER UPDATE OF classification ON feature_groups
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_access_changes();
CREATE TRIGGER feature_classification_changes
    AFTER INSERT OR UPDATE ON feature_group_schema_versions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_access_changes();
