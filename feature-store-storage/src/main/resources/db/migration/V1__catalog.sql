-- The catalog: every table the feature store keeps in Postgres. Objects (Parquet files) live in the object
-- store; rows here say which objects exist, what they hold and who used them.

CREATE TABLE entities (
    name        text PRIMARY KEY,
    key_type    text        NOT NULL CHECK (key_type IN ('STRING', 'INT64')),
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feature_groups (
    id                     bigserial PRIMARY KEY,
    name                   text        NOT NULL UNIQUE,
    entity_name            text        NOT NULL REFERENCES entities (name),
    ttl_micros             bigint      NOT NULL DEFAULT 0 CHECK (ttl_micros >= 0),
    online                 boolean     NOT NULL DEFAULT false,
    description            text        NOT NULL DEFAULT '',
    current_schema_version integer     NOT NULL DEFAULT 1,
    -- The compare-and-set version of the group: the sequence of its latest commit (0 before the first).
    latest_sequence        bigint      NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now()
);

-- Schema evolution only adds nullable features, so each version is the full feature list at that point.
CREATE TABLE feature_group_schema_versions (
    feature_group_id bigint      NOT NULL REFERENCES feature_groups (id),
    version          integer     NOT NULL,
    features         jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feature_group_id, version)
);

CREATE TABLE commits (
    id               uuid PRIMARY KEY,
    feature_group_id bigint      NOT NULL REFERENCES feature_groups (id),
    sequence         bigint      NOT NULL,
    -- Strictly increasing per group: the commit protocol assigns max(now, previous + 1 microsecond).
    write_time       timestamptz NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('APPEND', 'COMPACTION', 'ERASURE')),
    schema_version   integer     NOT NULL,
    row_count        bigint      NOT NULL,
    idempotency_key  text,
    request_hash     text,
    principal        text,
    UNIQUE (feature_group_id, sequence),
    UNIQUE (feature_group_id, idempotency_key)
);

-- A file is visible as of sequence s when added_sequence <= s and (removed_sequence is null or > s).
-- Stored rows carry their own commit sequence, so a compacted file can serve older versions too.
CREATE TABLE data_files (
    id                  uuid PRIMARY KEY,
    feature_group_id    bigint      NOT NULL REFERENCES feature_groups (id),
    object_key          text        NOT NULL UNIQUE,
    added_sequence      bigint      NOT NULL,
    removed_sequence    bigint,
    schema_version      integer     NOT NULL,
    row_count           bigint      NOT NULL,
    byte_size           bigint      NOT NULL,
    content_hash        text        NOT NULL,
    key_min             text,
    key_max             text,
    event_time_min      timestamptz,
    event_time_max      timestamptz,
    min_commit_sequence bigint      NOT NULL,
    max_commit_sequence bigint      NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_files_by_group ON data_files (feature_group_id, added_sequence);

-- Uploads (spines, large commit bodies) parked in the object store until used.
CREATE TABLE uploads (
    id           uuid PRIMARY KEY,
    object_key   text        NOT NULL UNIQUE,
    content_type text        NOT NULL,
    byte_size    bigint      NOT NULL,
    created_by   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_sets (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'READY', 'FAILED')),
    request           jsonb       NOT NULL,
    -- Per feature group, the commit sequence the training set was bound to.
    catalog_version   jsonb       NOT NULL,
    output_object_key text UNIQUE,
    output_hash       text,
    row_count         bigint,
    rows_erased       bigint      NOT NULL DEFAULT 0,
    timings           jsonb,
    error             text,
    created_by        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz
);
CREATE INDEX training_sets_by_name ON training_sets (name);

-- The exact files (and their content hashes at build time) a training set read.
CREATE TABLE training_set_inputs (
    training_set_id  uuid   NOT NULL REFERENCES training_sets (id),
    data_file_id     uuid   NOT NULL REFERENCES data_files (id),
    feature_group_id bigint NOT NULL REFERENCES feature_groups (id),
    content_hash     text   NOT NULL,
    PRIMARY KEY (training_set_id, data_file_id)
);
CREATE INDEX training_set_inputs_by_group ON training_set_inputs (feature_group_id);

CREATE TABLE models (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL,
    version    text        NOT NULL,
    uri        text,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

CREATE TABLE model_training_sets (
    model_id        uuid NOT NULL REFERENCES models (id),
    training_set_id uuid NOT NULL REFERENCES training_sets (id),
    PRIMARY KEY (model_id, training_set_id)
);
CREATE INDEX model_training_sets_by_training_set ON model_training_sets (training_set_id);

-- Key-level lineage: keys get dense ids per entity, and each training set stores the ids it used as a
-- compressed sorted set (one row per training set and use), not one row per key.
CREATE TABLE entity_keys (
    id          bigserial PRIMARY KEY,
    entity_name text NOT NULL REFERENCES entities (name),
    key_value   text NOT NULL,
    UNIQUE (entity_name, key_value)
);

CREATE TABLE training_set_keys (
    training_set_id uuid    NOT NULL REFERENCES training_sets (id),
    entity_name     text    NOT NULL REFERENCES entities (name),
    used_as         text    NOT NULL CHECK (used_as IN ('SPINE', 'FEATURES')),
    key_count       bigint  NOT NULL,
    key_ids         bytea   NOT NULL,
    PRIMARY KEY (training_set_id, entity_name, used_as)
);

CREATE TABLE jobs (
    id             uuid PRIMARY KEY,
    kind           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    progress_done  bigint      NOT NULL DEFAULT 0,
    progress_total bigint      NOT NULL DEFAULT 0,
    request        jsonb,
    result         text,
    error          text,
    created_by     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
CREATE INDEX jobs_unfinished ON jobs (status) WHERE status IN ('PENDING', 'RUNNING');

-- Erasure keys are kept only while the job runs (so a restart can finish it), then cleared.
CREATE TABLE erasures (
    id           uuid PRIMARY KEY REFERENCES jobs (id),
    entity_name  text        NOT NULL REFERENCES entities (name),
    pending_keys jsonb,
    key_count    integer     NOT NULL,
    reason       text        NOT NULL DEFAULT '',
    receipt      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);

CREATE TABLE api_keys (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('ADMIN', 'DATA_SCIENTIST', 'MODEL_SERVER', 'COMPLIANCE')),
    -- SHA-256 of the key; the key itself is shown once, when issued.
    key_hash   text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    principal   text        NOT NULL,
    action      text        NOT NULL,
    target_type text        NOT NULL,
    target      text        NOT NULL,
    -- Never feature values: erased data must not survive here.
    details     jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (occurred_at);
CREATE INDEX audit_log_by_target ON audit_log (target_type, target);
