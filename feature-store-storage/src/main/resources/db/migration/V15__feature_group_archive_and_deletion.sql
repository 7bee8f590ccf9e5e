-- Archiving and deleting feature groups. An archived group stays readable but takes no commits. A
-- deletion holds its group (deletion_id: no commits, not online) while its objects are removed, then
-- marks it deleted; the row stays, since training sets name the files they read, but its name is free
-- for a new group: names are unique among groups not deleted only.
ALTER TABLE feature_groups
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN deletion_id uuid UNIQUE,
    ADD COLUMN deleted_at  timestamptz;

ALTER TABLE feature_groups DROP CONSTRAINT feature_groups_name_key;
CREATE UNIQUE INDEX feature_groups_name_unless_deleted ON feature_groups (name)
    WHERE deleted_at IS NULL;

-- The deletions' ledger: what depended on the group when it was asked for (the receipt's training sets
-- to rebuild and models to retrain) and every object key it removed, recorded before the delete, so a
-- run cut short and run again counts each object once.
CREATE TABLE feature_group_deletions (
    id                       uuid PRIMARY KEY,
    feature_group            text        NOT NULL,
    job_id                   uuid        NOT NULL UNIQUE,
    policy                   text        NOT NULL CHECK (policy IN ('REFUSE', 'DELETE_ANYWAY')),
    principal                text        NOT NULL,
    training_sets_to_rebuild jsonb       NOT NULL,
    models_to_retrain        jsonb       NOT NULL,
    deleted_objects          text[]      NOT NULL DEFAULT '{}',
    created_at               timestamptz NOT NULL DEFAULT now(),
    completed_at             timestamptz
);
