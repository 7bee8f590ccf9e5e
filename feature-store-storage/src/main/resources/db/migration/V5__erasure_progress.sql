-- Progress an erasure job makes survives a restart: counts and the objects still to delete are
-- updated in the same transaction as each rewritten file or training set.
ALTER TABLE erasures
    ADD COLUMN files_rewritten        bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_removed           bigint NOT NULL DEFAULT 0,
    ADD COLUMN training_sets_affected uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN objects_to_delete      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN principal              text   NOT NULL DEFAULT '';

-- Erased keys are remembered only as SHA-256 digests, so that lineage can answer "was this key
-- erased, and by which erasure" for a key a caller names, without the catalog keeping the key.
CREATE TABLE erased_keys (
    entity_name text NOT NULL REFERENCES entities (name),
    key_digest  text NOT NULL,
    erasure_id  uuid NOT NULL REFERENCES erasures (id),
    PRIMARY KEY (entity_name, key_digest, erasure_id)
);

-- The lineage key table forgets an erased key's value but keeps its id (the training sets' key
-- bitmaps refer to it) and its digest, by which lineage queries for the key still find it.
ALTER TABLE entity_keys ADD COLUMN erased_digest text;
CREATE INDEX entity_keys_by_erased_digest ON entity_keys (entity_name, erased_digest)
    WHERE erased_digest IS NOT NULL;
